#include "core/nn/activation.h"

#include <array>
#include <utility>

#include "core/common/error.h"

namespace maas::nn {
namespace {

constexpr std::array<std::pair<std::string_view, Activation>, 5> kActivations = {{
    {"linear", Activation::kLinear},
    {"relu", Activation::kRelu},
    {"tanh", Activation::kTanh},
    {"sigmoid", Activation::kSigmoid},
    {"softmax", Activation::kSoftmax},
}};

}  // namespace

Activation parse_activation(std::string_view name, std::string_view json_path) {
  for (const auto& [known, activation] : kActivations) {
    if (known == name) {
      return activation;
    }
  }
  throw InvalidArgument(std::string(json_path) + ": unknown activation \"" + std::string(name) +
                        "\"; expected one of linear, relu, tanh, sigmoid, softmax");
}

std::string_view activation_name(Activation activation) {
  for (const auto& [known, value] : kActivations) {
    if (value == activation) {
      return known;
    }
  }
  return "unknown";
}

}  // namespace maas::nn
