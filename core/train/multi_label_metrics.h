#pragma once
// Multi-label metrics from per-label sigmoid probabilities: a label is predicted when its
// probability reaches the decision threshold. Micro-F1 pools the true positives, false positives
// and false negatives of every label; macro-F1 averages the per-label F1 scores. Subset accuracy
// counts examples whose whole predicted label set is right; Hamming loss is the fraction of
// (example, label) decisions that are wrong.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace maas::train {

// The default decision threshold of a multi-label model, as in Keras's binary_accuracy.
inline constexpr float kDefaultMultiLabelThreshold = 0.5f;

class MultiLabelReport {
 public:
  // Throws InvalidArgument unless 0 <= threshold <= 1.
  explicit MultiLabelReport(std::vector<std::string> labels, float threshold = kDefaultMultiLabelThreshold);

  // Adds one example. `truth` has one 0/1 entry per label and `probabilities` one per label.
  void add(const std::vector<std::uint8_t>& truth, const std::vector<float>& probabilities);
  // Records a label of an example that the model does not know. The example's known labels are
  // still scored through add(), so an unknown label only shows up in unknown_labels().
  void add_unknown(const std::string& label);

  const std::vector<std::string>& labels() const { return labels_; }
  float threshold() const { return threshold_; }
  std::int64_t examples() const { return examples_; }
  // Mean over examples of the mean binary cross-entropy per label, probabilities clipped to 1e-7.
  double loss() const;
  double subset_accuracy() const;
  double hamming_loss() const;
  double micro_f1() const;
  double macro_f1() const;
  double precision(std::size_t label) const;
  double recall(std::size_t label) const;
  double f1(std::size_t label) const;
  std::int64_t support(std::size_t label) const;  // examples with the label
  const std::map<std::string, std::int64_t>& unknown_labels() const { return unknown_; }

  nlohmann::ordered_json to_json() const;
  // Every field of to_json() except the per-label rows.
  nlohmann::ordered_json summary_json() const;
  std::string to_table() const;

 private:
  struct Counts {
    std::int64_t true_positives = 0;
    std::int64_t false_positives = 0;
    std::int64_t false_negatives = 0;
  };

  std::vector<std::string> labels_;
  float threshold_;
  std::vector<Counts> counts_;
  std::map<std::string, std::int64_t> unknown_;
  std::int64_t examples_ = 0;
  std::int64_t exact_matches_ = 0;
  std::int64_t wrong_decisions_ = 0;
  double loss_sum_ = 0.0;
};

}  // namespace maas::train
