#include "core/report/eval_plots.h"

#include <system_error>
#include <variant>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
#include "core/report/plots.h"
#include "core/report/training_history.h"

namespace maas::report {

namespace fs = std::filesystem;

namespace {

void create_plot_dir(const fs::path& plot_dir) {
  std::error_code error;
  if (fs::exists(plot_dir, error) && !fs::is_directory(plot_dir, error)) {
    throw IoError(fmt::format("--plot {}: exists and is not a folder; pass a folder path for the SVG files",
                              plot_dir.string()));
  }
  fs::create_directories(plot_dir, error);
  if (error) {
    throw IoError(fmt::format("--plot {}: cannot create the folder ({}); pass a writable folder path",
                              plot_dir.string(), error.message()));
  }
}

}  // namespace

fs::path run_metrics_path(const fs::path& model_dir) {
  // absolute() resolves "." and "..", and a trailing slash leaves an empty last element to drop.
  fs::path model = fs::absolute(model_dir).lexically_normal();
  if (!model.has_filename()) model = model.parent_path();
  return model.parent_path() / "metrics.jsonl";
}

std::vector<fs::path> write_eval_plots(const train::TaskReport& report, const fs::path& model_dir,
                                       const fs::path& data_file, const fs::path& plot_dir) {
  // The history is read first so that a malformed metrics file fails before any file is written.
  const fs::path metrics_path = run_metrics_path(model_dir);
  std::string curves;
  std::error_code error;
  if (!fs::exists(metrics_path, error)) {
    spdlog::info("no training curves: {} not found (it exists only beside RUN/model from 'maas train')",
                 metrics_path.string());
  } else {
    const TrainingHistory history = read_training_history(metrics_path);
    if (history.curves.empty()) {
      spdlog::info("no training curves: {} has no epochs", metrics_path.string());
    } else {
      curves = render_training_curves(history, fmt::format("run {}", metrics_path.parent_path().string()));
    }
  }

  const std::string subtitle = fmt::format("model {} on {}", model_dir.string(), data_file.string());
  create_plot_dir(plot_dir);
  std::vector<fs::path> written;
  const auto write = [&](const char* name, const std::string& svg) {
    const fs::path path = plot_dir / name;
    io::write_file_atomic(path, svg);
    spdlog::info("wrote {}", path.string());
    written.push_back(path);
  };
  if (const auto* classification = std::get_if<train::ClassificationReport>(&report)) {
    write(kConfusionMatrixFile, render_confusion_matrix(*classification, subtitle));
    write(kClassMetricsFile, render_class_metrics(*classification, subtitle));
  } else if (const auto* multi_label = std::get_if<train::MultiLabelReport>(&report)) {
    write(kClassMetricsFile, render_class_metrics(*multi_label, subtitle));
  } else {
    const auto& regression = std::get<train::RegressionReport>(report);
    write(kRegressionScatterFile, render_regression_scatter(regression, subtitle));
    write(kResidualHistogramFile, render_residual_histogram(regression, subtitle));
  }
  if (!curves.empty()) write(kTrainingCurvesFile, curves);
  return written;
}

}  // namespace maas::report
