#pragma once
// The SVG files that 'maas eval --plot DIR' writes.

#include <filesystem>
#include <vector>

#include "core/train/evaluate.h"

namespace maas::report {

inline constexpr const char* kConfusionMatrixFile = "confusion_matrix.svg";
inline constexpr const char* kClassMetricsFile = "class_metrics.svg";
inline constexpr const char* kTrainingCurvesFile = "training_curves.svg";
inline constexpr const char* kRegressionScatterFile = "predicted_vs_true.svg";
inline constexpr const char* kResidualHistogramFile = "residuals.svg";

// The metrics.jsonl of the run that wrote `model_dir`: 'maas train' puts the model in RUN/model and
// the per-epoch metrics in RUN/metrics.jsonl. A trailing slash on `model_dir` is ignored.
std::filesystem::path run_metrics_path(const std::filesystem::path& model_dir);

// Writes the charts of `report` into `plot_dir`, creating the folder if needed:
// confusion_matrix.svg and class_metrics.svg for classification, class_metrics.svg for
// multi-label, predicted_vs_true.svg for regression. Adds training_curves.svg when run_metrics_path(model_dir) exists and contains
// at least one epoch. A missing or empty metrics file is logged at info level and skipped. Existing
// files are replaced atomically. `model_dir` and `data_file` are named in the subtitles.
// Returns the paths written. Throws IoError when the folder or a file cannot be written or the
// metrics file is malformed.
std::vector<std::filesystem::path> write_eval_plots(const train::TaskReport& report,
                                                    const std::filesystem::path& model_dir,
                                                    const std::filesystem::path& data_file,
                                                    const std::filesystem::path& plot_dir);

}  // namespace maas::report
