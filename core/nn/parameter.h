#pragma once
// A trainable tensor with its gradient.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor/tensor.h"

namespace maas::nn {

// `name` is the full dotted path used in checkpoints and model files, for example
// "layers.2.dense.kernel". `grad` has the shape of `value` and is overwritten, not
// accumulated, by each backward pass.
//
// A row-sparse parameter (an embedding table) sets `sparse_rows`: after a backward pass
// `grad_rows` lists, in ascending order and without repeats, the rows of `grad` that the
// pass wrote, and every other row of `grad` is zero. Optimizers may then touch only those
// rows. grad_rows keeps its capacity between passes, so a warm pass allocates nothing.
struct Parameter {
  Parameter() = default;
  Parameter(std::string name, Tensor value, Tensor grad, bool sparse_rows = false)
      : name(std::move(name)), value(std::move(value)), grad(std::move(grad)), sparse_rows(sparse_rows) {}

  std::string name;
  Tensor value;
  Tensor grad;
  bool sparse_rows = false;
  std::vector<std::int32_t> grad_rows;
};

// The name (relative to its layer, such as "kernel") and shape of a parameter a layer needs.
struct ParameterSpec {
  std::string name;
  std::vector<std::int64_t> shape;
  bool sparse_rows = false;  // see Parameter::sparse_rows
};

}  // namespace maas::nn
