#include "core/nn/max_pooling.h"

#include "kernels/max_pooling.h"

namespace maas::nn {

// Forward: y[b, j] = max over counted t of x[b, t, j], with t* = the first position reaching
// it; a row with no counted position gives y = 0 and no t*.
// Backward: dx[b, t*, j] = dy[b, j] and dx = 0 at every other position (the max is piecewise
// linear, so its derivative selects the winning input).

GlobalMaxPooling1D::GlobalMaxPooling1D(bool mask) : mask_(mask) { set_path("global_max_pooling1d"); }

nlohmann::json GlobalMaxPooling1D::to_json() const {
  return {{"type", "global_max_pooling1d"}, {"mask", mask_}};
}

void GlobalMaxPooling1D::check_inputs(const Tensor& x, const Tensor& ids) const {
  check_input(x, DType::kFloat32, {-1, -1, -1}, "input");
  if (mask_) {
    check_input(ids, DType::kInt32, {x.dim(0), x.dim(1)}, "mask ids");
  }
}

const Tensor& GlobalMaxPooling1D::forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                                          bool training, Rng& rng) {
  check_inputs(x, ids);
  input_shape_ = x.shape();
  argmax_.resize({x.dim(0), x.dim(2)}, DType::kInt32);
  output_.resize({x.dim(0), x.dim(2)});
  kernels::max_pool_forward(x.data<float>(), mask_ ? ids.data<std::int32_t>() : nullptr, x.dim(0), x.dim(1),
                            x.dim(2), output_.data<float>(), argmax_.data<std::int32_t>());
  forward_done_ = true;
  return output_;
}

const Tensor* GlobalMaxPooling1D::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  check_input(dy, DType::kFloat32, {input_shape_[0], input_shape_[2]}, "output gradient");
  input_grad_.resize(input_shape_);
  kernels::max_pool_backward(dy.data<float>(), argmax_.data<std::int32_t>(), input_shape_[0], input_shape_[1],
                             input_shape_[2], input_grad_.data<float>());
  return &input_grad_;
}

void GlobalMaxPooling1D::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
                               Tensor& y) const {
  check_inputs(x, ids);
  Tensor argmax({x.dim(0), x.dim(2)}, DType::kInt32);
  y.resize({x.dim(0), x.dim(2)}, DType::kFloat32);
  kernels::max_pool_forward(x.data<float>(), mask_ ? ids.data<std::int32_t>() : nullptr, x.dim(0), x.dim(1),
                            x.dim(2), y.data<float>(), argmax.data<std::int32_t>());
}

}  // namespace maas::nn
