#include "core/nn/pooling.h"

#include "kernels/pooling.h"

namespace maas::nn {

// Forward: y[b, :] = sum_t m[b, t] x[b, t, :] / n_b, with m[b, t] = 1 when ids[b, t] != 0
// (or always 1 without a mask) and n_b = sum_t m[b, t]. A row with n_b = 0 gives y = 0.
// Backward: dx[b, t, :] = m[b, t] dy[b, :] / n_b, and 0 for a row with n_b = 0.

GlobalAveragePooling1D::GlobalAveragePooling1D(bool mask) : mask_(mask) {
  set_path("global_average_pooling1d");
}

nlohmann::json GlobalAveragePooling1D::to_json() const {
  return {{"type", "global_average_pooling1d"}, {"mask", mask_}};
}

void GlobalAveragePooling1D::check_inputs(const Tensor& x, const Tensor& ids) const {
  check_input(x, DType::kFloat32, {-1, -1, -1}, "input");
  if (mask_) {
    check_input(ids, DType::kInt32, {x.dim(0), x.dim(1)}, "mask ids");
  }
}

const Tensor& GlobalAveragePooling1D::forward(std::span<Parameter> params, const Tensor& x,
                                              const Tensor& ids, bool training, Rng& rng) {
  check_inputs(x, ids);
  const std::int64_t batch = x.dim(0);
  const std::int64_t seq = x.dim(1);
  const std::int64_t dim = x.dim(2);
  input_shape_ = x.shape();
  if (mask_) {
    ids_ = ids;
  }
  inverse_counts_.resize({batch});
  output_.resize({batch, dim});
  kernels::mean_pool_forward(x.data<float>(), mask_ ? ids.data<std::int32_t>() : nullptr, batch, seq, dim,
                             output_.data<float>(), inverse_counts_.data<float>());
  forward_done_ = true;
  return output_;
}

const Tensor* GlobalAveragePooling1D::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  const std::int64_t batch = input_shape_[0];
  const std::int64_t seq = input_shape_[1];
  const std::int64_t dim = input_shape_[2];
  check_input(dy, DType::kFloat32, {batch, dim}, "output gradient");
  input_grad_.resize(input_shape_);
  kernels::mean_pool_backward(dy.data<float>(), mask_ ? ids_.data<std::int32_t>() : nullptr, batch, seq, dim,
                              inverse_counts_.data<float>(), input_grad_.data<float>());
  return &input_grad_;
}

void GlobalAveragePooling1D::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
                                   Tensor& y) const {
  check_inputs(x, ids);
  const std::int64_t batch = x.dim(0);
  Tensor inverse_counts({batch});
  y.resize({batch, x.dim(2)}, DType::kFloat32);
  kernels::mean_pool_forward(x.data<float>(), mask_ ? ids.data<std::int32_t>() : nullptr, batch, x.dim(1),
                             x.dim(2), y.data<float>(), inverse_counts.data<float>());
}

}  // namespace maas::nn
