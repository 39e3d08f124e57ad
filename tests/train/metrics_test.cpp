#include "core/train/metrics.h"

#include <cmath>

#include <gtest/gtest.h>

namespace maas::train {
namespace {

// Three labels, five examples, worked out by hand:
//   true a, predicted a (p_a 0.7)     true a, predicted b (p_a 0.2)
//   true b, predicted b (p_b 0.6)     true c, predicted c (p_c 0.5)   true c, predicted a (p_c 0.1)
ClassificationReport hand_report() {
  ClassificationReport report({"a", "b", "c"});
  report.add(0, {0.7f, 0.2f, 0.1f});
  report.add(0, {0.2f, 0.5f, 0.3f});
  report.add(1, {0.1f, 0.6f, 0.3f});
  report.add(2, {0.3f, 0.2f, 0.5f});
  report.add(2, {0.6f, 0.3f, 0.1f});
  return report;
}

TEST(ClassificationReport, AccuracyAndLoss) {
  const ClassificationReport report = hand_report();
  EXPECT_DOUBLE_EQ(report.accuracy(), 3.0 / 5.0);
  const double loss = -(std::log(0.7) + std::log(0.2) + std::log(0.6) + std::log(0.5) + std::log(0.1)) / 5.0;
  EXPECT_NEAR(report.loss(), loss, 1e-6);
}

TEST(ClassificationReport, PerClassScores) {
  const ClassificationReport report = hand_report();
  // a: predicted a twice (1 right), true a twice -> precision 1/2, recall 1/2, F1 1/2.
  EXPECT_DOUBLE_EQ(report.precision(0), 0.5);
  EXPECT_DOUBLE_EQ(report.recall(0), 0.5);
  EXPECT_DOUBLE_EQ(report.f1(0), 0.5);
  // b: predicted b twice (1 right), true b once -> precision 1/2, recall 1, F1 2/3.
  EXPECT_DOUBLE_EQ(report.precision(1), 0.5);
  EXPECT_DOUBLE_EQ(report.recall(1), 1.0);
  EXPECT_NEAR(report.f1(1), 2.0 / 3.0, 1e-12);
  // c: predicted c once (right), true c twice -> precision 1, recall 1/2, F1 2/3.
  EXPECT_DOUBLE_EQ(report.precision(2), 1.0);
  EXPECT_DOUBLE_EQ(report.recall(2), 0.5);
  EXPECT_NEAR(report.f1(2), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(report.macro_f1(), (0.5 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0, 1e-12);
  EXPECT_EQ(report.support(2), 2);
}

TEST(ClassificationReport, ConfusionMatrixRowsAreTrueLabels) {
  const ClassificationReport report = hand_report();
  const std::vector<std::vector<std::int64_t>> expected = {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}};
  EXPECT_EQ(report.confusion(), expected);
}

TEST(ClassificationReport, UnknownLabelsCountAsErrors) {
  ClassificationReport report({"a", "b"});
  report.add(0, {0.9f, 0.1f});
  report.add_unknown("z");
  report.add_unknown("z");
  EXPECT_EQ(report.examples(), 3);
  EXPECT_DOUBLE_EQ(report.accuracy(), 1.0 / 3.0);
  EXPECT_NEAR(report.loss(), -std::log(0.9), 1e-6);  // unknown labels have no probability to score
  EXPECT_EQ(report.unknown_labels().at("z"), 2);
  EXPECT_NE(report.to_table().find("z: 2"), std::string::npos);
}

TEST(ClassificationReport, ConfidentMissIsClippedNotInfinite) {
  ClassificationReport report({"a", "b"});
  report.add(0, {0.0f, 1.0f});
  EXPECT_NEAR(report.loss(), -std::log(1e-7), 1e-6);
}

TEST(ClassificationReport, EmptyReportIsZeroNotNan) {
  const ClassificationReport report({"a", "b"});
  EXPECT_EQ(report.accuracy(), 0.0);
  EXPECT_EQ(report.macro_f1(), 0.0);
  EXPECT_EQ(report.loss(), 0.0);
}

TEST(ClassificationReport, RejectsWrongProbabilityCount) {
  ClassificationReport report({"a", "b"});
  EXPECT_THROW(report.add(0, {1.0f}), std::exception);
  EXPECT_THROW(report.add(2, {0.5f, 0.5f}), std::exception);
}

TEST(ClassificationReport, SummaryLeavesOutPerClassData) {
  ClassificationReport report = hand_report();
  report.add_unknown("d");
  const nlohmann::ordered_json summary = report.summary_json();
  EXPECT_EQ(summary["examples"], 6);
  EXPECT_DOUBLE_EQ(summary["accuracy"].get<double>(), 3.0 / 6.0);
  EXPECT_EQ(summary["unknown_label_examples"], 1);
  EXPECT_DOUBLE_EQ(summary["macro_f1"].get<double>(), report.macro_f1());
  EXPECT_FALSE(summary.contains("confusion_matrix"));
  EXPECT_FALSE(summary.contains("classes"));
  EXPECT_EQ(report.unknown_examples(), 1);
}

}  // namespace
}  // namespace maas::train
