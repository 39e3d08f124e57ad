#pragma once

#include <functional>
#include <variant>

#include "core/common/task.h"
#include "core/data/dataset.h"
#include "core/infer/predictor.h"
#include "core/train/metrics.h"
#include "core/train/multi_label_metrics.h"
#include "core/train/regression_metrics.h"

namespace maas::train {

// Returns outputs for a batch of texts, one row per text and one column per label.
using PredictFunction = std::function<infer::Probabilities(const std::vector<std::string>&)>;

// The report of one task: ClassificationReport, MultiLabelReport or RegressionReport.
using TaskReport = std::variant<ClassificationReport, MultiLabelReport, RegressionReport>;

// Runs `predict` over every example of `dataset` in batches and scores it against `labels`.
// Examples whose label the model does not know are counted as errors and listed, not rejected.
ClassificationReport evaluate(const PredictFunction& predict, const std::vector<std::string>& labels,
                              const data::Dataset& dataset, int batch_size = 256);

// The same for a loaded classifier.
ClassificationReport evaluate(const infer::Predictor& predictor, const data::Dataset& dataset, int batch_size = 256);

// Scores a loaded model of any task. `dataset` must be read with label_kind(predictor.task()).
// For multi_label, a label is predicted when its probability is at least `threshold`, and labels
// the model does not know are listed in the report and otherwise ignored.
TaskReport evaluate_task(const infer::Predictor& predictor, const data::Dataset& dataset, int batch_size = 256,
                         float threshold = kDefaultMultiLabelThreshold);

// Returns how the data of `task` labels its examples.
data::LabelKind label_kind(Task task);

nlohmann::ordered_json report_json(const TaskReport& report);
nlohmann::ordered_json report_summary_json(const TaskReport& report);
std::string report_table(const TaskReport& report);
double report_loss(const TaskReport& report);

}  // namespace maas::train
