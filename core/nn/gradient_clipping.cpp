#include "core/nn/gradient_clipping.h"

#include <cmath>
#include <string>

#include "core/common/error.h"
#include "kernels/optimizers.h"

namespace maas::nn {
namespace {

std::int64_t row_width(const Parameter& param) {
  return param.value.rank() >= 2 ? param.value.numel() / param.value.dim(0) : 1;
}

}  // namespace

double clip_by_global_norm(std::vector<Parameter>& params, double max_norm) {
  if (!(std::isfinite(max_norm) && max_norm > 0.0)) {
    throw InvalidArgument("gradient clipping: invalid max_norm " + std::to_string(max_norm) +
                          ": expected a finite value > 0");
  }
  double sum = 0.0;
  for (const Parameter& param : params) {
    sum += param.sparse_rows ? kernels::sum_of_squares_rows(param.grad.data<float>(), param.grad_rows.data(),
                                                            static_cast<std::int64_t>(param.grad_rows.size()),
                                                            row_width(param))
                             : kernels::sum_of_squares(param.grad.data<float>(), param.grad.numel());
  }
  const double norm = std::sqrt(sum);
  if (!(norm > max_norm)) {
    return norm;
  }
  const auto factor = static_cast<float>(max_norm / norm);
  for (Parameter& param : params) {
    if (param.sparse_rows) {
      kernels::scale_value_rows(param.grad.data<float>(), param.grad_rows.data(),
                                static_cast<std::int64_t>(param.grad_rows.size()), row_width(param), factor);
    } else {
      kernels::scale_values(param.grad.data<float>(), param.grad.numel(), factor);
    }
  }
  return norm;
}

}  // namespace maas::nn
