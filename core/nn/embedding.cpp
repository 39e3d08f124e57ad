#include "core/nn/embedding.h"

#include <algorithm>
#include <limits>

#include "core/common/error.h"
#include "core/nn/initializers.h"
#include "kernels/embedding.h"

namespace maas::nn {

// Forward: y[b, t, :] = E[ids[b, t], :].
// Backward: dE[v, :] = sum over positions (b, t) with ids[b, t] = v of dy[b, t, :].
// The ids are integers, so there is no gradient with respect to the input.

Embedding::Embedding(std::int64_t input_dim, std::int64_t output_dim)
    : input_dim_(input_dim), output_dim_(output_dim) {
  if (input_dim < 1 || input_dim > std::numeric_limits<std::int32_t>::max()) {
    throw InvalidArgument("embedding: invalid input_dim " + std::to_string(input_dim) +
                          ": expected a vocabulary size in [1, 2147483647]");
  }
  if (output_dim < 1) {
    throw InvalidArgument("embedding: invalid output_dim " + std::to_string(output_dim) +
                          ": expected a vector size >= 1");
  }
  set_path("embedding");
}

nlohmann::json Embedding::to_json() const {
  return {{"type", "embedding"}, {"input_dim", input_dim_}, {"output_dim", output_dim_}};
}

std::vector<ParameterSpec> Embedding::parameter_specs() const {
  return {{"embeddings", {input_dim_, output_dim_}, true}};
}

void Embedding::initialize(std::span<Parameter> params, Rng& rng) const {
  fill_uniform(params[0].value, kEmbeddingInitLimit, rng);
}

void Embedding::check_ids(const Tensor& ids) const {
  check_input(ids, DType::kInt32, {-1, -1}, "input ids");
  const std::int64_t bad = kernels::find_invalid_id(ids.data<std::int32_t>(), ids.numel(), input_dim_);
  if (bad >= 0) {
    const std::int64_t seq = ids.dim(1);
    throw InvalidArgument(path() + ": invalid token id " + std::to_string(ids.data<std::int32_t>()[bad]) +
                          " at position [" + std::to_string(bad / seq) + ", " + std::to_string(bad % seq) +
                          "]: expected an id in [0, " + std::to_string(input_dim_) +
                          ") because input_dim is " + std::to_string(input_dim_) +
                          "; encode the text with the model's own vocabulary");
  }
}

const Tensor& Embedding::forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                                 bool training, Rng& rng) {
  check_ids(x);
  ids_ = x;
  output_.resize({x.dim(0), x.dim(1), output_dim_});
  kernels::embedding_gather(x.data<std::int32_t>(), x.numel(), params[0].value.data<float>(), output_dim_,
                            output_.data<float>(), skip_padding_);
  forward_done_ = true;
  return output_;
}

const Tensor* Embedding::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  check_input(dy, DType::kFloat32, {ids_.dim(0), ids_.dim(1), output_dim_}, "output gradient");
  Parameter& table = params[0];
  if (row_marks_.size() != static_cast<std::size_t>(input_dim_)) {
    row_marks_.assign(static_cast<std::size_t>(input_dim_), 0);
  }
  const auto previous_rows = static_cast<std::int64_t>(table.grad_rows.size());
  const auto count = static_cast<std::size_t>(ids_.numel());
  if (table.grad_rows.capacity() < count) {
    table.grad_rows.reserve(count);
  }
  table.grad_rows.resize(std::max(count, table.grad_rows.size()));
  const std::int64_t rows = kernels::embedding_sparse_backward(
      ids_.data<std::int32_t>(), ids_.numel(), dy.data<float>(), output_dim_, skip_padding_,
      table.grad.data<float>(), row_marks_.data(), table.grad_rows.data(), previous_rows);
  table.grad_rows.resize(static_cast<std::size_t>(rows));
  return nullptr;
}

void Embedding::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
                      Tensor& y) const {
  check_ids(x);
  y.resize({x.dim(0), x.dim(1), output_dim_}, DType::kFloat32);
  kernels::embedding_gather(x.data<std::int32_t>(), x.numel(), params[0].value.data<float>(), output_dim_,
                            y.data<float>(), skip_padding_);
}

}  // namespace maas::nn
