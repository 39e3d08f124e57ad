#include "core/report/plots.h"

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/report/svg_queries.h"

namespace maas::report {
namespace {

using testing::attribute_number;
using testing::bar_widths;
using testing::contains;
using testing::parse_or_fail;
using testing::visible_texts;
using testing::XmlElement;

const std::string kEllipsis = "\xE2\x80\xA6";

// Three labels and five examples, the hand-checked case of the metrics tests:
//   true a: predicted a, b     true b: predicted b     true c: predicted c, a
//   precision  a 1/2, b 1/2, c 1
//   recall     a 1/2, b 1,   c 1/2
//   F1         a 0.5, b 2/3, c 2/3, so macro-F1 is 0.611
train::ClassificationReport hand_report(std::vector<std::string> labels = {"a", "b", "c"}) {
  train::ClassificationReport report(std::move(labels));
  report.add(0, {0.7f, 0.2f, 0.1f});
  report.add(0, {0.2f, 0.5f, 0.3f});
  report.add(1, {0.1f, 0.6f, 0.3f});
  report.add(2, {0.3f, 0.2f, 0.5f});
  report.add(2, {0.6f, 0.3f, 0.1f});
  return report;
}

// A report over `n` labels where label i has i + 1 examples, all predicted right except one
// example of each label from the second on, predicted as label 0.
train::ClassificationReport report_with_labels(std::size_t n, const std::string& prefix = "label_") {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < n; ++i) labels.push_back(prefix + std::to_string(i));
  train::ClassificationReport report(labels);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k <= i; ++k) {
      std::vector<float> probabilities(n, 0.0f);
      probabilities[(k == 0 && i > 0) ? 0 : i] = 1.0f;
      report.add(i, probabilities);
    }
  }
  return report;
}

TEST(ConfusionMatrixPlot, ShowsCountsLabelsAndTotals) {
  const auto root = parse_or_fail(render_confusion_matrix(hand_report(), "model m on d.csv"));
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->name, "svg");
  const auto texts = visible_texts(*root);
  for (const char* label : {"a", "b", "c"}) EXPECT_TRUE(contains(texts, label)) << label;
  // Row a: 1 1 0 (50%, 50%); row b: 0 1 0 (100%); row c: 1 0 1 (50%, 50%). Totals 2, 1, 2.
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "1"), 5 + 1);  // five cells and b's total
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "0"), 4);
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "2"), 2);      // totals of a and c
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "50%"), 4 + 1);  // four cells and the scale's middle
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "100%"), 2);   // row b's cell and the scale's top
  EXPECT_TRUE(contains(texts, "Confusion matrix: accuracy 0.600 on 5 examples"));
  EXPECT_TRUE(contains(texts, "model m on d.csv"));
}

TEST(ConfusionMatrixPlot, CellColourFollowsRowShare) {
  const auto root = parse_or_fail(render_confusion_matrix(hand_report(), ""));
  ASSERT_NE(root, nullptr);
  // Each cell is a <g> with a <title> tooltip and a <rect>.
  std::map<std::string, std::string> fill_of;
  for (const XmlElement* group : root->find_all("g")) {
    const auto titles = group->find_all("title");
    const auto rects = group->find_all("rect");
    if (titles.empty() || rects.empty()) continue;
    fill_of[titles[0]->text] = rects[0]->attributes.at("fill");
  }
  ASSERT_EQ(fill_of.size(), 9u);
  // b -> b is its whole row, a -> a half of its row, b -> a none of it.
  EXPECT_EQ(fill_of.at("true b, predicted b: 1 of 1 (100%)"), "#08306b");
  EXPECT_EQ(fill_of.at("true a, predicted a: 1 of 2 (50%)"), "#6baed6");
  EXPECT_EQ(fill_of.at("true b, predicted a: 0 of 1 (0%)"), "#f7fbff");
}

TEST(ConfusionMatrixPlot, EscapesLabelNames) {
  const std::string svg = render_confusion_matrix(hand_report({"a<b", "fish & chips", "\"q\""}), "");
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
  EXPECT_EQ(svg.find("fish & chips"), std::string::npos);
  EXPECT_NE(svg.find("a&lt;b"), std::string::npos);
  EXPECT_NE(svg.find("fish &amp; chips"), std::string::npos);
  const auto root = parse_or_fail(svg);
  ASSERT_NE(root, nullptr);
  const auto texts = visible_texts(*root);
  EXPECT_TRUE(contains(texts, "a<b"));
  EXPECT_TRUE(contains(texts, "fish & chips"));
  EXPECT_TRUE(contains(texts, "\"q\""));
}

TEST(ConfusionMatrixPlot, SizeGrowsWithLabels) {
  double previous_width = 0.0;
  double previous_height = 0.0;
  for (std::size_t n : {2u, 6u, 20u, 40u}) {
    const auto root = parse_or_fail(render_confusion_matrix(report_with_labels(n), ""));
    ASSERT_NE(root, nullptr) << n;
    const double width = attribute_number(*root, "width");
    const double height = attribute_number(*root, "height");
    EXPECT_GT(height, previous_height) << n << " labels";
    EXPECT_GE(width, previous_width) << n << " labels";
    // Every cell is drawn: n * n tooltips, and the count of the last diagonal cell appears.
    std::size_t cells = 0;
    for (const XmlElement* group : root->find_all("g")) cells += group->find_all("title").size();
    EXPECT_EQ(cells, n * n);
    EXPECT_TRUE(contains(visible_texts(*root), std::to_string(n - 1))) << n;
    previous_width = width;
    previous_height = height;
  }
}

TEST(ConfusionMatrixPlot, ShortensLongLabelsKeepsTooltip) {
  const std::string long_label(120, 'x');
  const std::string svg = render_confusion_matrix(hand_report({long_label, "b", "c"}), "");
  const auto root = parse_or_fail(svg);
  ASSERT_NE(root, nullptr);
  bool shortened = false;
  bool tooltip = false;
  for (const XmlElement* text : root->find_all("text")) {
    if (text->text.size() > kEllipsis.size() && text->text.find(kEllipsis) != std::string::npos) shortened = true;
    for (const XmlElement* title : text->find_all("title")) tooltip = tooltip || title->text == long_label;
  }
  EXPECT_TRUE(shortened);
  EXPECT_TRUE(tooltip);
  // The image stays readable width: the label column is capped.
  EXPECT_LT(attribute_number(*root, "width"), 700.0);
}

TEST(ConfusionMatrixPlot, NotesUnknownLabels) {
  train::ClassificationReport report = hand_report();
  report.add_unknown("zebra");
  report.add_unknown("zebra");
  const auto root = parse_or_fail(render_confusion_matrix(report, ""));
  ASSERT_NE(root, nullptr);
  bool noted = false;
  for (const std::string& text : visible_texts(*root)) {
    noted = noted || text.rfind("2 examples have labels the model does not know", 0) == 0;
  }
  EXPECT_TRUE(noted);
}

TEST(ClassMetricsPlot, ShowsEveryValue) {
  const auto root = parse_or_fail(render_class_metrics(hand_report(), "sub"));
  ASSERT_NE(root, nullptr);
  const auto texts = visible_texts(*root);
  // precision 0.5 0.5 1, recall 0.5 1 0.5, F1 0.5 0.667 0.667: nine bar values.
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "0.500"), 5);
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "1.000"), 2);
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "0.667"), 2);
  EXPECT_TRUE(contains(texts, "support 2"));
  EXPECT_TRUE(contains(texts, "support 1"));
  EXPECT_TRUE(contains(texts, "Precision, recall and F1 per label (macro-F1 0.611)"));
  for (const char* legend : {"precision", "recall", "F1", "macro-F1"}) EXPECT_TRUE(contains(texts, legend));
}

TEST(ClassMetricsPlot, BarLengthIsProportional) {
  const auto root = parse_or_fail(render_class_metrics(hand_report(), ""));
  ASSERT_NE(root, nullptr);
  const std::map<std::string, double> width_of = bar_widths(*root);
  ASSERT_EQ(width_of.size(), 9u);
  EXPECT_NEAR(width_of.at("a precision: 0.500") * 2.0, width_of.at("c precision: 1.000"), 0.02);
  EXPECT_NEAR(width_of.at("b F1: 0.667") * 1.5, width_of.at("b recall: 1.000"), 0.02);
}

TEST(ClassMetricsPlot, HeightGrowsWithLabelsAndEscapes) {
  double previous = 0.0;
  for (std::size_t n : {2u, 6u, 20u}) {
    const std::string svg = render_class_metrics(report_with_labels(n, "<&>"), "");
    EXPECT_EQ(svg.find("<&>"), std::string::npos);
    const auto root = parse_or_fail(svg);
    ASSERT_NE(root, nullptr) << n;
    const double height = attribute_number(*root, "height");
    EXPECT_GT(height, previous) << n;
    EXPECT_TRUE(contains(visible_texts(*root), "<&>" + std::to_string(n - 1)));
    previous = height;
  }
}

TrainingHistory history_with(int epochs, bool validation) {
  std::string jsonl;
  for (int e = 1; e <= epochs; ++e) {
    jsonl += "{\"epoch\":" + std::to_string(e) + ",\"loss\":" + std::to_string(1.0 / e) +
             ",\"accuracy\":" + std::to_string(1.0 - 0.5 / e);
    if (validation) {
      jsonl += ",\"val_loss\":" + std::to_string(1.2 / e) + ",\"val_accuracy\":" + std::to_string(0.9 - 0.5 / e) +
               ",\"val_macro_f1\":" + std::to_string(0.85 - 0.5 / e);
    }
    jsonl += "}\n";
  }
  return parse_training_history(jsonl, "m.jsonl");
}

TEST(TrainingCurvesPlot, DrawsEveryCurveWithLastValues) {
  const auto root = parse_or_fail(render_training_curves(history_with(5, true), "run r"));
  ASSERT_NE(root, nullptr);
  const auto texts = visible_texts(*root);
  // Last epoch: loss 0.2, accuracy 0.9, val_loss 0.24, val_accuracy 0.8, val_macro_f1 0.75.
  for (const char* legend :
       {"loss (last 0.200)", "val_loss (last 0.240)", "accuracy (last 0.900)", "val_accuracy (last 0.800)",
        "val_macro_f1 (last 0.750)"}) {
    EXPECT_TRUE(contains(texts, legend)) << legend;
  }
  EXPECT_TRUE(contains(texts, "Training curves over 5 epochs"));
  EXPECT_EQ(root->find_all("polyline").size(), 5u);
  EXPECT_EQ(root->find_all("circle").size(), 25u);  // a marker per curve and epoch
}

TEST(TrainingCurvesPlot, WithoutValidationDrawsTrainingOnly) {
  const auto root = parse_or_fail(render_training_curves(history_with(3, false), ""));
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->find_all("polyline").size(), 2u);
  for (const std::string& text : visible_texts(*root)) {
    EXPECT_EQ(text.find("val_"), std::string::npos) << text;
    EXPECT_EQ(text.find("macro-F1"), std::string::npos) << text;
  }
}

TEST(TrainingCurvesPlot, SingleEpochIsPointsWithoutLines) {
  const auto root = parse_or_fail(render_training_curves(history_with(1, true), ""));
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->find_all("polyline").size(), 0u);
  EXPECT_EQ(root->find_all("circle").size(), 5u);
}

TEST(TrainingCurvesPlot, GapSplitsLine) {
  const TrainingHistory history = parse_training_history(
      "{\"epoch\":1,\"loss\":1}\n{\"epoch\":2,\"loss\":0.8}\n{\"epoch\":3,\"loss\":null}\n"
      "{\"epoch\":4,\"loss\":0.5}\n{\"epoch\":5,\"loss\":0.4}\n",
      "m.jsonl");
  const auto root = parse_or_fail(render_training_curves(history, ""));
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->find_all("polyline").size(), 2u);
}

TEST(TrainingCurvesPlot, ManyEpochsDropMarkers) {
  const auto root = parse_or_fail(render_training_curves(history_with(200, true), ""));
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->find_all("circle").size(), 0u);
  EXPECT_TRUE(contains(visible_texts(*root), "200"));  // last epoch tick
}

TEST(TrainingCurvesPlot, EmptyHistoryThrows) {
  EXPECT_THROW(render_training_curves(TrainingHistory{}, ""), InvalidArgument);
}

}  // namespace
}  // namespace maas::report
