#include "core/train/evaluate.h"

#include <unordered_map>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::train {

ClassificationReport evaluate(const PredictFunction& predict, const std::vector<std::string>& labels,
                              const data::Dataset& dataset, int batch_size) {
  ClassificationReport report(labels);
  std::unordered_map<std::string, std::size_t> class_of;
  for (std::size_t c = 0; c < labels.size(); ++c) class_of.emplace(labels[c], c);

  std::vector<std::string> texts;
  for (std::size_t start = 0; start < dataset.examples.size(); start += static_cast<std::size_t>(batch_size)) {
    const std::size_t end = std::min(dataset.examples.size(), start + static_cast<std::size_t>(batch_size));
    texts.clear();
    for (std::size_t i = start; i < end; ++i) texts.push_back(dataset.examples[i].text);
    infer::Probabilities probabilities;
    try {
      probabilities = predict(texts);
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(fmt::format("{}: examples from line {}: {}", dataset.source, dataset.examples[start].line,
                                        e.what()));
    }
    for (std::size_t i = start; i < end; ++i) {
      const auto found = class_of.find(dataset.examples[i].label);
      if (found == class_of.end()) {
        report.add_unknown(dataset.examples[i].label);
      } else {
        report.add(found->second, probabilities[i - start]);
      }
    }
  }
  return report;
}

ClassificationReport evaluate(const infer::Predictor& predictor, const data::Dataset& dataset, int batch_size) {
  return evaluate([&](const std::vector<std::string>& texts) { return predictor.predict(texts, batch_size); },
                  predictor.labels(), dataset, batch_size);
}

}  // namespace maas::train
