#include "core/nn/dropout.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "kernels/dropout.h"

namespace maas::nn {

// Forward (training): y = x * m with m = 1 / (1 - rate) where u >= rate and 0 elsewhere,
// for u drawn uniform in [0, 1). Inference: y = x.
// Backward: dx = dy * m, the same mask, or dx = dy when no mask was applied.

Dropout::Dropout(double rate) : rate_(rate) {
  if (!(rate >= 0.0 && rate < 1.0)) {
    throw InvalidArgument("dropout: invalid rate " + std::to_string(rate) +
                          ": expected a fraction in [0, 1)");
  }
  set_path("dropout");
}

nlohmann::json Dropout::to_json() const { return {{"type", "dropout"}, {"rate", rate_}}; }

void Dropout::check_float_input(const Tensor& x, std::string_view role) const {
  if (x.dtype() != DType::kFloat32 || x.numel() < 1) {
    throw InvalidArgument(path() + ": invalid " + std::string(role) +
                          ": expected a float32 tensor with at least one element, got " +
                          std::string(dtype_name(x.dtype())) + " shape " + x.shape_string());
  }
}

const Tensor& Dropout::forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids, bool training,
                               Rng& rng) {
  check_float_input(x, "input");
  output_.resize(x.shape());
  mask_applied_ = training && rate_ > 0.0;
  if (mask_applied_) {
    mask_.resize(x.shape());
    float* mask = mask_.data<float>();
    for (std::int64_t i = 0; i < mask_.numel(); ++i) {
      mask[i] = rng.uniform();
    }
    kernels::dropout_make_mask(mask, mask_.numel(), static_cast<float>(rate_), mask);
    kernels::dropout_apply(x.data<float>(), mask, x.numel(), output_.data<float>());
  } else {
    std::copy(x.data<float>(), x.data<float>() + x.numel(), output_.data<float>());
  }
  forward_done_ = true;
  return output_;
}

const Tensor* Dropout::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  check_input(dy, DType::kFloat32, output_.shape(), "output gradient");
  input_grad_.resize(dy.shape());
  if (mask_applied_) {
    kernels::dropout_apply(dy.data<float>(), mask_.data<float>(), dy.numel(), input_grad_.data<float>());
  } else {
    std::copy(dy.data<float>(), dy.data<float>() + dy.numel(), input_grad_.data<float>());
  }
  return &input_grad_;
}

void Dropout::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids, Tensor& y) const {
  check_float_input(x, "input");
  y = x;
}

}  // namespace maas::nn
