// End to end for the multi_label and regression tasks: train on a small made-up dataset with the
// maas binary, evaluate, predict, and serve on an ephemeral loopback port, comparing serve with
// predict.

#include <httplib.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

// Topic words: a text mentions the words of each topic it is labelled with.
const std::vector<std::pair<std::string, std::vector<std::string>>> kTopics = {
    {"sports", {"goal", "match", "team"}},
    {"music", {"song", "guitar", "band"}},
    {"food", {"pizza", "pasta", "soup"}},
};

// Every subset of the three topics, each written with several word choices: CSV with labels
// joined by "|", so some rows have no label at all.
std::string multi_label_csv(int variants) {
  std::string csv = "text,label\n";
  for (int variant = 0; variant < variants; ++variant) {
    for (int subset = 0; subset < 8; ++subset) {
      std::string text = variant % 2 == 0 ? "today" : "really";
      std::string labels;
      for (std::size_t t = 0; t < kTopics.size(); ++t) {
        if ((subset & (1 << t)) == 0) continue;
        const auto& [label, words] = kTopics[t];
        text += " " + words[static_cast<std::size_t>(variant) % words.size()];
        labels += (labels.empty() ? "" : "|") + label;
      }
      csv += text + "," + labels + "\n";
    }
  }
  return csv;
}

// Four words, each either positive or negative; the value is the count of positive words.
std::string regression_jsonl(int variants) {
  const std::vector<std::string> positive = {"great", "superb"};
  const std::vector<std::string> negative = {"awful", "poor"};
  std::string jsonl;
  for (int variant = 0; variant < variants; ++variant) {
    for (int pattern = 0; pattern < 16; ++pattern) {
      std::string text;
      int count = 0;
      for (int w = 0; w < 4; ++w) {
        const bool good = (pattern >> w) & 1;
        count += good ? 1 : 0;
        const auto& words = good ? positive : negative;
        text += (w == 0 ? "" : " ") + words[static_cast<std::size_t>(variant + w) % words.size()];
      }
      jsonl += nlohmann::json{{"text", text}, {"score", count}}.dump() + "\n";
    }
  }
  return jsonl;
}

std::string config_yaml(const std::string& task, const std::string& train, const std::string& test,
                        const std::string& label_column, const std::string& output, int epochs) {
  return "data: {train: " + train + ", test: " + test + ", label_column: " + label_column +
         "}\n"
         "tokenizer: {max_length: 8}\n"
         "model:\n"
         "  layers:\n"
         "    - embedding: {dim: 16}\n"
         "    - global_average_pooling1d: {}\n"
         "    - dense: {units: 16, activation: relu}\n"
         "    - dense: {activation: auto}\n"
         "training:\n"
         "  task: " + task + "\n"
         "  optimizer: {name: adam, learning_rate: 0.02}\n"
         "  epochs: " + std::to_string(epochs) + "\n"
         "  batch_size: 8\n"
         "  validation_split: 0.2\n"
         "  shuffle: true\n"
         "output: " + output + "\n";
}

// Trains, exports and serves one model; the tests compare the served outputs with `maas predict`.
class TaskModel {
 public:
  TaskModel(const std::string& name, const std::string& config, const std::string& train_name,
            const std::string& train_content) {
    write_file(dir_.path() + "/" + train_name, train_content);
    write_file(dir_.path() + "/test_" + train_name, train_content);
    write_file(dir_.path() + "/config.yaml", config);
    trained_ = run_maas({"train", dir_.path() + "/config.yaml", "--no-progress"});
    if (trained_.exit_code != 0) return;
    model_ = dir_.path() + "/run/model";
    const RunResult exported = run_maas({"export", model_, "--output", dir_.path() + "/models", "--name", name});
    if (exported.exit_code != 0) {
      trained_ = exported;
      return;
    }
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--model-dir", dir_.path() + "/models", "--port", "0"});
  }

  const RunResult& trained() const { return trained_; }
  const std::string& model() const { return model_; }
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

  httplib::Result post(const std::string& path, const nlohmann::json& body) const {
    httplib::Client http("127.0.0.1", server_->port());
    http.set_connection_timeout(5);
    http.set_read_timeout(10);
    return http.Post(path.c_str(), body.dump(), "application/json");
  }

 private:
  TempDir dir_;
  RunResult trained_;
  std::string model_;
  std::unique_ptr<ServerProcess> server_;
};

// Exports `model` as int8 and returns `maas predict` lines of the quantized copy for `input`.
std::vector<nlohmann::json> predict_int8(const TaskModel& model, const std::string& input) {
  const RunResult exported =
      run_maas({"export", model.model(), "--output", model.path("int8"), "--name", "q", "--quantize", "int8"});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  const RunResult predicted = run_maas({"predict", model.path("int8/q/1")}, input);
  EXPECT_EQ(predicted.exit_code, 0) << predicted.err;
  return json_lines(predicted.out);
}

const std::vector<std::string> kTopicTexts = {"today goal pizza", "really song", "today", "match band soup"};

TEST(MultiLabelTask, TrainEvalPredictServe) {
  const TaskModel model("topics", config_yaml("multi_label", "topics.csv", "test_topics.csv", "label", "run", 60),
                        "topics.csv", multi_label_csv(6));
  ASSERT_EQ(model.trained().exit_code, 0) << model.trained().err;

  const RunResult eval = run_maas({"eval", model.model(), "--data", model.path("test_topics.csv"), "--json"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const nlohmann::json report = nlohmann::json::parse(eval.out);
  EXPECT_EQ(report["task"], "multi_label");
  EXPECT_EQ(report["examples"], 48);
  EXPECT_GE(report["micro_f1"].get<double>(), 0.9) << eval.out;
  EXPECT_GE(report["macro_f1"].get<double>(), 0.9) << eval.out;
  EXPECT_GE(report["subset_accuracy"].get<double>(), 0.8) << eval.out;
  EXPECT_LE(report["hamming_loss"].get<double>(), 0.1) << eval.out;
  const RunResult table = run_maas({"eval", model.model(), "--data", model.path("test_topics.csv")});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("micro-F1"), std::string::npos) << table.out;

  std::string input;
  for (const std::string& text : kTopicTexts) input += text + "\n";
  const RunResult predicted = run_maas({"predict", model.model()}, input);
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  const std::vector<nlohmann::json> lines = json_lines(predicted.out);
  ASSERT_EQ(lines.size(), kTopicTexts.size());
  EXPECT_EQ(lines[0]["labels"], nlohmann::json({"food", "sports"})) << lines[0];
  EXPECT_EQ(lines[1]["labels"], nlohmann::json({"music"})) << lines[1];
  EXPECT_EQ(lines[2]["labels"], nlohmann::json::array()) << lines[2];
  EXPECT_EQ(lines[3]["probabilities"].size(), 3u);

  // The int8 copy keeps one sigmoid per label: the same chosen labels, probabilities close by.
  const std::vector<nlohmann::json> int8_lines = predict_int8(model, input);
  ASSERT_EQ(int8_lines.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(int8_lines[i]["labels"], lines[i]["labels"]) << i;
    for (const auto& [label, probability] : lines[i]["probabilities"].items()) {
      EXPECT_NEAR(int8_lines[i]["probabilities"][label].get<double>(), probability.get<double>(), 0.05) << i;
    }
  }

  const auto tf = model.post("/v1/models/topics:predict", {{"instances", kTopicTexts}});
  ASSERT_TRUE(tf);
  ASSERT_EQ(tf->status, 200) << tf->body;
  const nlohmann::json predictions = nlohmann::json::parse(tf->body)["predictions"];
  ASSERT_EQ(predictions.size(), kTopicTexts.size());
  for (std::size_t i = 0; i < kTopicTexts.size(); ++i) {
    std::size_t column = 0;
    for (const auto& [label, probability] : lines[i]["probabilities"].items()) {
      EXPECT_NEAR(predictions[i][column].get<float>(), probability.get<float>(), 1e-6) << i << " " << label;
      ++column;
    }
  }

  const auto classify = model.post("/v1/models/topics:classify", {{"examples", {{{"text", "today goal"}}}}});
  ASSERT_TRUE(classify);
  ASSERT_EQ(classify->status, 200) << classify->body;
  EXPECT_EQ(nlohmann::json::parse(classify->body)["results"][0].size(), 3u) << classify->body;

  const nlohmann::json v2_request = {
      {"inputs", {{{"name", "text"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {"today goal pizza"}}}}}};
  const auto v2 = model.post("/v2/models/topics/infer", v2_request);
  ASSERT_TRUE(v2);
  ASSERT_EQ(v2->status, 200) << v2->body;
  const nlohmann::json outputs = nlohmann::json::parse(v2->body)["outputs"];
  ASSERT_EQ(outputs.size(), 1u) << v2->body;
  EXPECT_EQ(outputs[0]["name"], "probabilities");
  EXPECT_EQ(outputs[0]["shape"], nlohmann::json({1, 3}));
  nlohmann::json asks_label = v2_request;
  asks_label["outputs"] = {{{"name", "label"}}};
  const auto rejected = model.post("/v2/models/topics/infer", asks_label);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 400) << rejected->body;
}

TEST(RegressionTask, TrainEvalPredictServe) {
  const TaskModel model("scores", config_yaml("regression", "scores.jsonl", "test_scores.jsonl", "score", "run", 60),
                        "scores.jsonl", regression_jsonl(4));
  ASSERT_EQ(model.trained().exit_code, 0) << model.trained().err;

  const RunResult eval = run_maas({"eval", model.model(), "--data", model.path("test_scores.jsonl"), "--json"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const nlohmann::json report = nlohmann::json::parse(eval.out);
  EXPECT_EQ(report["task"], "regression");
  EXPECT_EQ(report["examples"], 64);
  EXPECT_GE(report["r2"].get<double>(), 0.9) << eval.out;
  EXPECT_LE(report["mae"].get<double>(), 0.3) << eval.out;
  EXPECT_NEAR(report["loss"].get<double>(), report["mse"].get<double>(), 1e-12);

  const std::vector<std::string> texts = {"great great great great", "awful poor awful poor", "great poor superb awful"};
  std::string input;
  for (const std::string& text : texts) input += text + "\n";
  const RunResult predicted = run_maas({"predict", model.model()}, input);
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  const std::vector<nlohmann::json> lines = json_lines(predicted.out);
  ASSERT_EQ(lines.size(), texts.size());
  EXPECT_NEAR(lines[0]["value"].get<double>(), 4.0, 0.5) << lines[0];
  EXPECT_NEAR(lines[1]["value"].get<double>(), 0.0, 0.5) << lines[1];
  EXPECT_NEAR(lines[2]["value"].get<double>(), 2.0, 0.5) << lines[2];

  // The int8 copy keeps the linear output.
  const std::vector<nlohmann::json> int8_lines = predict_int8(model, input);
  ASSERT_EQ(int8_lines.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_NEAR(int8_lines[i]["value"].get<double>(), lines[i]["value"].get<double>(), 0.2) << i;
  }

  const auto tf = model.post("/v1/models/scores:predict", {{"instances", texts}});
  ASSERT_TRUE(tf);
  ASSERT_EQ(tf->status, 200) << tf->body;
  const nlohmann::json predictions = nlohmann::json::parse(tf->body)["predictions"];
  ASSERT_EQ(predictions.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(predictions[i].size(), 1u);
    EXPECT_NEAR(predictions[i][0].get<double>(), lines[i]["value"].get<double>(), 1e-5) << i;
  }

  const auto classify = model.post("/v1/models/scores:classify", {{"examples", {{{"text", "great"}}}}});
  ASSERT_TRUE(classify);
  EXPECT_EQ(classify->status, 400) << classify->body;
  EXPECT_NE(classify->body.find("regression"), std::string::npos) << classify->body;

  const nlohmann::json v2_request = {
      {"inputs", {{{"name", "text"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {texts[0]}}}}}};
  const auto v2 = model.post("/v2/models/scores/infer", v2_request);
  ASSERT_TRUE(v2);
  ASSERT_EQ(v2->status, 200) << v2->body;
  const nlohmann::json outputs = nlohmann::json::parse(v2->body)["outputs"];
  ASSERT_EQ(outputs.size(), 1u) << v2->body;
  EXPECT_EQ(outputs[0]["name"], "predictions");
  EXPECT_NEAR(outputs[0]["data"][0].get<double>(), lines[0]["value"].get<double>(), 1e-5);
}

TEST(RegressionTask, NonNumberLabelNamesFileLineValue) {
  TempDir dir;
  write_file(dir.path() + "/scores.jsonl", "{\"text\": \"a\", \"score\": 1}\n{\"text\": \"b\", \"score\": \"high\"}\n");
  write_file(dir.path() + "/config.yaml", config_yaml("regression", "scores.jsonl", "scores.jsonl", "score", "run", 1));
  const RunResult trained = run_maas({"train", dir.path() + "/config.yaml", "--no-progress"});
  EXPECT_NE(trained.exit_code, 0);
  EXPECT_NE(trained.err.find("scores.jsonl:2:"), std::string::npos) << trained.err;
  EXPECT_NE(trained.err.find("\"high\""), std::string::npos) << trained.err;
}

}  // namespace
}  // namespace maas::testing
