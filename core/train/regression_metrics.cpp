#include "core/train/regression_metrics.h"

#include <cmath>

#include <fmt/format.h>

namespace maas::train {

void RegressionReport::add(double truth, double prediction) {
  truths_.push_back(truth);
  predictions_.push_back(prediction);
}

double RegressionReport::mse() const {
  if (truths_.empty()) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < truths_.size(); ++i) sum += (truths_[i] - predictions_[i]) * (truths_[i] - predictions_[i]);
  return sum / static_cast<double>(truths_.size());
}

double RegressionReport::mae() const {
  if (truths_.empty()) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < truths_.size(); ++i) sum += std::abs(truths_[i] - predictions_[i]);
  return sum / static_cast<double>(truths_.size());
}

double RegressionReport::r2() const {
  if (truths_.empty()) return 0.0;
  double mean = 0.0;
  for (double truth : truths_) mean += truth;
  mean /= static_cast<double>(truths_.size());
  double residual = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < truths_.size(); ++i) {
    residual += (truths_[i] - predictions_[i]) * (truths_[i] - predictions_[i]);
    total += (truths_[i] - mean) * (truths_[i] - mean);
  }
  if (total == 0.0) return residual == 0.0 ? 1.0 : 0.0;
  return 1.0 - residual / total;
}

nlohmann::ordered_json RegressionReport::to_json() const {
  nlohmann::ordered_json j;
  j["task"] = "regression";
  j["examples"] = examples();
  j["loss"] = loss();
  j["mse"] = mse();
  j["mae"] = mae();
  j["r2"] = r2();
  return j;
}

std::string RegressionReport::to_table() const {
  return fmt::format("target {}\nexamples {}  loss {:.4f}  MSE {:.4f}  MAE {:.4f}  R^2 {:.4f}\n", target_, examples(),
                     loss(), mse(), mae(), r2());
}

}  // namespace maas::train
