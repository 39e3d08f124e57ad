// End to end: a model with sequence layers trained by `maas train`, exported by
// `maas export --format onnx`, gives in ONNX Runtime the probabilities `maas predict` prints.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first `count` texts of the game_intents test set: everything before the last comma, with
// the quotes of quoted fields left in (the tokenizer filters them out).
std::vector<std::string> test_texts(std::size_t count) {
  std::ifstream in(MAAS_SOURCE_DIR "/data/game_intents/test.csv");
  std::vector<std::string> texts;
  std::string line;
  std::getline(in, line);  // header
  while (texts.size() < count && std::getline(in, line)) texts.push_back(line.substr(0, line.rfind(',')));
  return texts;
}

struct CliCase {
  const char* name;
  const char* tokenizer_yaml;
  const char* layers_yaml;
};

TEST(OnnxExportCli, GraphMatchesPredictForSequenceLayers) {
  if (std::system("python3 -c 'import onnxruntime, onnx, numpy' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "the Python packages onnxruntime, onnx and numpy are missing; "
                    "install them with 'pip install onnxruntime onnx numpy' (.ci/run does)";
  }
  const std::vector<CliCase> cases = {
      {"conv1d and bidirectional lstm, post padding", "{max_length: 16, padding: post, truncating: post}",
       "    - conv1d: {filters: 8, kernel_size: 3, activation: relu, padding: same}\n"
       "    - lstm: {units: 6, bidirectional: true, return_sequences: true}\n"
       "    - global_max_pooling1d: {mask: true}\n"},
      {"gru, transformer and layer normalization, pre padding", "{max_length: 16, padding: pre}",
       "    - gru: {units: 8, return_sequences: true}\n"
       "    - transformer_encoder: {num_heads: 2, ff_dim: 16}\n"
       "    - global_average_pooling1d: {mask: true}\n"
       "    - layer_normalization: {}\n"},
  };
  std::vector<std::string> texts = test_texts(40);
  texts.insert(texts.end(), {"", "zzzz unknown qqqq", "WTB MANA POTION!!!"});
  std::string input;
  for (const std::string& text : texts) input += text + "\n";

  for (const CliCase& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir workspace;
    const fs::path dir = workspace.path();
    const fs::path config = dir / "experiment.yaml";
    std::ofstream(config) << "data: {train: " MAAS_SOURCE_DIR "/data/game_intents/train.csv}\n"
                          << "tokenizer: " << c.tokenizer_yaml << "\n"
                          << "model:\n  layers:\n    - embedding: {dim: 8}\n"
                          << c.layers_yaml << "    - dense: {activation: auto}\n"
                          << "training: {epochs: 2, seed: 3}\n"
                          << "output: " << (dir / "run").string() << "\n";
    const RunResult trained = run_maas({"train", config.string(), "--no-progress"});
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
    const std::string model = (dir / "run" / "model").string();

    const RunResult predicted = run_maas({"predict", model}, input);
    ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
    const RunResult encoded = run_maas({"tokenize", "encode", "--model", model}, input);
    ASSERT_EQ(encoded.exit_code, 0) << encoded.err;
    const RunResult exported = run_maas({"export", model, "--format", "onnx", "--output", (dir / "onnx").string()});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;

    // The probabilities in the order of labels.json, beside the ids the graph takes.
    std::ifstream labels_file(dir / "onnx" / "labels.json");
    const nlohmann::json labels = nlohmann::json::parse(labels_file)["labels"];
    const std::vector<std::string> prediction_lines = split_lines(predicted.out);
    const std::vector<std::string> id_lines = split_lines(encoded.out);
    ASSERT_EQ(prediction_lines.size(), texts.size());
    ASSERT_EQ(id_lines.size(), texts.size());
    nlohmann::json comparison = {{"tolerance", 1e-5}};
    for (std::size_t row = 0; row < texts.size(); ++row) {
      const nlohmann::json prediction = nlohmann::json::parse(prediction_lines[row]);
      std::vector<double> probabilities;
      for (const std::string label : labels) probabilities.push_back(prediction["probabilities"][label].get<double>());
      comparison["probabilities"].push_back(probabilities);
      std::istringstream ids_line(id_lines[row]);
      std::vector<std::int64_t> ids;
      for (std::int64_t id = 0; ids_line >> id;) ids.push_back(id);
      comparison["ids"].push_back(ids);
    }
    std::ofstream(dir / "cases.json") << comparison.dump();

    const std::string command = "python3 " MAAS_SOURCE_DIR "/tests/io/onnx_runtime_check.py " +
                                (dir / "onnx" / "model.onnx").string() + " " + (dir / "cases.json").string() + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string report;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) report += buffer;
    EXPECT_EQ(::pclose(pipe), 0) << report;
    std::cout << c.name << ": " << report;
  }
}

}  // namespace
}  // namespace maas::testing
