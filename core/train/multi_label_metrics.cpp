#include "core/train/multi_label_metrics.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::train {
namespace {

constexpr double kProbabilityFloor = 1e-7;  // Keras' epsilon, as in ClassificationReport::loss

double ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

// F1 from counts, 0 when the label was neither predicted nor present.
double f1_score(std::int64_t true_positives, std::int64_t false_positives, std::int64_t false_negatives) {
  return ratio(2 * true_positives, 2 * true_positives + false_positives + false_negatives);
}

}  // namespace

MultiLabelReport::MultiLabelReport(std::vector<std::string> labels, float threshold)
    : labels_(std::move(labels)), threshold_(threshold), counts_(labels_.size()) {
  if (!(threshold >= 0.0f && threshold <= 1.0f)) {
    throw InvalidArgument(fmt::format("invalid decision threshold {}: expected a probability in [0, 1]", threshold));
  }
}

void MultiLabelReport::add(const std::vector<std::uint8_t>& truth, const std::vector<float>& probabilities) {
  if (truth.size() != labels_.size() || probabilities.size() != labels_.size()) {
    throw InvalidArgument(fmt::format("metrics: {} true labels and {} probabilities, expected {} of each",
                                      truth.size(), probabilities.size(), labels_.size()));
  }
  bool exact = true;
  double loss = 0.0;
  for (std::size_t l = 0; l < labels_.size(); ++l) {
    const bool predicted = probabilities[l] >= threshold_;
    const bool present = truth[l] != 0;
    Counts& counts = counts_[l];
    if (predicted && present) ++counts.true_positives;
    if (predicted && !present) ++counts.false_positives;
    if (!predicted && present) ++counts.false_negatives;
    if (predicted != present) {
      exact = false;
      ++wrong_decisions_;
    }
    const double p = std::clamp(static_cast<double>(probabilities[l]), kProbabilityFloor, 1.0 - kProbabilityFloor);
    loss -= present ? std::log(p) : std::log(1.0 - p);
  }
  ++examples_;
  if (exact) ++exact_matches_;
  if (!labels_.empty()) loss_sum_ += loss / static_cast<double>(labels_.size());
}

void MultiLabelReport::add_unknown(const std::string& label) { ++unknown_[label]; }

double MultiLabelReport::loss() const { return examples_ == 0 ? 0.0 : loss_sum_ / static_cast<double>(examples_); }
double MultiLabelReport::subset_accuracy() const { return ratio(exact_matches_, examples_); }

double MultiLabelReport::hamming_loss() const {
  return ratio(wrong_decisions_, examples_ * static_cast<std::int64_t>(labels_.size()));
}

double MultiLabelReport::micro_f1() const {
  Counts total;
  for (const Counts& counts : counts_) {
    total.true_positives += counts.true_positives;
    total.false_positives += counts.false_positives;
    total.false_negatives += counts.false_negatives;
  }
  return f1_score(total.true_positives, total.false_positives, total.false_negatives);
}

double MultiLabelReport::macro_f1() const {
  if (labels_.empty()) return 0.0;
  double sum = 0.0;
  for (std::size_t l = 0; l < labels_.size(); ++l) sum += f1(l);
  return sum / static_cast<double>(labels_.size());
}

double MultiLabelReport::precision(std::size_t label) const {
  const Counts& counts = counts_.at(label);
  return ratio(counts.true_positives, counts.true_positives + counts.false_positives);
}

double MultiLabelReport::recall(std::size_t label) const {
  const Counts& counts = counts_.at(label);
  return ratio(counts.true_positives, counts.true_positives + counts.false_negatives);
}

double MultiLabelReport::f1(std::size_t label) const {
  const Counts& counts = counts_.at(label);
  return f1_score(counts.true_positives, counts.false_positives, counts.false_negatives);
}

std::int64_t MultiLabelReport::support(std::size_t label) const {
  const Counts& counts = counts_.at(label);
  return counts.true_positives + counts.false_negatives;
}

nlohmann::ordered_json MultiLabelReport::summary_json() const {
  nlohmann::ordered_json j;
  j["task"] = "multi_label";
  j["examples"] = examples_;
  j["threshold"] = threshold_;
  j["loss"] = loss();
  j["micro_f1"] = micro_f1();
  j["macro_f1"] = macro_f1();
  j["subset_accuracy"] = subset_accuracy();
  j["hamming_loss"] = hamming_loss();
  return j;
}

nlohmann::ordered_json MultiLabelReport::to_json() const {
  nlohmann::ordered_json j = summary_json();
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (std::size_t l = 0; l < labels_.size(); ++l) {
    rows.push_back({{"label", labels_[l]},
                    {"precision", precision(l)},
                    {"recall", recall(l)},
                    {"f1", f1(l)},
                    {"support", support(l)}});
  }
  j["labels"] = rows;
  j["unknown_labels"] = unknown_;
  return j;
}

std::string MultiLabelReport::to_table() const {
  std::size_t width = 5;  // "label"
  for (const auto& label : labels_) width = std::max(width, label.size());
  std::string out = fmt::format(
      "examples {}  threshold {:g}  loss {:.4f}  micro-F1 {:.4f}  macro-F1 {:.4f}  subset accuracy {:.4f}  "
      "Hamming loss {:.4f}\n\n",
      examples_, threshold_, loss(), micro_f1(), macro_f1(), subset_accuracy(), hamming_loss());
  out += fmt::format("{:<{}}  {:>9}  {:>9}  {:>9}  {:>7}\n", "label", width, "precision", "recall", "f1", "support");
  for (std::size_t l = 0; l < labels_.size(); ++l) {
    out += fmt::format("{:<{}}  {:>9.4f}  {:>9.4f}  {:>9.4f}  {:>7}\n", labels_[l], width, precision(l), recall(l),
                       f1(l), support(l));
  }
  if (!unknown_.empty()) {
    out += "\nlabels the model does not know (left out of the scores):\n";
    for (const auto& [label, count] : unknown_) out += fmt::format("  {}: {}\n", label, count);
  }
  return out;
}

}  // namespace maas::train
