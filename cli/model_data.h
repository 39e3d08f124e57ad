#pragma once
// Dataset reading options for commands that run a trained model (eval, predict): column names
// default to the ones the model was trained with, as stored in its manifest.

#include <optional>
#include <string>

#include "core/data/dataset.h"
#include "core/infer/predictor.h"

namespace maas::cli {

// Returns read options for `predictor`'s data. Unset columns come from the model's training
// config (data.text_column / data.label_column), falling back to "text" and "label". The label
// kind follows the model's task, and the multi-label separator is the training one ("|" if none).
data::ReadOptions model_read_options(const infer::Predictor& predictor, const std::string& format,
                                     const std::optional<std::string>& text_column,
                                     const std::optional<std::string>& label_column);

// Logs a warning when --threshold was given for a model that is not multi-label, which ignores it.
void warn_unused_threshold(const infer::Predictor& predictor, bool threshold_given, float threshold);

}  // namespace maas::cli
