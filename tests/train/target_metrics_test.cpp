// Multi-label and regression metrics against values worked out by hand.

#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/train/multi_label_metrics.h"
#include "core/train/regression_metrics.h"

namespace maas::train {
namespace {

// Three labels, three examples, threshold 0.5:
//   truth {1,0,1}, probabilities {0.9,0.2,0.4}: predicts {a}; a right, b right, c missed.
//   truth {0,1,0}, probabilities {0.6,0.7,0.1}: predicts {a,b}; a wrong, b right, c right.
//   truth {0,0,0}, probabilities {0.1,0.1,0.1}: predicts {}; all right.
// a: TP 1, FP 1 (F1 2/3); b: TP 1 (F1 1); c: FN 1 (F1 0).
MultiLabelReport three_examples() {
  MultiLabelReport report({"a", "b", "c"});
  report.add({1, 0, 1}, {0.9f, 0.2f, 0.4f});
  report.add({0, 1, 0}, {0.6f, 0.7f, 0.1f});
  report.add({0, 0, 0}, {0.1f, 0.1f, 0.1f});
  return report;
}

TEST(MultiLabelReport, MatchesHandValues) {
  const MultiLabelReport report = three_examples();
  EXPECT_EQ(report.examples(), 3);
  // Pooled: TP 2, FP 1, FN 1, so 2 * 2 / (2 * 2 + 1 + 1).
  EXPECT_NEAR(report.micro_f1(), 2.0 / 3.0, 1e-9);
  EXPECT_NEAR(report.macro_f1(), (2.0 / 3.0 + 1.0 + 0.0) / 3.0, 1e-9);
  EXPECT_NEAR(report.subset_accuracy(), 1.0 / 3.0, 1e-9);
  // Two wrong decisions out of nine.
  EXPECT_NEAR(report.hamming_loss(), 2.0 / 9.0, 1e-9);
  EXPECT_NEAR(report.precision(0), 0.5, 1e-9);
  EXPECT_NEAR(report.recall(0), 1.0, 1e-9);
  EXPECT_EQ(report.support(2), 1);
  EXPECT_EQ(report.f1(2), 0.0);
}

TEST(MultiLabelReport, LossIsMeanBinaryCrossEntropy) {
  const MultiLabelReport report = three_examples();
  const double first = -(std::log(0.9) + std::log(0.8) + std::log(0.4)) / 3.0;
  const double second = -(std::log(0.4) + std::log(0.7) + std::log(0.9)) / 3.0;
  const double third = -std::log(0.9);
  EXPECT_NEAR(report.loss(), (first + second + third) / 3.0, 1e-6);
}

TEST(MultiLabelReport, ThresholdChangesDecisions) {
  // At 0.35 the first example also predicts c (0.4), so it matches exactly.
  MultiLabelReport report({"a", "b", "c"}, 0.35f);
  report.add({1, 0, 1}, {0.9f, 0.2f, 0.4f});
  EXPECT_EQ(report.subset_accuracy(), 1.0);
  EXPECT_EQ(report.hamming_loss(), 0.0);
  EXPECT_THROW(MultiLabelReport({"a"}, 1.5f), InvalidArgument);
}

TEST(MultiLabelReport, RejectsWrongWidths) {
  MultiLabelReport report({"a", "b"});
  EXPECT_THROW(report.add({1}, {0.5f, 0.5f}), InvalidArgument);
  EXPECT_THROW(report.add({1, 0}, {0.5f}), InvalidArgument);
}

TEST(MultiLabelReport, JsonAndTableNameEveryMetric) {
  MultiLabelReport report = three_examples();
  report.add_unknown("d");
  const auto json = report.to_json();
  EXPECT_EQ(json["task"], "multi_label");
  EXPECT_EQ(json["labels"].size(), 3u);
  EXPECT_EQ(json["unknown_labels"]["d"], 1);
  const std::string table = report.to_table();
  for (const char* name : {"micro-F1", "macro-F1", "subset accuracy", "Hamming loss", "labels the model does not know"}) {
    EXPECT_NE(table.find(name), std::string::npos) << name;
  }
}

TEST(RegressionReport, MatchesHandValues) {
  // Errors 0, 1, 1, 0: MSE 2 / 4, MAE 2 / 4. Mean target 2.5, total sum of squares
  // 2.25 + 0.25 + 0.25 + 2.25 = 5, so R^2 = 1 - 2 / 5.
  RegressionReport report("score");
  report.add(1.0, 1.0);
  report.add(2.0, 3.0);
  report.add(3.0, 2.0);
  report.add(4.0, 4.0);
  EXPECT_EQ(report.examples(), 4);
  EXPECT_NEAR(report.mse(), 0.5, 1e-12);
  EXPECT_NEAR(report.loss(), 0.5, 1e-12);
  EXPECT_NEAR(report.mae(), 0.5, 1e-12);
  EXPECT_NEAR(report.r2(), 0.6, 1e-12);
  EXPECT_EQ(report.to_json()["r2"], report.r2());
  EXPECT_NE(report.to_table().find("R^2 0.6000"), std::string::npos) << report.to_table();
}

TEST(RegressionReport, ConstantTargetsFollowScikitLearn) {
  RegressionReport perfect;
  perfect.add(2.0, 2.0);
  perfect.add(2.0, 2.0);
  EXPECT_EQ(perfect.r2(), 1.0);
  RegressionReport off;
  off.add(2.0, 2.0);
  off.add(2.0, 3.0);
  EXPECT_EQ(off.r2(), 0.0);
  EXPECT_EQ(RegressionReport().r2(), 0.0);
}

}  // namespace
}  // namespace maas::train
