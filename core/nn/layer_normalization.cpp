#include "core/nn/layer_normalization.h"

#include "core/common/error.h"
#include "kernels/layer_norm.h"

namespace maas::nn {

// Forward, per row x of F features: mu = mean(x), var = mean((x - mu)^2),
//   r = 1 / sqrt(var + eps), xhat = (x - mu) r, y = gamma * xhat + beta.
// Backward, given dy: dgamma = sum over rows of dy * xhat, dbeta = sum over rows of dy, and
// with g = dy * gamma, dx = r (g - mean(g) - xhat mean(g * xhat)), which follows from
// dxhat_j/dx_i = r (delta_ij - 1/F - xhat_i xhat_j / F).

LayerNormalization::LayerNormalization(std::int64_t features, double epsilon)
    : features_(features), epsilon_(epsilon) {
  if (features < 1) {
    throw InvalidArgument("layer_normalization: invalid features " + std::to_string(features) +
                          ": expected a size >= 1");
  }
  if (!(epsilon > 0.0)) {
    throw InvalidArgument("layer_normalization: invalid epsilon " + std::to_string(epsilon) +
                          ": expected a number > 0");
  }
  set_path("layer_normalization");
}

nlohmann::json LayerNormalization::to_json() const {
  return {{"type", "layer_normalization"}, {"epsilon", epsilon_}};
}

std::vector<ParameterSpec> LayerNormalization::parameter_specs() const {
  return {{"gamma", {features_}}, {"beta", {features_}}};
}

void LayerNormalization::initialize(std::span<Parameter> params, Rng& rng) const {
  params[0].value.fill(1.0f);
  params[1].value.fill(0.0f);
}

void LayerNormalization::check_features(const Tensor& x, std::string_view role) const {
  if (x.rank() == 3) {
    check_input(x, DType::kFloat32, {-1, -1, features_}, role);
  } else {
    check_input(x, DType::kFloat32, {-1, features_}, role);
  }
}

const Tensor& LayerNormalization::forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                                          bool training, Rng& rng) {
  check_features(x, "input");
  const std::int64_t rows = x.numel() / features_;
  input_ = x;
  mean_.resize({rows});
  rstd_.resize({rows});
  output_.resize(x.shape());
  kernels::layer_norm_forward(x.data<float>(), params[0].value.data<float>(), params[1].value.data<float>(), rows,
                              features_, static_cast<float>(epsilon_), output_.data<float>(), mean_.data<float>(),
                              rstd_.data<float>());
  forward_done_ = true;
  return output_;
}

const Tensor* LayerNormalization::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  check_input(dy, DType::kFloat32, input_.shape(), "output gradient");
  const std::int64_t rows = input_.numel() / features_;
  input_grad_.resize(input_.shape());
  kernels::layer_norm_backward(input_.data<float>(), dy.data<float>(), params[0].value.data<float>(),
                               mean_.data<float>(), rstd_.data<float>(), rows, features_,
                               input_grad_.data<float>(), params[0].grad.data<float>(),
                               params[1].grad.data<float>());
  return &input_grad_;
}

void LayerNormalization::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
                               Tensor& y) const {
  check_features(x, "input");
  const std::int64_t rows = x.numel() / features_;
  Tensor mean({rows});
  Tensor rstd({rows});
  y.resize(x.shape(), DType::kFloat32);
  kernels::layer_norm_forward(x.data<float>(), params[0].value.data<float>(), params[1].value.data<float>(), rows,
                              features_, static_cast<float>(epsilon_), y.data<float>(), mean.data<float>(),
                              rstd.data<float>());
}

}  // namespace maas::nn
