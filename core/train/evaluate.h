#pragma once

#include <functional>

#include "core/data/dataset.h"
#include "core/infer/predictor.h"
#include "core/train/metrics.h"

namespace maas::train {

// Returns probabilities for a batch of texts, one row per text and one column per label.
using PredictFunction = std::function<infer::Probabilities(const std::vector<std::string>&)>;

// Runs `predict` over every example of `dataset` in batches and scores it against `labels`.
// Examples whose label the model does not know are counted as errors and listed, not rejected.
ClassificationReport evaluate(const PredictFunction& predict, const std::vector<std::string>& labels,
                              const data::Dataset& dataset, int batch_size = 256);

// The same for a loaded model.
ClassificationReport evaluate(const infer::Predictor& predictor, const data::Dataset& dataset, int batch_size = 256);

}  // namespace maas::train
