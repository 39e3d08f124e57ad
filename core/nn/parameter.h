#pragma once
// A trainable tensor with its gradient.

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor/tensor.h"

namespace maas::nn {

// `name` is the full dotted path used in checkpoints and model files, for example
// "layers.2.dense.kernel". `grad` has the shape of `value` and is overwritten, not
// accumulated, by each backward pass.
struct Parameter {
  std::string name;
  Tensor value;
  Tensor grad;
};

// The name (relative to its layer, such as "kernel") and shape of a parameter a layer needs.
struct ParameterSpec {
  std::string name;
  std::vector<std::int64_t> shape;
};

}  // namespace maas::nn
