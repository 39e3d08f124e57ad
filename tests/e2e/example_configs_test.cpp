// The multi-label and regression example configs train on data/chat_moderation and beat a model
// that ignores the text: `maas eval` on the test file must score well above the best constant
// prediction, worked out here from the same file.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

// One row of data/chat_moderation/*.csv. The generator writes no commas or quotes inside the
// text, so splitting at commas reads it exactly.
struct ChatRow {
  std::string text;
  std::vector<std::string> tags;
  double severity = 0.0;
};

std::vector<ChatRow> read_chat_rows(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::vector<ChatRow> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::istringstream fields_in(line);
    for (std::string field; std::getline(fields_in, field, ',');) fields.push_back(field);
    if (line.back() == ',') fields.emplace_back();
    EXPECT_EQ(fields.size(), 3u) << line;
    if (fields.size() != 3) continue;
    ChatRow row{fields[0], {}, std::stod(fields[2])};
    std::istringstream tags_in(fields[1]);
    for (std::string tag; std::getline(tags_in, tag, '|');) row.tags.push_back(tag);
    rows.push_back(row);
  }
  return rows;
}

const std::string kTrain = MAAS_SOURCE_DIR "/data/chat_moderation/train.csv";
const std::string kTest = MAAS_SOURCE_DIR "/data/chat_moderation/test.csv";

nlohmann::json train_and_eval(const std::string& config, const TempDir& dir) {
  const RunResult trained = run_maas({"train", MAAS_SOURCE_DIR "/configs/" + config, "--no-progress", "--set",
                                      "output=" + dir.path() + "/run"});
  EXPECT_EQ(trained.exit_code, 0) << trained.err;
  const RunResult eval = run_maas({"eval", dir.path() + "/run/model", "--data", kTest, "--json"});
  EXPECT_EQ(eval.exit_code, 0) << eval.err;
  return nlohmann::json::parse(eval.out);
}

TEST(ExampleConfigs, MultiLabelBeatsConstantTagSet) {
  const std::vector<ChatRow> rows = read_chat_rows(kTest);
  ASSERT_EQ(rows.size(), 120u);

  // Predicting every tag on every line gives the best constant micro-F1, 2P / (P + N L) for P
  // positive pairs out of N lines times L tags. Predicting the most common tag set gives the best
  // constant subset accuracy.
  const std::vector<std::string> tags = {"help", "spam", "toxic", "trade"};
  std::size_t positives = 0;
  std::map<std::vector<std::string>, std::size_t> tag_sets;
  for (const ChatRow& row : rows) {
    positives += row.tags.size();
    ++tag_sets[row.tags];
  }
  const double pairs = static_cast<double>(rows.size() * tags.size());
  const double all_tags_micro_f1 = 2.0 * positives / (positives + pairs);
  std::size_t most_common_set = 0;
  for (const auto& [set, count] : tag_sets) most_common_set = std::max(most_common_set, count);
  const double constant_subset_accuracy = static_cast<double>(most_common_set) / rows.size();

  TempDir dir;
  const nlohmann::json report = train_and_eval("multi_label.yaml", dir);
  EXPECT_EQ(report["task"], "multi_label");
  EXPECT_EQ(report["examples"], 120);
  EXPECT_GE(report["micro_f1"].get<double>(), all_tags_micro_f1 + 0.3) << report;
  EXPECT_GE(report["macro_f1"].get<double>(), 0.9) << report;
  EXPECT_GE(report["subset_accuracy"].get<double>(), constant_subset_accuracy + 0.3) << report;
}

TEST(ExampleConfigs, RegressionBeatsTrainMean) {
  const std::vector<ChatRow> train_rows = read_chat_rows(kTrain);
  const std::vector<ChatRow> test_rows = read_chat_rows(kTest);
  ASSERT_EQ(test_rows.size(), 120u);

  // The constant baseline predicts the training mean for every line.
  const double train_mean =
      std::accumulate(train_rows.begin(), train_rows.end(), 0.0,
                      [](double sum, const ChatRow& row) { return sum + row.severity; }) /
      train_rows.size();
  double constant_mae = 0.0;
  for (const ChatRow& row : test_rows) constant_mae += std::abs(row.severity - train_mean);
  constant_mae /= test_rows.size();

  TempDir dir;
  const nlohmann::json report = train_and_eval("regression.yaml", dir);
  EXPECT_EQ(report["task"], "regression");
  EXPECT_EQ(report["examples"], 120);
  EXPECT_LE(report["mae"].get<double>(), constant_mae / 2) << report << " constant MAE " << constant_mae;
  // R^2 is 0 for the test mean, and the training mean can only score lower.
  EXPECT_GE(report["r2"].get<double>(), 0.8) << report;

  // A threshold means nothing to a regression model, so eval warns that it ignores it.
  const RunResult thresholded =
      run_maas({"eval", dir.path() + "/run/model", "--data", kTest, "--json", "--threshold", "0.3"});
  EXPECT_EQ(thresholded.exit_code, 0) << thresholded.err;
  EXPECT_NE(thresholded.err.find("--threshold 0.3 is ignored"), std::string::npos) << thresholded.err;
  EXPECT_EQ(nlohmann::json::parse(thresholded.out)["mae"], report["mae"]);
}

TEST(ExampleConfigs, MultiLabelWarnsOnUnknownTags) {
  TempDir dir;
  train_and_eval("multi_label.yaml", dir);
  // The severity column contains numbers, and none of them is a tag the model was trained on.
  const RunResult eval =
      run_maas({"eval", dir.path() + "/run/model", "--data", kTest, "--label-column", "severity", "--json"});
  EXPECT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NE(eval.err.find("120 labels in the data are not labels the model was trained on"), std::string::npos)
      << eval.err;
}

}  // namespace
}  // namespace maas::testing
