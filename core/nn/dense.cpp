#include "core/nn/dense.h"

#include "core/common/error.h"
#include "core/nn/initializers.h"
#include "kernels/dense.h"

namespace maas::nn {

// Forward: z = x W^T + b and y = f(z), with x [B, in], W [units, in], b [units].
// Backward, given dy = dL/dy [B, units]:
//   dz = f'(z) * dy, computed from y: relu 1[y > 0], tanh 1 - y^2, sigmoid y (1 - y),
//        softmax per row dz_j = y_j (dy_j - sum_k dy_k y_k), linear dz = dy;
//   dW = dz^T x [units, in], db = sum over the batch of dz, dx = dz W [B, in].

Dense::Dense(std::int64_t in, std::int64_t units, Activation activation)
    : in_(in), units_(units), activation_(activation) {
  if (in < 1) {
    throw InvalidArgument("dense: invalid input size " + std::to_string(in) + ": expected a size >= 1");
  }
  if (units < 1) {
    throw InvalidArgument("dense: invalid units " + std::to_string(units) + ": expected a size >= 1");
  }
  set_path("dense");
}

nlohmann::json Dense::to_json() const {
  return {{"type", "dense"}, {"units", units_}, {"activation", std::string(activation_name(activation_))}};
}

std::vector<ParameterSpec> Dense::parameter_specs() const {
  return {{"kernel", {units_, in_}}, {"bias", {units_}}};
}

void Dense::initialize(std::span<Parameter> params, Rng& rng) const {
  fill_uniform(params[0].value, glorot_uniform_limit(in_, units_), rng);
  params[1].value.fill(0.0f);
}

const Tensor& Dense::forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids, bool training,
                             Rng& rng) {
  check_input(x, DType::kFloat32, {-1, in_}, "input");
  const kernels::DenseShape shape{x.dim(0), in_, units_, applied_activation()};
  input_ = x;
  output_.resize({shape.batch, units_});
  kernels::dense_forward(shape, x.data<float>(), params[0].value.data<float>(), params[1].value.data<float>(),
                         output_.data<float>(), true);
  forward_done_ = true;
  return output_;
}

const Tensor* Dense::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  const std::int64_t batch = input_.dim(0);
  check_input(dy, DType::kFloat32, {batch, units_}, "output gradient");
  const kernels::DenseShape shape{batch, in_, units_, Activation::kLinear};

  pre_activation_grad_.resize({batch, units_});
  kernels::activation_backward(applied_activation(), output_.data<float>(), dy.data<float>(),
                               pre_activation_grad_.data<float>(), batch, units_);
  kernels::dense_backward_weights(shape, input_.data<float>(), pre_activation_grad_.data<float>(),
                                  params[0].grad.data<float>(), params[1].grad.data<float>());
  input_grad_.resize({batch, in_});
  kernels::dense_backward_data(shape, pre_activation_grad_.data<float>(), params[0].value.data<float>(),
                               input_grad_.data<float>());
  return &input_grad_;
}

void Dense::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids, Tensor& y) const {
  check_input(x, DType::kFloat32, {-1, in_}, "input");
  const kernels::DenseShape shape{x.dim(0), in_, units_, applied_activation()};
  y.resize({shape.batch, units_}, DType::kFloat32);
  kernels::dense_forward(shape, x.data<float>(), params[0].value.data<float>(), params[1].value.data<float>(),
                         y.data<float>(), false);
}

}  // namespace maas::nn
