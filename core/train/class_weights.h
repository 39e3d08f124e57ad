#pragma once
// Per-class weights of the training loss (config::ClassWeightConfig).

#include <span>
#include <string>
#include <vector>

#include "core/config/experiment_config.h"

namespace maas::train {

// Returns one weight per class index of `labels`, for training rows whose class indexes are
// `classes`:
//   none:     1 for every class
//   balanced: n / (k * n_c) for n rows, k classes and n_c rows of class c (scikit-learn's
//             compute_class_weight rule); a class without rows gets 1
//   map:      the listed weight, or 1 for a label not listed
// Throws ConfigError naming training.class_weight, the label and the known labels when the
// map lists a label the training data does not have, or when every weight is 0.
std::vector<float> class_weights(const config::ClassWeightConfig& config, const std::vector<std::string>& labels,
                                 std::span<const std::int32_t> classes);

}  // namespace maas::train
