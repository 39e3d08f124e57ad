#pragma once
// Finite-difference gradient checks shared by the nn tests.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/nn/layer.h"
#include "core/tensor/tensor.h"

namespace maas::nn::testing {

// Tolerances for one check: |numeric - analytic| <= absolute + relative * |analytic|.
// `step` is the central-difference step h in (L(v + h) - L(v - h)) / 2h.
struct GradientTolerance {
  float step = 1e-2f;
  double absolute = 1e-3;
  double relative = 1e-2;
};

// Compares `analytic`, the gradient of loss() with respect to `values`, with central
// differences. loss() must recompute the loss from the current contents of `values`.
// Checks every element, or every `stride`-th one for large tensors.
inline void expect_gradient_matches(Tensor& values, const Tensor& analytic, const std::function<double()>& loss,
                                    const GradientTolerance& tolerance, const std::string& label,
                                    std::int64_t stride = 1) {
  ASSERT_EQ(values.shape(), analytic.shape()) << label;
  float* data = values.data<float>();
  const float* expected = analytic.data<float>();
  for (std::int64_t i = 0; i < values.numel(); i += stride) {
    const float original = data[i];
    data[i] = original + tolerance.step;
    const double plus = loss();
    data[i] = original - tolerance.step;
    const double minus = loss();
    data[i] = original;
    const double numeric = (plus - minus) / (2.0 * tolerance.step);
    const double bound = tolerance.absolute + tolerance.relative * std::abs(expected[i]);
    EXPECT_NEAR(expected[i], numeric, bound) << label << " element " << i;
  }
}

// Fills a float tensor with a fixed, irregular pattern scaled to [-scale, scale].
inline void fill_pattern(Tensor& tensor, float scale, float phase) {
  float* data = tensor.data<float>();
  for (std::int64_t i = 0; i < tensor.numel(); ++i) {
    data[i] = scale * std::sin(1.7f * static_cast<float>(i) + phase);
  }
}

// The test loss L = sum_i c_i y_i for fixed coefficients c, so that dL/dy = c.
inline double weighted_sum(const Tensor& output, const Tensor& coefficients) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < output.numel(); ++i) {
    sum += static_cast<double>(output.data<float>()[i]) * coefficients.data<float>()[i];
  }
  return sum;
}

// Creates zero parameters with the layer's names and shapes.
inline std::vector<Parameter> make_parameters(const Layer& layer) {
  std::vector<Parameter> params;
  for (const ParameterSpec& spec : layer.parameter_specs()) {
    params.push_back({spec.name, Tensor(spec.shape), Tensor(spec.shape)});
  }
  return params;
}

}  // namespace maas::nn::testing
