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
  pooled_ = false;
  output_.resize({x.dim(0), x.dim(1), output_dim_});
  kernels::embedding_gather(x.data<std::int32_t>(), x.numel(), params[0].value.data<float>(), output_dim_,
                            output_.data<float>(), skip_padding_);
  forward_done_ = true;
  return output_;
}

std::int64_t Embedding::prepare_sparse_grad(Parameter& table, std::int64_t count) {
  if (row_marks_.size() != static_cast<std::size_t>(input_dim_)) {
    row_marks_.assign(static_cast<std::size_t>(input_dim_), 0);
  }
  const auto previous_rows = static_cast<std::int64_t>(table.grad_rows.size());
  table.grad_rows.resize(std::max(static_cast<std::size_t>(count), table.grad_rows.size()));
  return previous_rows;
}

const Tensor* Embedding::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_ && !pooled_);
  check_input(dy, DType::kFloat32, {ids_.dim(0), ids_.dim(1), output_dim_}, "output gradient");
  Parameter& table = params[0];
  const std::int64_t previous_rows = prepare_sparse_grad(table, ids_.numel());
  const std::int64_t rows = kernels::embedding_sparse_backward(
      ids_.data<std::int32_t>(), ids_.numel(), dy.data<float>(), output_dim_, skip_padding_,
      table.grad.data<float>(), row_marks_.data(), table.grad_rows.data(), previous_rows, input_dim_);
  table.grad_rows.resize(static_cast<std::size_t>(rows));
  return nullptr;
}

const Tensor& Embedding::forward_mean(std::span<Parameter> params, const Tensor& ids) {
  check_ids(ids);
  ids_ = ids;
  const std::int64_t batch = ids.dim(0);
  output_.resize({batch, output_dim_});
  inverse_counts_.resize({batch});
  kernels::embedding_mean_pool_forward(ids.data<std::int32_t>(), batch, ids.dim(1), params[0].value.data<float>(),
                                       output_dim_, skip_padding_, output_.data<float>(),
                                       inverse_counts_.data<float>());
  forward_done_ = true;
  pooled_ = true;
  return output_;
}

void Embedding::backward_mean(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_ && pooled_);
  check_input(dy, DType::kFloat32, {ids_.dim(0), output_dim_}, "output gradient");
  Parameter& table = params[0];
  const std::int64_t previous_rows = prepare_sparse_grad(table, ids_.numel());
  scaled_gradient_.resize(static_cast<std::size_t>(output_dim_));
  const std::int64_t rows = kernels::embedding_mean_pool_backward(
      ids_.data<std::int32_t>(), ids_.dim(0), ids_.dim(1), dy.data<float>(), inverse_counts_.data<float>(),
      output_dim_, skip_padding_, table.grad.data<float>(), row_marks_.data(), table.grad_rows.data(),
      previous_rows, input_dim_, scaled_gradient_.data());
  table.grad_rows.resize(static_cast<std::size_t>(rows));
}

void Embedding::infer_mean(std::span<const Parameter> params, const Tensor& ids, Tensor& y) const {
  check_ids(ids);
  const std::int64_t batch = ids.dim(0);
  Tensor inverse_counts({batch});
  y.resize({batch, output_dim_}, DType::kFloat32);
  kernels::embedding_mean_pool_forward(ids.data<std::int32_t>(), batch, ids.dim(1), params[0].value.data<float>(),
                                       output_dim_, skip_padding_, y.data<float>(), inverse_counts.data<float>());
}

void Embedding::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
                      Tensor& y) const {
  check_ids(x);
  y.resize({x.dim(0), x.dim(1), output_dim_}, DType::kFloat32);
  kernels::embedding_gather(x.data<std::int32_t>(), x.numel(), params[0].value.data<float>(), output_dim_,
                            y.data<float>(), skip_padding_);
}

}  // namespace maas::nn
