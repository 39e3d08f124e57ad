#pragma once
// Primitive attributes shared by the oneDNN wrappers (dense, conv1d, RNN).

#include <oneapi/dnnl/dnnl.hpp>

#include "kernels/activation.h"

namespace maas::kernels {

// Returns the attribute every cached primitive uses: a user-managed scratchpad, so that
// several threads can execute one primitive at once.
dnnl::primitive_attr user_scratchpad_attr();

// Returns user_scratchpad_attr() plus, when `fuse` is set and `activation` is relu, tanh or
// sigmoid, that activation as an eltwise post-op. Linear and softmax are never fused.
dnnl::primitive_attr fused_activation_attr(Activation activation, bool fuse);

}  // namespace maas::kernels
