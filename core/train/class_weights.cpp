#include "core/train/class_weights.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::train {

std::vector<float> class_weights(const config::ClassWeightConfig& config, const std::vector<std::string>& labels,
                                 std::span<const std::int32_t> classes) {
  std::vector<float> weights(labels.size(), 1.0f);
  if (config.mode == "balanced") {
    std::vector<std::int64_t> counts(labels.size(), 0);
    for (std::int32_t c : classes) ++counts[static_cast<std::size_t>(c)];
    const double rows = static_cast<double>(classes.size());
    const double k = static_cast<double>(labels.size());
    for (std::size_t c = 0; c < labels.size(); ++c) {
      if (counts[c] > 0) weights[c] = static_cast<float>(rows / (k * static_cast<double>(counts[c])));
    }
    return weights;
  }
  if (config.mode != "map") {
    return weights;
  }
  for (const auto& [label, weight] : config.weights) {
    const auto found = std::find(labels.begin(), labels.end(), label);
    if (found == labels.end()) {
      throw ConfigError(fmt::format(
          "training.class_weight: label \"{}\" does not occur in the training data; expected one of \"{}\"; "
          "fix the label or remove it",
          label, fmt::join(labels, "\", \"")));
    }
    weights[static_cast<std::size_t>(found - labels.begin())] = static_cast<float>(weight);
  }
  if (std::all_of(weights.begin(), weights.end(), [](float w) { return w == 0.0f; })) {
    throw ConfigError("training.class_weight: every class has weight 0, so nothing would be learned; "
                      "give at least one class a weight > 0");
  }
  return weights;
}

}  // namespace maas::train
