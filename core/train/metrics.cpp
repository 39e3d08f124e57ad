#include "core/train/metrics.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::train {

namespace {
constexpr double kProbabilityFloor = 1e-7;  // Keras' epsilon, so a confident miss costs ~16.1, not infinity

double ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}
}  // namespace

ClassificationReport::ClassificationReport(std::vector<std::string> labels)
    : labels_(std::move(labels)), confusion_(labels_.size(), std::vector<std::int64_t>(labels_.size(), 0)) {}

void ClassificationReport::add(std::size_t true_class, const std::vector<float>& probabilities) {
  if (true_class >= labels_.size() || probabilities.size() != labels_.size()) {
    throw InvalidArgument(fmt::format("metrics: class {} with {} probabilities, expected a class below {} and {} probabilities",
                                      true_class, probabilities.size(), labels_.size(), labels_.size()));
  }
  const auto predicted = static_cast<std::size_t>(
      std::max_element(probabilities.begin(), probabilities.end()) - probabilities.begin());
  ++confusion_[true_class][predicted];
  ++examples_;
  if (predicted == true_class) ++correct_;
  loss_sum_ -= std::log(std::max(static_cast<double>(probabilities[true_class]), kProbabilityFloor));
  ++loss_count_;
}

void ClassificationReport::add_unknown(const std::string& label) {
  ++unknown_[label];
  ++examples_;
}

double ClassificationReport::loss() const { return loss_count_ == 0 ? 0.0 : loss_sum_ / loss_count_; }
double ClassificationReport::accuracy() const { return ratio(correct_, examples_); }

double ClassificationReport::precision(std::size_t c) const {
  std::int64_t predicted = 0;
  for (const auto& row : confusion_) predicted += row[c];
  return ratio(confusion_[c][c], predicted);
}

double ClassificationReport::recall(std::size_t c) const { return ratio(confusion_[c][c], support(c)); }

double ClassificationReport::f1(std::size_t c) const {
  const double p = precision(c);
  const double r = recall(c);
  return p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r);
}

std::int64_t ClassificationReport::support(std::size_t c) const {
  std::int64_t total = 0;
  for (std::int64_t count : confusion_[c]) total += count;
  return total;
}

double ClassificationReport::macro_f1() const {
  if (labels_.empty()) return 0.0;
  double sum = 0.0;
  for (std::size_t c = 0; c < labels_.size(); ++c) sum += f1(c);
  return sum / static_cast<double>(labels_.size());
}

nlohmann::ordered_json ClassificationReport::to_json() const {
  nlohmann::ordered_json j;
  j["examples"] = examples_;
  j["loss"] = loss();
  j["accuracy"] = accuracy();
  j["macro_f1"] = macro_f1();
  nlohmann::ordered_json classes = nlohmann::ordered_json::array();
  for (std::size_t c = 0; c < labels_.size(); ++c) {
    classes.push_back({{"label", labels_[c]},
                       {"precision", precision(c)},
                       {"recall", recall(c)},
                       {"f1", f1(c)},
                       {"support", support(c)}});
  }
  j["classes"] = classes;
  j["confusion_matrix"] = {{"labels", labels_}, {"rows_true_columns_predicted", confusion_}};
  j["unknown_labels"] = unknown_;
  return j;
}

nlohmann::ordered_json ClassificationReport::summary_json() const {
  nlohmann::ordered_json j;
  j["examples"] = examples_;
  j["loss"] = loss();
  j["accuracy"] = accuracy();
  j["macro_f1"] = macro_f1();
  j["unknown_label_examples"] = unknown_examples();
  return j;
}

std::string ClassificationReport::to_table() const {
  std::size_t width = 5;  // "label"
  for (const auto& label : labels_) width = std::max(width, label.size());
  std::string out = fmt::format("examples {}  loss {:.4f}  accuracy {:.4f}  macro-F1 {:.4f}\n\n", examples_, loss(),
                                accuracy(), macro_f1());
  out += fmt::format("{:<{}}  {:>9}  {:>9}  {:>9}  {:>7}\n", "label", width, "precision", "recall", "f1", "support");
  for (std::size_t c = 0; c < labels_.size(); ++c) {
    out += fmt::format("{:<{}}  {:>9.4f}  {:>9.4f}  {:>9.4f}  {:>7}\n", labels_[c], width, precision(c), recall(c),
                       f1(c), support(c));
  }
  out += "\nconfusion matrix (rows: true label, columns: predicted label)\n";
  std::size_t cell = 6;
  for (const auto& row : confusion_) {
    for (std::int64_t count : row) cell = std::max(cell, fmt::formatted_size("{}", count) + 1);
  }
  const std::size_t row_header = width + 4;  // "12 " index prefix before the label
  out += fmt::format("{:<{}}", "", row_header);
  for (std::size_t c = 0; c < labels_.size(); ++c) out += fmt::format(" {:>{}}", c, cell);
  out += "\n";
  for (std::size_t r = 0; r < labels_.size(); ++r) {
    out += fmt::format("{:<{}}", fmt::format("{} {}", r, labels_[r]), row_header);
    for (std::int64_t count : confusion_[r]) out += fmt::format(" {:>{}}", count, cell);
    out += "\n";
  }
  if (!unknown_.empty()) {
    out += "\nlabels the model does not know (counted as errors):\n";
    for (const auto& [label, count] : unknown_) out += fmt::format("  {}: {}\n", label, count);
  }
  return out;
}

}  // namespace maas::train
