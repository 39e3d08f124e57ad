#pragma once
// Classification metrics from predicted probabilities: loss, accuracy, per-class precision, recall
// and F1, macro-F1 and a confusion matrix. Labels the model never saw are counted as errors.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace maas::train {

class ClassificationReport {
 public:
  explicit ClassificationReport(std::vector<std::string> labels);

  // Adds one example. `true_class` indexes labels(); `probabilities` has one entry per label.
  void add(std::size_t true_class, const std::vector<float>& probabilities);
  // Adds one example whose label the model does not know: an error, excluded from the loss.
  void add_unknown(const std::string& label);

  const std::vector<std::string>& labels() const { return labels_; }
  std::int64_t examples() const { return examples_; }
  double loss() const;        // mean cross-entropy over known-label examples, probabilities clipped to 1e-7
  double accuracy() const;    // correct / all examples, unknown labels included as errors
  double precision(std::size_t c) const;
  double recall(std::size_t c) const;
  double f1(std::size_t c) const;
  std::int64_t support(std::size_t c) const;
  double macro_f1() const;
  const std::vector<std::vector<std::int64_t>>& confusion() const { return confusion_; }  // [true][predicted]
  const std::map<std::string, std::int64_t>& unknown_labels() const { return unknown_; }
  std::int64_t unknown_examples() const { return examples_ - loss_count_; }

  nlohmann::ordered_json to_json() const;
  // Examples, loss, accuracy, macro-F1 and the count of unknown-label examples: a size that does
  // not grow with the number of labels, unlike to_json() with its confusion matrix.
  nlohmann::ordered_json summary_json() const;
  std::string to_table() const;  // human-readable report for terminals

 private:
  std::vector<std::string> labels_;
  std::vector<std::vector<std::int64_t>> confusion_;
  std::map<std::string, std::int64_t> unknown_;
  std::int64_t examples_ = 0;
  std::int64_t correct_ = 0;
  double loss_sum_ = 0.0;
  std::int64_t loss_count_ = 0;
};

}  // namespace maas::train
