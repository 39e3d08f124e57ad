// End to end: the maas subcommands as a user runs them, including their errors and exit codes.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

namespace fs = std::filesystem;

const std::string kConfig = MAAS_SOURCE_DIR "/configs/text.yaml";
const std::string kTestData = MAAS_SOURCE_DIR "/data/game_intents/test.csv";

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// One small trained model shared by the tests of this file.
class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    workspace_ = std::make_unique<TempDir>();
    run_ = workspace_->path() + "/run";
    const RunResult trained =
        run_maas({"train", kConfig, "--no-progress", "--json", "--set", "training.epochs=20", "--set", "output=" + run_});
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
    summary_ = nlohmann::json::parse(trained.out);
  }
  static void TearDownTestSuite() { workspace_.reset(); }

  static std::unique_ptr<TempDir> workspace_;
  static std::string run_;
  static nlohmann::json summary_;
};

std::unique_ptr<TempDir> CliTest::workspace_;
std::string CliTest::run_;
nlohmann::json CliTest::summary_;

TEST_F(CliTest, TrainWritesRunFolder) {
  EXPECT_TRUE(fs::exists(run_ + "/config.yaml"));
  EXPECT_TRUE(fs::exists(run_ + "/model/manifest.json"));
  EXPECT_TRUE(fs::exists(run_ + "/model/weights.safetensors"));
  EXPECT_TRUE(fs::exists(run_ + "/model/tokenizer.json"));
  std::ifstream metrics(run_ + "/metrics.jsonl");
  std::string line;
  int epochs = 0;
  while (std::getline(metrics, line)) {
    const auto epoch = nlohmann::json::parse(line);
    EXPECT_EQ(epoch["epoch"], ++epochs);
    EXPECT_TRUE(epoch.contains("val_accuracy"));
  }
  EXPECT_EQ(epochs, 20);
  ASSERT_TRUE(summary_.contains("test"));
  // The quickstart data is easy: six intents a bag of words separates well.
  EXPECT_GT(summary_["test"]["accuracy"].get<double>(), 0.6);
}

TEST_F(CliTest, FullTestReportGoesToRunFolder) {
  // The manifest keeps only the summary, because the confusion matrix grows with labels squared.
  std::ifstream manifest_file(run_ + "/model/manifest.json");
  const auto manifest = nlohmann::json::parse(manifest_file);
  const auto& test = manifest["training"]["metrics"]["test"];
  EXPECT_TRUE(test.contains("accuracy"));
  EXPECT_EQ(test["report"], "test_report.json");
  EXPECT_FALSE(test.contains("confusion_matrix"));
  EXPECT_FALSE(test.contains("classes"));

  std::ifstream report_file(run_ + "/test_report.json");
  ASSERT_TRUE(report_file) << "missing " << run_ << "/test_report.json";
  const auto report = nlohmann::json::parse(report_file);
  EXPECT_EQ(report["confusion_matrix"]["labels"].size(), 6u);
  EXPECT_EQ(report["accuracy"], test["accuracy"]);
  EXPECT_EQ(summary_["test_report"], run_ + "/test_report.json");
}

TEST_F(CliTest, TrainingIsDeterministicForSeed) {
  const std::string again = workspace_->path() + "/again";
  const RunResult trained =
      run_maas({"train", kConfig, "--no-progress", "--set", "training.epochs=20", "--set", "output=" + again});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  std::ifstream a(run_ + "/model/weights.safetensors", std::ios::binary), b(again + "/model/weights.safetensors", std::ios::binary);
  const std::string first((std::istreambuf_iterator<char>(a)), {}), second((std::istreambuf_iterator<char>(b)), {});
  EXPECT_EQ(first, second);
}

TEST_F(CliTest, EvalReportsMetricsAndUnknownLabels) {
  const fs::path data = workspace_->path() + "/eval.csv";
  write_text(data, "text,label\nhello there,greeting\nbuy my sword,trade\nwhat is this,mystery\n");
  const RunResult result = run_maas({"eval", run_ + "/model", "--data", data.string(), "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report["examples"], 3);
  EXPECT_EQ(report["unknown_labels"]["mystery"], 1);
  EXPECT_LE(report["accuracy"].get<double>(), 2.0 / 3.0 + 1e-9);
  EXPECT_EQ(report["classes"].size(), 6u);

  const RunResult table = run_maas({"eval", run_ + "/model", "--data", kTestData});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("macro-F1"), std::string::npos);
  EXPECT_NE(table.out.find("confusion matrix"), std::string::npos);
}

TEST_F(CliTest, PredictWritesOneJsonLinePerInput) {
  const RunResult result = run_maas({"predict", run_ + "/model"}, "hello friends\n\nwtb potions\r\n");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = split_lines(result.out);
  ASSERT_EQ(lines.size(), 3u);
  for (const std::string& line : lines) {
    const auto prediction = nlohmann::json::parse(line);
    EXPECT_TRUE(prediction["label"].is_string());
    EXPECT_EQ(prediction["probabilities"].size(), 6u);
  }
}

TEST_F(CliTest, TokenizeEncodeWithModelGivesPaddedIds) {
  const RunResult result = run_maas({"tokenize", "encode", "--model", run_ + "/model"}, "hello everyone\n\n");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = split_lines(result.out);
  ASSERT_EQ(lines.size(), 2u);
  std::istringstream first(lines[0]);
  std::vector<int> ids{std::istream_iterator<int>(first), std::istream_iterator<int>()};
  ASSERT_EQ(ids.size(), 32u);  // tokenizer.max_length in configs/text.yaml
  EXPECT_EQ(ids[0], 0);        // pre-padding
  EXPECT_NE(ids[31], 0);
  std::istringstream second(lines[1]);
  const std::vector<int> empty_ids{std::istream_iterator<int>(second), std::istream_iterator<int>()};
  EXPECT_EQ(empty_ids, std::vector<int>(32, 0));  // an empty line is all padding
}

TEST(Cli, TokenizeFitThenEncode) {
  TempDir workspace;
  const fs::path data = fs::path(workspace.path()) / "chat.csv";
  write_text(data, "text,label\nGG well played,a\ngg ez,b\nwell well,a\n");
  const std::string vocab = workspace.path() + "/vocab.json";
  const RunResult fit = run_maas({"tokenize", "fit", data.string(), "--output", vocab, "--max-length", "4", "--oov-token", "<oov>"});
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  // Counts: well 3, gg 2, played 1, ez 1; the OOV token takes index 1.
  const RunResult encoded = run_maas({"tokenize", "encode", "--vocab", vocab, "--json"}, "well GG unknown\n");
  ASSERT_EQ(encoded.exit_code, 0) << encoded.err;
  const auto line = nlohmann::json::parse(encoded.out);
  EXPECT_EQ(line["ids"], nlohmann::json({0, 2, 3, 1}));
}

TEST(Cli, ConfigErrorsNameKeyAndLine) {
  TempDir workspace;
  const fs::path config = fs::path(workspace.path()) / "bad.yaml";
  write_text(config,
             "data: {train: " MAAS_SOURCE_DIR "/data/game_intents/train.csv}\n"
             "model:\n  layers:\n    - embedding: {dim: 8}\n    - global_average_pooling1d: {}\n    - dense: {activation: auto}\n"
             "training:\n  epoch: 3\n");
  const RunResult result = run_maas({"train", config.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("training.epoch"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(":8"), std::string::npos) << result.err;
}

TEST(Cli, DumpConfigAppliesOverrides) {
  const RunResult result = run_maas({"train", kConfig, "--dump-config", "--set", "training.epochs=3"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("epochs: 3"), std::string::npos) << result.out;
}

TEST(Cli, UsageErrorExitsWithTwo) {
  EXPECT_EQ(run_maas({"train"}).exit_code, 2);
  EXPECT_EQ(run_maas({"no-such-command"}).exit_code, 2);
}

TEST_F(CliTest, CorruptedWeightsAreRejected) {
  const fs::path copy = workspace_->path() + "/corrupt";
  fs::copy(run_ + "/model", copy, fs::copy_options::recursive);
  {
    std::fstream weights(copy / "weights.safetensors", std::ios::in | std::ios::out | std::ios::binary);
    weights.seekp(-4, std::ios::end);
    weights.write("\x7f\x7f\x7f\x7f", 4);
  }
  const RunResult result = run_maas({"predict", copy.string()}, "hello\n");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("weights.safetensors"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("corrupted"), std::string::npos) << result.err;
}

TEST_F(CliTest, PredictRejectsInvalidUtf8WithLine) {
  const RunResult result = run_maas({"predict", run_ + "/model"}, "fine\n\xff\xfe bad\n");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("stdin"), std::string::npos) << result.err;
}

TEST_F(CliTest, ExportRefusesExistingVersion) {
  const std::string repository = workspace_->path() + "/repo";
  const RunResult first = run_maas({"export", run_ + "/model", "--output", repository});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(fs::exists(repository + "/text/1/manifest.json")) << first.out;
  const RunResult second = run_maas({"export", run_ + "/model", "--output", repository});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(fs::exists(repository + "/text/2/manifest.json"));
  const RunResult clash = run_maas({"export", run_ + "/model", "--output", repository, "--version", "1"});
  EXPECT_EQ(clash.exit_code, 1);
  EXPECT_NE(clash.err.find("exists already"), std::string::npos) << clash.err;
}

// A small labelled CSV and a config that trains on it for one epoch, written into `dir`.
fs::path write_tiny_experiment(const fs::path& dir, const std::string& extra_yaml = "") {
  write_text(dir / "train.csv", "text,label\nhello there,greet\nhi friend,greet\nbye now,bye\nsee you,bye\n");
  write_text(dir / "exp.yaml",
             "data: {train: train.csv}\n"
             "model: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: {}}, {dense: {activation: auto}}]}\n"
             "training: {epochs: 1, threads: 1}\n"
             "output: run\n" + extra_yaml);
  return dir / "exp.yaml";
}

TEST(Cli, DivergingTrainingFailsWithoutModel) {
  TempDir workspace;
  const RunResult result = run_maas({"train", kConfig, "--no-progress", "--set", "training.threads=1", "--set",
                                     "training.optimizer={name: sgd, learning_rate: 1e30}", "--set",
                                     "output=" + workspace.path() + "/run"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("training.optimizer.learning_rate: training diverged: the loss is"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("at epoch 1, batch"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("lower the learning rate"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(workspace.path() + "/run/model"));
}

TEST(Cli, SecondRunWarnsAndCleansStaging) {
  TempDir workspace;
  const fs::path config = write_tiny_experiment(workspace.path());
  const RunResult first = run_maas({"train", config.string(), "--no-progress"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.err.find("earlier run"), std::string::npos) << first.err;

  // What a kill during save leaves behind, and a folder of the user's that only looks similar.
  const fs::path run = fs::path(workspace.path()) / "run";
  fs::create_directories(run / ".model.tmp-0123abcd");
  fs::create_directories(run / ".model.tmp-mine");
  const RunResult second = run_maas({"train", config.string(), "--no-progress"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find((run / "model").string() + " contains the model of an earlier run"), std::string::npos)
      << second.err;
  EXPECT_FALSE(fs::exists(run / ".model.tmp-0123abcd"));
  EXPECT_TRUE(fs::exists(run / ".model.tmp-mine"));
}

TEST(Cli, UnknownTestLabelsAreWarned) {
  TempDir workspace;
  write_text(fs::path(workspace.path()) / "test.csv", "text,label\nhello,hi\nbye,goodbye\n");
  const fs::path config = write_tiny_experiment(workspace.path(), "");
  const RunResult result = run_maas({"train", config.string(), "--no-progress", "--set",
                                     "data.test=" + workspace.path() + "/test.csv"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("none of the 2 examples has a label of the training data (got 'goodbye', 'hi')"),
            std::string::npos)
      << result.err;
}

TEST(Cli, ValidationSplitErrorNamesSplit) {
  TempDir workspace;
  write_text(fs::path(workspace.path()) / "train.csv", "text,label\nhi there,greet\nbye now,bye\n");
  write_text(fs::path(workspace.path()) / "exp.yaml",
             "data: {train: train.csv}\n"
             "model: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: {}}, {dense: {activation: auto}}]}\n"
             "training: {validation_split: 0.5}\n");
  const RunResult result = run_maas({"train", workspace.path() + "/exp.yaml", "--no-progress"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("exp.yaml:3:12: training.validation_split 0.5 moved the last 1 examples to validation"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("leaves only the label 'greet'"), std::string::npos) << result.err;
}

TEST(Cli, SetFixesBadFileValue) {
  TempDir workspace;
  const fs::path config = write_tiny_experiment(workspace.path(), "");
  write_text(config, "data: {train: train.csv}\n"
                     "model: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: {}}, {dense: {activation: auto}}]}\n"
                     "training: {batch_size: -3}\n");
  EXPECT_EQ(run_maas({"train", config.string(), "--dump-config"}).exit_code, 1);
  const RunResult fixed = run_maas({"train", config.string(), "--dump-config", "--set", "training.batch_size=32"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_NE(fixed.out.find("batch_size: 32"), std::string::npos) << fixed.out;
}

TEST(Cli, BinaryDataTrainsTwoUnitSoftmax) {
  TempDir workspace;
  const fs::path config = write_tiny_experiment(workspace.path());
  const RunResult trained = run_maas({"train", config.string(), "--no-progress", "--set",
                                      "model.layers.2.dense={units: 2, activation: softmax}", "--set",
                                      "training.optimizer.name=Adam"});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const RunResult predicted = run_maas({"predict", workspace.path() + "/run/model"}, "hello\n");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  const auto prediction = nlohmann::json::parse(predicted.out);
  EXPECT_EQ(prediction["probabilities"].size(), 2u);
  const double sum = prediction["probabilities"]["bye"].get<double>() + prediction["probabilities"]["greet"].get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-5);
}

}  // namespace
}  // namespace maas::testing

namespace maas::testing {
namespace {

TEST(Cli, Int8ExportOfConvModelPredicts) {
  TempDir workspace;
  const std::filesystem::path config = std::filesystem::path(workspace.path()) / "conv.yaml";
  write_text(config,
             "data: {train: " MAAS_SOURCE_DIR "/data/game_intents/train.csv}\n"
             "model:\n  layers:\n    - embedding: {dim: 8}\n"
             "    - conv1d: {filters: 8, kernel_size: 3, activation: relu, padding: same}\n"
             "    - global_max_pooling1d: {}\n    - dense: {activation: auto}\n"
             "training: {epochs: 1}\n"
             "output: " + workspace.path() + "/run\n");
  const RunResult trained = run_maas({"train", config.string(), "--no-progress"});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const RunResult exported =
      run_maas({"export", workspace.path() + "/run/model", "--output", workspace.path() + "/repo", "--quantize", "int8"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  // The model is named after the config file.
  const std::string int8_model = workspace.path() + "/repo/conv/1";
  ASSERT_TRUE(std::filesystem::exists(int8_model + "/manifest.json")) << exported.err;

  const std::string texts = "gg wp\nbuy sword\n";
  const RunResult float_predicted = run_maas({"predict", workspace.path() + "/run/model"}, texts);
  const RunResult int8_predicted = run_maas({"predict", int8_model}, texts);
  ASSERT_EQ(float_predicted.exit_code, 0) << float_predicted.err;
  ASSERT_EQ(int8_predicted.exit_code, 0) << int8_predicted.err;
  std::istringstream float_lines(float_predicted.out);
  std::istringstream int8_lines(int8_predicted.out);
  std::string float_line;
  std::string int8_line;
  int rows = 0;
  while (std::getline(float_lines, float_line) && std::getline(int8_lines, int8_line)) {
    ++rows;
    const auto float_row = nlohmann::json::parse(float_line);
    const auto int8_row = nlohmann::json::parse(int8_line);
    EXPECT_EQ(int8_row["label"], float_row["label"]) << int8_line;
    // Each int8 weight is off by at most 0.4 % of its channel's largest weight, which moved the
    // probabilities of small test models by at most 0.0006.
    EXPECT_NEAR(int8_row["probability"].get<double>(), float_row["probability"].get<double>(), 0.01) << int8_line;
  }
  EXPECT_EQ(rows, 2);
}

}  // namespace
}  // namespace maas::testing
