// Charts of multi-label and regression evaluations: the per-label bars, the predicted-against-true
// scatter, the training curves of each task and the files write_eval_plots chooses.

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/report/eval_plots.h"
#include "core/report/plots.h"
#include "tests/report/svg_queries.h"

namespace maas::report {
namespace {

namespace fs = std::filesystem;
using testing::attribute_number;
using testing::bar_widths;
using testing::contains;
using testing::parse_or_fail;
using testing::visible_texts;
using testing::XmlElement;

// Two labels, three examples, threshold 0.5:
//   truth x      probabilities 0.9 0.2: x right
//   truth x, y   probabilities 0.8 0.3: x right, y missed
//   truth y      probabilities 0.6 0.7: x wrong, y right
//   x: precision 2/3, recall 1, F1 0.8    y: precision 1, recall 1/2, F1 2/3
//   macro-F1 (0.8 + 2/3) / 2 = 0.733; micro-F1 pools 3 right, 1 wrong, 1 missed: 0.75
train::MultiLabelReport hand_multi_label() {
  train::MultiLabelReport report({"x", "y"});
  report.add({1, 0}, {0.9f, 0.2f});
  report.add({1, 1}, {0.8f, 0.3f});
  report.add({0, 1}, {0.6f, 0.7f});
  return report;
}

// Truths 0, 2, 4 predicted as 1, 2, 3: MSE = MAE = 2/3, R^2 = 1 - 2 / 8 = 0.75.
train::RegressionReport hand_regression() {
  train::RegressionReport report("score");
  report.add(0.0, 1.0);
  report.add(2.0, 2.0);
  report.add(4.0, 3.0);
  return report;
}

TEST(MultiLabelMetricsPlot, ShowsEveryValueAndTitle) {
  const auto root = parse_or_fail(render_class_metrics(hand_multi_label(), "sub"));
  ASSERT_NE(root, nullptr);
  const auto texts = visible_texts(*root);
  EXPECT_TRUE(contains(texts, "Precision, recall and F1 per label at threshold 0.5 (macro-F1 0.733, micro-F1 0.750)"));
  EXPECT_TRUE(contains(texts, "0.667"));
  EXPECT_TRUE(contains(texts, "0.800"));
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "1.000"), 2);  // x recall, y precision
  EXPECT_TRUE(contains(texts, "support 2"));
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "support 2"), 2);
}

TEST(MultiLabelMetricsPlot, BarLengthIsProportional) {
  const auto root = parse_or_fail(render_class_metrics(hand_multi_label(), ""));
  ASSERT_NE(root, nullptr);
  const std::map<std::string, double> width_of = bar_widths(*root);
  ASSERT_EQ(width_of.size(), 6u);
  // The plot is 400 pixels wide for 0 to 1.
  EXPECT_NEAR(width_of.at("x recall: 1.000"), 400.0, 0.01);
  EXPECT_NEAR(width_of.at("x precision: 0.667"), 400.0 * 2 / 3, 0.01);
  EXPECT_NEAR(width_of.at("y recall: 0.500"), 200.0, 0.01);
  EXPECT_NEAR(width_of.at("x F1: 0.800"), 320.0, 0.01);
}

TEST(RegressionScatterPlot, PlacesDotsOnSharedScale) {
  const auto root = parse_or_fail(render_regression_scatter(hand_regression(), "model m on d.csv"));
  ASSERT_NE(root, nullptr);
  const auto texts = visible_texts(*root);
  EXPECT_TRUE(contains(texts, "Predicted against true score (MSE 0.667, MAE 0.667, R^2 0.750)"));
  EXPECT_TRUE(contains(texts, "true score"));
  EXPECT_TRUE(contains(texts, "predicted"));
  for (const char* tick : {"0", "1", "2", "3", "4"}) EXPECT_TRUE(contains(texts, tick)) << tick;

  // The dashed y = x line runs from (0, 0) at the bottom left to (4, 4) at the top right of the
  // 360-pixel square, so one unit is 90 pixels on both axes.
  const XmlElement* identity = nullptr;
  for (const XmlElement* line : root->find_all("line")) {
    const auto found = line->attributes.find("class");
    if (found != line->attributes.end() && found->second == "identity") identity = line;
  }
  ASSERT_NE(identity, nullptr);
  const double left = attribute_number(*identity, "x1");
  const double bottom = attribute_number(*identity, "y1");
  EXPECT_NEAR(attribute_number(*identity, "x2") - left, 360.0, 1e-6);
  EXPECT_NEAR(bottom - attribute_number(*identity, "y2"), 360.0, 1e-6);

  const auto circles = root->find_all("circle");
  ASSERT_EQ(circles.size(), 3u);
  const std::vector<std::pair<double, double>> expected = {{0.0, 1.0}, {2.0, 2.0}, {4.0, 3.0}};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(attribute_number(*circles[i], "cx"), left + 90.0 * expected[i].first, 1e-6) << i;
    EXPECT_NEAR(attribute_number(*circles[i], "cy"), bottom - 90.0 * expected[i].second, 1e-6) << i;
  }
  const auto titles = root->find_all("title");
  EXPECT_TRUE(std::any_of(titles.begin(), titles.end(),
                          [](const XmlElement* t) { return t->text == "example 3: true 4, predicted 3"; }));
}

TEST(RegressionScatterPlot, EmptyReportThrows) {
  EXPECT_THROW(render_regression_scatter(train::RegressionReport("score"), ""), InvalidArgument);
}

TEST(ResidualHistogram, CountsEachBin) {
  // Residuals +1, 0 and -1 on 5 target bins: edges every 0.5 from -1 to 1, and the maximum 1
  // falls in the last bin.
  const auto root = parse_or_fail(render_residual_histogram(hand_regression(), "model m on d.csv"));
  ASSERT_NE(root, nullptr);
  const auto texts = visible_texts(*root);
  EXPECT_TRUE(contains(texts, "Residuals (predicted - true score), 3 examples, mean 0"));
  EXPECT_TRUE(contains(texts, "predicted - true score"));
  const std::map<std::string, double> width_of = bar_widths(*root);
  ASSERT_EQ(width_of.size(), 3u);
  EXPECT_TRUE(width_of.count("-1.0 to -0.5: 1 example"));
  EXPECT_TRUE(width_of.count("0.0 to 0.5: 1 example"));
  EXPECT_TRUE(width_of.count("0.5 to 1.0: 1 example"));
  // Four bins share the 480-pixel plot, less a pixel of gap per bar.
  for (const auto& [title, width] : width_of) EXPECT_NEAR(width, 119.0, 1e-6) << title;
}

TEST(ResidualHistogram, BarHeightIsProportional) {
  // Residuals: one of -2, two of 0 and four of +2.
  train::RegressionReport report("score");
  report.add(2.0, 0.0);
  for (int i = 0; i < 2; ++i) report.add(1.0, 1.0);
  for (int i = 0; i < 4; ++i) report.add(0.0, 2.0);
  const auto root = parse_or_fail(render_residual_histogram(report, ""));
  ASSERT_NE(root, nullptr);
  std::map<double, double> height_at;  // bar height by its x position
  for (const XmlElement* rect : root->find_all("rect")) {
    const auto found = rect->attributes.find("class");
    if (found != rect->attributes.end() && found->second == "bin") {
      height_at[attribute_number(*rect, "x")] = attribute_number(*rect, "height");
    }
  }
  ASSERT_EQ(height_at.size(), 3u);
  std::vector<double> heights;
  for (const auto& [x, height] : height_at) heights.push_back(height);
  EXPECT_NEAR(heights[1], 2.0 * heights[0], 1e-6);
  EXPECT_NEAR(heights[2], 4.0 * heights[0], 1e-6);
}

TEST(ResidualHistogram, ExtremesLandInEndBins) {
  // The lowest residual sits a hair below the axis minimum that nice_scale rounds to.
  train::RegressionReport report("score");
  report.add(1.0000000001, 0.0);
  report.add(0.0, 1.0);
  const auto root = parse_or_fail(render_residual_histogram(report, ""));
  ASSERT_NE(root, nullptr);
  const std::map<std::string, double> width_of = bar_widths(*root);
  EXPECT_TRUE(width_of.count("-1.0 to -0.5: 1 example"));
  EXPECT_TRUE(width_of.count("0.5 to 1.0: 1 example"));
  EXPECT_EQ(width_of.size(), 2u);
}

TEST(ResidualHistogram, EmptyReportThrows) {
  EXPECT_THROW(render_residual_histogram(train::RegressionReport("score"), ""), InvalidArgument);
}

TEST(TaskTrainingCurves, MultiLabelMetricsGetTheirPanels) {
  const TrainingHistory history = parse_training_history(
      "{\"epoch\":1,\"loss\":0.6,\"accuracy\":0.2,\"val_loss\":0.5,\"val_macro_f1\":0.1,\"val_micro_f1\":0.2,"
      "\"val_subset_accuracy\":0.3,\"val_hamming_loss\":0.4}\n"
      "{\"epoch\":2,\"loss\":0.3,\"accuracy\":0.5,\"val_loss\":0.25,\"val_macro_f1\":0.8,\"val_micro_f1\":0.81,"
      "\"val_subset_accuracy\":0.7,\"val_hamming_loss\":0.09}\n",
      "metrics.jsonl");
  const auto root = parse_or_fail(render_training_curves(history, "run r"));
  ASSERT_NE(root, nullptr);
  const auto texts = visible_texts(*root);
  EXPECT_TRUE(contains(texts, "Loss and Hamming loss"));
  EXPECT_TRUE(contains(texts, "Accuracy, F1 and subset accuracy"));
  for (const char* legend : {"val_hamming_loss (last 0.090)", "val_micro_f1 (last 0.810)",
                             "val_subset_accuracy (last 0.700)", "val_macro_f1 (last 0.800)"}) {
    EXPECT_TRUE(contains(texts, legend)) << legend;
  }
  EXPECT_EQ(root->find_all("polyline").size(), 7u);
}

TEST(TaskTrainingCurves, RegressionMetricsGetTheirPanels) {
  const TrainingHistory history = parse_training_history(
      "{\"epoch\":1,\"loss\":8.0,\"val_loss\":4.0,\"val_mse\":4.0,\"val_mae\":1.5,\"val_r2\":0.3}\n"
      "{\"epoch\":2,\"loss\":2.0,\"val_loss\":1.0,\"val_mse\":1.0,\"val_mae\":0.75,\"val_r2\":0.8}\n",
      "metrics.jsonl");
  const auto root = parse_or_fail(render_training_curves(history, ""));
  ASSERT_NE(root, nullptr);
  const auto texts = visible_texts(*root);
  EXPECT_TRUE(contains(texts, "Loss (MSE) and MAE"));
  EXPECT_TRUE(contains(texts, "R^2"));
  for (const char* legend : {"val_mse (last 1.000)", "val_mae (last 0.750)", "val_r2 (last 0.800)"}) {
    EXPECT_TRUE(contains(texts, legend)) << legend;
  }
  EXPECT_EQ(root->find_all("polyline").size(), 5u);
}

// A run folder RUN/model with RUN/metrics.jsonl, removed at the end.
class RunFolder {
 public:
  RunFolder() : path_(fs::temp_directory_path() / ("maas_task_plots_" + std::to_string(::getpid()))) {
    fs::create_directories(path_ / "model");
  }
  ~RunFolder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> file_names(const std::vector<fs::path>& paths) {
  std::vector<std::string> names;
  for (const fs::path& path : paths) names.push_back(path.filename().string());
  return names;
}

TEST(WriteEvalPlots, EachTaskWritesItsCharts) {
  RunFolder run;
  std::ofstream(run.path() / "metrics.jsonl") << "{\"epoch\":1,\"loss\":0.5,\"val_loss\":0.6}\n";
  const std::vector<fs::path> multi_label =
      write_eval_plots(hand_multi_label(), run.path() / "model", "d.csv", run.path() / "multi_label");
  EXPECT_EQ(file_names(multi_label), (std::vector<std::string>{kClassMetricsFile, kTrainingCurvesFile}));
  const std::vector<fs::path> regression =
      write_eval_plots(hand_regression(), run.path() / "model", "d.csv", run.path() / "regression");
  EXPECT_EQ(file_names(regression),
            (std::vector<std::string>{kRegressionScatterFile, kResidualHistogramFile, kTrainingCurvesFile}));
  for (const fs::path& path : regression) EXPECT_TRUE(fs::exists(path)) << path;
}

}  // namespace
}  // namespace maas::report
