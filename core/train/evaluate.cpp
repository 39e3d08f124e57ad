#include "core/train/evaluate.h"

#include <unordered_map>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::train {
namespace {

// Runs `predict` over `dataset` in batches and calls `score(example, outputs)` for each example.
template <typename Score>
void for_each_prediction(const PredictFunction& predict, const data::Dataset& dataset, int batch_size, Score score) {
  std::vector<std::string> texts;
  for (std::size_t start = 0; start < dataset.examples.size(); start += static_cast<std::size_t>(batch_size)) {
    const std::size_t end = std::min(dataset.examples.size(), start + static_cast<std::size_t>(batch_size));
    texts.clear();
    for (std::size_t i = start; i < end; ++i) texts.push_back(dataset.examples[i].text);
    infer::Probabilities outputs;
    try {
      outputs = predict(texts);
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(fmt::format("{}: examples from line {}: {}", dataset.source, dataset.examples[start].line,
                                        e.what()));
    }
    for (std::size_t i = start; i < end; ++i) score(dataset.examples[i], outputs[i - start]);
  }
}

std::unordered_map<std::string, std::size_t> index_labels(const std::vector<std::string>& labels) {
  std::unordered_map<std::string, std::size_t> index_of;
  for (std::size_t c = 0; c < labels.size(); ++c) index_of.emplace(labels[c], c);
  return index_of;
}

}  // namespace

ClassificationReport evaluate(const PredictFunction& predict, const std::vector<std::string>& labels,
                              const data::Dataset& dataset, int batch_size) {
  ClassificationReport report(labels);
  const auto class_of = index_labels(labels);
  for_each_prediction(predict, dataset, batch_size, [&](const data::Example& example, const std::vector<float>& row) {
    const auto found = class_of.find(example.label);
    if (found == class_of.end()) {
      report.add_unknown(example.label);
    } else {
      report.add(found->second, row);
    }
  });
  return report;
}

ClassificationReport evaluate(const infer::Predictor& predictor, const data::Dataset& dataset, int batch_size) {
  return evaluate([&](const std::vector<std::string>& texts) { return predictor.predict(texts, batch_size); },
                  predictor.labels(), dataset, batch_size);
}

TaskReport evaluate_task(const infer::Predictor& predictor, const data::Dataset& dataset, int batch_size,
                         float threshold) {
  const PredictFunction predict = [&](const std::vector<std::string>& texts) {
    return predictor.predict(texts, batch_size);
  };
  switch (predictor.task()) {
    case Task::kClassification: return evaluate(predict, predictor.labels(), dataset, batch_size);
    case Task::kMultiLabel: {
      MultiLabelReport report(predictor.labels(), threshold);
      const auto index_of = index_labels(predictor.labels());
      std::vector<std::uint8_t> truth(predictor.labels().size());
      for_each_prediction(predict, dataset, batch_size, [&](const data::Example& example, const std::vector<float>& row) {
        std::fill(truth.begin(), truth.end(), 0);
        for (const std::string& label : example.labels) {
          const auto found = index_of.find(label);
          if (found == index_of.end()) {
            report.add_unknown(label);
          } else {
            truth[found->second] = 1;
          }
        }
        report.add(truth, row);
      });
      return report;
    }
    case Task::kRegression: {
      RegressionReport report(predictor.labels().front());
      for_each_prediction(predict, dataset, batch_size, [&](const data::Example& example, const std::vector<float>& row) {
        report.add(example.value, row.front());
      });
      return report;
    }
  }
  throw InvalidArgument("unknown task");
}

data::LabelKind label_kind(Task task) {
  switch (task) {
    case Task::kClassification: return data::LabelKind::kSingle;
    case Task::kMultiLabel: return data::LabelKind::kMulti;
    case Task::kRegression: return data::LabelKind::kNumber;
  }
  return data::LabelKind::kSingle;
}

nlohmann::ordered_json report_json(const TaskReport& report) {
  return std::visit([](const auto& r) { return r.to_json(); }, report);
}

nlohmann::ordered_json report_summary_json(const TaskReport& report) {
  return std::visit([](const auto& r) { return r.summary_json(); }, report);
}

std::string report_table(const TaskReport& report) {
  return std::visit([](const auto& r) { return r.to_table(); }, report);
}

double report_loss(const TaskReport& report) {
  return std::visit([](const auto& r) { return r.loss(); }, report);
}

}  // namespace maas::train
