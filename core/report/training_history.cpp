#include "core/report/training_history.h"

#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/file_io.h"

namespace maas::report {

namespace {

// Every metric of every task that 'maas train' writes per epoch (see training.early_stopping).
constexpr std::array<std::string_view, 11> kCurveNames = {
    "loss",         "val_loss",         "accuracy",        "val_accuracy",     "val_macro_f1", "val_micro_f1",
    "val_subset_accuracy", "val_hamming_loss", "val_mse", "val_mae", "val_r2"};

constexpr std::string_view kFix = "it should be the metrics.jsonl that 'maas train' writes; retrain, or move the "
                                  "file away to plot without curves";

}  // namespace

const TrainingCurve* TrainingHistory::find(std::string_view name) const {
  for (const TrainingCurve& curve : curves) {
    if (curve.name == name) return &curve;
  }
  return nullptr;
}

TrainingHistory parse_training_history(std::string_view jsonl, const std::string& source) {
  std::array<TrainingCurve, kCurveNames.size()> curves;
  for (std::size_t k = 0; k < kCurveNames.size(); ++k) curves[k].name = kCurveNames[k];

  TrainingHistory history;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < jsonl.size()) {
    std::size_t end = jsonl.find('\n', start);
    if (end == std::string_view::npos) end = jsonl.size();
    const std::string_view line = jsonl.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;

    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw IoError(fmt::format("{}:{}: invalid JSON ({}); {}", source, line_number, e.what(), kFix));
    }
    if (!object.is_object() || !object.contains("epoch") || !object["epoch"].is_number_integer()) {
      throw IoError(fmt::format("{}:{}: expected an object with an integer \"epoch\", got {}; {}", source,
                                line_number, line.substr(0, 80), kFix));
    }
    const int epoch = object["epoch"].get<int>();
    if (epoch < 1) {
      throw IoError(fmt::format("{}:{}: epoch {}, expected 1 or more; {}", source, line_number, epoch, kFix));
    }
    if (epoch <= history.epochs) {
      throw IoError(fmt::format("{}:{}: epoch {} after epoch {}, expected increasing epochs; {}", source, line_number,
                                epoch, history.epochs, kFix));
    }
    history.epochs = epoch;
    for (TrainingCurve& curve : curves) {
      const auto found = object.find(curve.name);
      if (found == object.end() || found->is_null()) continue;
      if (!found->is_number()) {
        throw IoError(fmt::format("{}:{}: \"{}\" is {}, expected a number or null; {}", source, line_number,
                                  curve.name, found->dump(), kFix));
      }
      curve.points.emplace_back(epoch, found->get<double>());
    }
  }
  for (TrainingCurve& curve : curves) {
    if (!curve.points.empty()) history.curves.push_back(std::move(curve));
  }
  return history;
}

TrainingHistory read_training_history(const std::filesystem::path& path) {
  return parse_training_history(io::read_file(path), path.string());
}

}  // namespace maas::report
