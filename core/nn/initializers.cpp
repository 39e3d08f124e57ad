#include "core/nn/initializers.h"

#include <cmath>

namespace maas::nn {

void fill_uniform(Tensor& tensor, float limit, Rng& rng) {
  float* values = tensor.data<float>();
  for (std::int64_t i = 0; i < tensor.numel(); ++i) {
    values[i] = rng.uniform(-limit, limit);
  }
}

float glorot_uniform_limit(std::int64_t fan_in, std::int64_t fan_out) {
  return static_cast<float>(std::sqrt(6.0 / static_cast<double>(fan_in + fan_out)));
}

}  // namespace maas::nn
