#pragma once
// Regression metrics of one predicted number per example: mean squared error (the loss), mean
// absolute error and the coefficient of determination R^2.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace maas::train {

class RegressionReport {
 public:
  // `target` names the predicted value in the table, such as the label column.
  explicit RegressionReport(std::string target = "value") : target_(std::move(target)) {}

  void add(double truth, double prediction);

  const std::string& target() const { return target_; }
  // The true and predicted values, in the order add() received them.
  const std::vector<double>& truths() const { return truths_; }
  const std::vector<double>& predictions() const { return predictions_; }
  std::int64_t examples() const { return static_cast<std::int64_t>(truths_.size()); }
  double loss() const { return mse(); }
  double mse() const;
  double mae() const;
  // 1 - sum (y - p)^2 / sum (y - mean y)^2. When every target is the same, R^2 is 1 for a perfect
  // prediction and 0 otherwise, as in scikit-learn's r2_score. 0 without examples.
  double r2() const;

  nlohmann::ordered_json to_json() const;
  nlohmann::ordered_json summary_json() const { return to_json(); }
  std::string to_table() const;

 private:
  std::string target_;
  // Kept whole because R^2 needs the mean of the targets before the squared deviations.
  std::vector<double> truths_;
  std::vector<double> predictions_;
};

}  // namespace maas::train
