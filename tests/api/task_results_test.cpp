// The C++ and C APIs on real multi-label and regression models, trained here by the maas binary
// from configs/multi_label.yaml and configs/regression.yaml, and compared with `maas predict`.

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "maas/classifier.hpp"
#include "maas/maas.h"

namespace maas {
namespace {

namespace fs = std::filesystem;

// Returns what `command` writes to stdout, failing the test when it exits non-zero.
std::string run_command(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed for: " + command);
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << command;
  return out;
}

// The two models, trained once for every test in this file, in a folder removed at the end.
class TaskModels : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("maas_api_tasks_" + std::to_string(::getpid())));
    fs::create_directories(*root_);
    for (const char* name : {"multi_label", "regression"}) {
      run_command(std::string(MAAS_BINARY) + " train " MAAS_SOURCE_DIR "/configs/" + name +
                  ".yaml --no-progress --log-level warn --set output=" + (*root_ / name).string());
    }
  }

  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }

  static std::string model(const std::string& name) { return (*root_ / name / "model").string(); }

  // `maas predict MODEL` on `texts`, one JSON object per text.
  static std::vector<nlohmann::json> cli_predict(const std::string& model_dir, const std::vector<std::string>& texts,
                                                 const std::string& extra = "") {
    const fs::path input = *root_ / "input.txt";
    std::ofstream(input) << [&] {
      std::string lines;
      for (const std::string& text : texts) lines += text + "\n";
      return lines;
    }();
    std::vector<nlohmann::json> lines;
    std::istringstream out(run_command(std::string(MAAS_BINARY) + " predict " + model_dir + " " + input.string() + extra));
    for (std::string line; std::getline(out, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  static fs::path* root_;
};

fs::path* TaskModels::root_ = nullptr;

const std::vector<std::string> kChatTexts = {
    "uninstall noob free gems at gemz4u dot net",
    "wtb mana potion",
    "gg",
    "how do i get to greyspire selling ember sword 500g",
};

TEST_F(TaskModels, MultiLabelMatchesCliPredict) {
  const Classifier classifier = Classifier::load(model("multi_label"));
  EXPECT_EQ(classifier.task(), ModelTask::kMultiLabel);
  ASSERT_EQ(classifier.labels(), (std::vector<std::string>{"help", "spam", "toxic", "trade"}));

  const std::vector<Prediction> predictions = classifier.classify(kChatTexts);
  const std::vector<nlohmann::json> expected = cli_predict(model("multi_label"), kChatTexts);
  ASSERT_EQ(predictions.size(), kChatTexts.size());
  ASSERT_EQ(expected.size(), kChatTexts.size());
  for (std::size_t i = 0; i < kChatTexts.size(); ++i) {
    SCOPED_TRACE(kChatTexts[i]);
    EXPECT_EQ(nlohmann::json(predictions[i].labels), expected[i]["labels"]);
    ASSERT_EQ(predictions[i].probabilities.size(), 4u);
    for (std::size_t c = 0; c < 4; ++c) {
      EXPECT_NEAR(predictions[i].probabilities[c], expected[i]["probabilities"][classifier.labels()[c]].get<double>(),
                  1e-6);
    }
    EXPECT_EQ(predictions[i].label_indices.size(), predictions[i].labels.size());
    for (std::size_t k = 0; k < predictions[i].label_indices.size(); ++k) {
      EXPECT_EQ(classifier.labels()[predictions[i].label_indices[k]], predictions[i].labels[k]);
      EXPECT_GE(predictions[i].probabilities[predictions[i].label_indices[k]], Classifier::kDefaultThreshold);
    }
    EXPECT_EQ(predictions[i].value, 0.0f);
  }
  EXPECT_EQ(predictions[0].labels, (std::vector<std::string>{"spam", "toxic"}));
  EXPECT_EQ(predictions[0].label_indices, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(predictions[1].labels, (std::vector<std::string>{"trade"}));
  EXPECT_TRUE(predictions[2].labels.empty());
  EXPECT_EQ(predictions[3].labels, (std::vector<std::string>{"help", "trade"}));
}

TEST_F(TaskModels, MultiLabelThresholdPicksLabels) {
  const Classifier classifier = Classifier::load(model("multi_label"));
  const Prediction all = classifier.classify(kChatTexts[2], 0.0f);
  EXPECT_EQ(all.labels, classifier.labels());
  const Prediction one = classifier.classify(kChatTexts[1], 0.5f);
  EXPECT_EQ(one.label, "trade");
  EXPECT_EQ(one.probability, one.probabilities[3]);

  // A threshold between the two highest probabilities of the first text keeps only the top one.
  const Prediction two = classifier.classify(kChatTexts[0]);
  const float between = (two.probabilities[1] + two.probabilities[2]) / 2;
  const Prediction top_only = classifier.classify(kChatTexts[0], between);
  ASSERT_EQ(top_only.labels.size(), 1u);
  EXPECT_EQ(top_only.labels[0], two.label);
  const std::vector<nlohmann::json> cli = cli_predict(model("multi_label"), {kChatTexts[0]},
                                                      " --threshold " + std::to_string(between));
  ASSERT_EQ(cli.size(), 1u);
  EXPECT_EQ(nlohmann::json(top_only.labels), cli[0]["labels"]);

  for (const float invalid : {-0.1f, 1.5f, std::numeric_limits<float>::quiet_NaN()}) {
    SCOPED_TRACE(invalid);
    EXPECT_THROW(classifier.classify(kChatTexts[0], invalid), std::invalid_argument);
  }
}

TEST_F(TaskModels, RegressionReturnsValue) {
  const Classifier classifier = Classifier::load(model("regression"));
  EXPECT_EQ(classifier.task(), ModelTask::kRegression);
  ASSERT_EQ(classifier.labels(), (std::vector<std::string>{"severity"}));

  const std::vector<std::string> texts = {"gg", "uninstall noob again", "i will find you and ruin every run you join"};
  const std::vector<Prediction> predictions = classifier.classify(texts);
  const std::vector<nlohmann::json> expected = cli_predict(model("regression"), texts);
  ASSERT_EQ(predictions.size(), texts.size());
  ASSERT_EQ(expected.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE(texts[i]);
    EXPECT_NEAR(predictions[i].value, expected[i]["value"].get<double>(), 1e-5);
    EXPECT_TRUE(predictions[i].labels.empty());
    EXPECT_TRUE(predictions[i].label_indices.empty());
    EXPECT_TRUE(predictions[i].probabilities.empty());
    EXPECT_TRUE(predictions[i].label.empty());
  }
  // The data's weights: small talk 0, "uninstall noob" 3.0 plus 1.0 for "again", the threat 6.5,
  // each with up to 0.5 of noise.
  EXPECT_NEAR(predictions[0].value, 0.0, 1.0);
  EXPECT_NEAR(predictions[1].value, 4.0, 1.0);
  EXPECT_NEAR(predictions[2].value, 6.5, 1.0);
}

TEST(ClassifierTask, ClassificationChoosesTopLabel) {
  const Classifier classifier = Classifier::load(MAAS_SOURCE_DIR "/tests/golden/v1/intents");
  EXPECT_EQ(classifier.task(), ModelTask::kClassification);
  const Prediction prediction = classifier.classify("buy sword cheap", 0.99f);
  EXPECT_EQ(prediction.labels, std::vector<std::string>{prediction.label});
  EXPECT_EQ(prediction.label_indices, std::vector<std::size_t>{prediction.label_index});
  EXPECT_EQ(prediction.value, 0.0f);
}

// Owns a C handle and its last error message.
struct CModel {
  explicit CModel(const std::string& dir) {
    char* error = nullptr;
    EXPECT_EQ(maas_classifier_load(dir.c_str(), &handle, &error), MAAS_OK) << (error ? error : "");
    maas_string_free(error);
  }
  ~CModel() {
    maas_classifier_free(handle);
    maas_string_free(error);
  }
  std::string message() const { return error == nullptr ? "" : error; }

  maas_classifier* handle = nullptr;
  char* error = nullptr;
};

TEST_F(TaskModels, CApiMultiLabelMatchesCpp) {
  CModel c_model(model("multi_label"));
  ASSERT_NE(c_model.handle, nullptr);
  EXPECT_EQ(maas_classifier_task(c_model.handle), MAAS_TASK_MULTI_LABEL);
  const Prediction expected = Classifier::load(model("multi_label")).classify(kChatTexts[0]);

  float probabilities[4] = {};
  unsigned char chosen[4] = {9, 9, 9, 9};
  std::size_t chosen_count = 99;
  ASSERT_EQ(maas_classify_labels(c_model.handle, kChatTexts[0].c_str(), 0.5f, probabilities, chosen, 4, &chosen_count,
                                 &c_model.error),
            MAAS_OK)
      << c_model.message();
  EXPECT_EQ(chosen_count, 2u);
  const unsigned char expected_chosen[4] = {0, 1, 1, 0};
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(chosen[c], expected_chosen[c]) << c;
    EXPECT_FLOAT_EQ(probabilities[c], expected.probabilities[c]) << c;
  }

  EXPECT_EQ(maas_classify_labels(c_model.handle, "gg", 0.5f, probabilities, chosen, 3, nullptr, &c_model.error),
            MAAS_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(c_model.message().find("capacity 3"), std::string::npos) << c_model.message();
  maas_string_free(c_model.error);
  EXPECT_EQ(maas_classify_labels(c_model.handle, "gg", 2.0f, probabilities, chosen, 4, nullptr, &c_model.error),
            MAAS_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(c_model.message().find("threshold 2"), std::string::npos) << c_model.message();
  maas_string_free(c_model.error);
  float value = 0.0f;
  EXPECT_EQ(maas_predict_value(c_model.handle, "gg", &value, &c_model.error), MAAS_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(c_model.message().find("maas_classify_labels"), std::string::npos) << c_model.message();
}

TEST_F(TaskModels, CApiRegressionMatchesCpp) {
  CModel c_model(model("regression"));
  ASSERT_NE(c_model.handle, nullptr);
  EXPECT_EQ(maas_classifier_task(c_model.handle), MAAS_TASK_REGRESSION);
  ASSERT_EQ(maas_classifier_label_count(c_model.handle), 1u);
  EXPECT_STREQ(maas_classifier_label(c_model.handle, 0), "severity");
  const float expected = Classifier::load(model("regression")).classify("uninstall noob again").value;

  float value = -1.0f;
  ASSERT_EQ(maas_predict_value(c_model.handle, "uninstall noob again", &value, &c_model.error), MAAS_OK)
      << c_model.message();
  EXPECT_FLOAT_EQ(value, expected);
  float output = -1.0f;
  ASSERT_EQ(maas_classify(c_model.handle, "uninstall noob again", &output, 1, &c_model.error), MAAS_OK)
      << c_model.message();
  EXPECT_FLOAT_EQ(output, expected);

  float probabilities[1] = {};
  unsigned char chosen[1] = {};
  EXPECT_EQ(maas_classify_labels(c_model.handle, "gg", 0.5f, probabilities, chosen, 1, nullptr, &c_model.error),
            MAAS_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(c_model.message().find("maas_predict_value"), std::string::npos) << c_model.message();
}

}  // namespace
}  // namespace maas
