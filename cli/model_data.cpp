#include "cli/model_data.h"

#include <spdlog/spdlog.h>

#include "core/train/evaluate.h"

namespace maas::cli {

namespace {

std::string trained_column(const infer::Predictor& predictor, const char* key, const char* fallback) {
  const nlohmann::json& training = predictor.manifest().training;
  const nlohmann::json::json_pointer pointer(std::string("/config/data/") + key);
  if (training.contains(pointer) && training.at(pointer).is_string()) return training.at(pointer).get<std::string>();
  return fallback;
}

}  // namespace

data::ReadOptions model_read_options(const infer::Predictor& predictor, const std::string& format,
                                     const std::optional<std::string>& text_column,
                                     const std::optional<std::string>& label_column) {
  data::ReadOptions options;
  options.format = data::parse_format(format);
  options.text_column = text_column.value_or(trained_column(predictor, "text_column", "text"));
  options.label_column = label_column.value_or(trained_column(predictor, "label_column", "label"));
  options.label_separator = trained_column(predictor, "label_separator", "|");
  options.label_kind = train::label_kind(predictor.task());
  return options;
}

void warn_unused_threshold(const infer::Predictor& predictor, bool threshold_given, float threshold) {
  if (!threshold_given || predictor.task() == Task::kMultiLabel) return;
  spdlog::warn("--threshold {} is ignored: it applies to multi-label models only, and this is a {} model", threshold,
               task_name(predictor.task()));
}

}  // namespace maas::cli
