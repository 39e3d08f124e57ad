#pragma once
// Gradient clipping by global norm.

#include <vector>

#include "core/nn/parameter.h"

namespace maas::nn {

// Computes the global norm n = sqrt(sum over every parameter of sum(grad^2)) and, when
// n > max_norm, scales every grad by max_norm / n (tf.clip_by_global_norm). Row-sparse
// grads contribute and are scaled through their grad_rows only; their other rows are zero.
// Returns n before clipping. Sums run in double in parameter order, so the result is
// reproducible. Throws InvalidArgument unless max_norm is finite and > 0.
double clip_by_global_norm(std::vector<Parameter>& params, double max_norm);

}  // namespace maas::nn
