#pragma once
// Activation names as they appear in architecture JSON.

#include <string>
#include <string_view>

#include "kernels/activation.h"

namespace maas::nn {

using Activation = kernels::Activation;

// Parses "linear", "relu", "tanh", "sigmoid" or "softmax". Throws InvalidArgument naming
// the value, the accepted names and `json_path`.
Activation parse_activation(std::string_view name, std::string_view json_path);

// Returns the JSON name of an activation.
std::string_view activation_name(Activation activation);

}  // namespace maas::nn
