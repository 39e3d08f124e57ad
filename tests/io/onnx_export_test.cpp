#include "core/io/onnx_export.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
#include "core/io/inference_encoder.h"
#include "tests/io/onnx_runtime.h"
#include "tests/io/temp_dir_test.h"

namespace maas::io {
namespace {

namespace fs = std::filesystem;

// The text column of a data/game_intents CSV file: everything before the last comma, with the
// quotes of quoted fields left in (the tokenizer filters them out).
std::vector<std::string> game_intent_texts(const char* file) {
  std::ifstream in(fs::path(MAAS_SOURCE_DIR) / "data" / "game_intents" / file);
  std::vector<std::string> texts;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) texts.push_back(line.substr(0, line.rfind(',')));
  return texts;
}

text::TextEncoder game_intent_encoder(text::PadOptions padding) {
  text::TokenizerOptions options;
  options.oov_token = "<oov>";
  text::WordTokenizer tokenizer(options);
  tokenizer.fit_on_texts(game_intent_texts("train.csv"));
  return text::TextEncoder(std::move(tokenizer), padding);
}

// A model with the architecture `layers_json` ("%d" is the vocabulary size) and initial weights
// from `seed`, with non-zero biases so that the comparison covers them.
Model make_model(const std::string& layers_json, const text::TextEncoder& encoder,
                 std::vector<std::string> labels, std::uint64_t seed, Task task = Task::kClassification) {
  char architecture[1024];
  std::snprintf(architecture, sizeof architecture, layers_json.c_str(), encoder.vocab_size());
  nn::Sequential network = nn::Sequential::from_json(nlohmann::json::parse(architecture));
  network.initialize(seed);
  for (nn::Parameter& parameter : network.parameters()) {
    if (!parameter.name.ends_with(".bias")) continue;
    for (std::int64_t i = 0; i < parameter.value.numel(); ++i) {
      parameter.value.data<float>()[i] = 0.05f * static_cast<float>(i % 5) - 0.1f;
    }
  }
  ModelManifest manifest;
  manifest.name = "intents";
  manifest.labels = std::move(labels);
  manifest.task = task;
  return Model{manifest, std::move(network), encoder};
}

using OnnxExportTest = TempDirTest;

const char* kSoftmaxLayers = R"({"layers": [
    {"type": "embedding", "input_dim": %d, "output_dim": 16},
    {"type": "global_average_pooling1d", "mask": true},
    {"type": "dense", "units": 16, "activation": "relu"},
    {"type": "dropout", "rate": 0.3},
    {"type": "dense", "units": 6, "activation": "softmax"}]})";

const char* kSigmoidLayers = R"({"layers": [
    {"type": "embedding", "input_dim": %d, "output_dim": 8},
    {"type": "global_average_pooling1d", "mask": false},
    {"type": "dense", "units": 8, "activation": "tanh"},
    {"type": "dense", "units": 1, "activation": "sigmoid"}]})";

// One sigmoid unit per label (multi_label) and one linear unit (regression).
const char* kMultiLabelLayers = R"({"layers": [
    {"type": "embedding", "input_dim": %d, "output_dim": 8},
    {"type": "global_average_pooling1d", "mask": true},
    {"type": "dense", "units": 3, "activation": "sigmoid"}]})";

const char* kSingleSigmoidLayers = R"({"layers": [
    {"type": "embedding", "input_dim": %d, "output_dim": 8},
    {"type": "global_average_pooling1d", "mask": true},
    {"type": "dense", "units": 1, "activation": "sigmoid"}]})";

const char* kRegressionLayers = R"({"layers": [
    {"type": "embedding", "input_dim": %d, "output_dim": 8},
    {"type": "global_average_pooling1d", "mask": true},
    {"type": "dense", "units": 8, "activation": "relu"},
    {"type": "dense", "units": 1, "activation": "linear"}]})";

const std::vector<std::string> kIntentLabels = {"attack", "greeting", "help_request", "insult", "quest", "trade"};

TEST_F(OnnxExportTest, GraphHasDocumentedInterface) {
  const Model model = make_model(kSoftmaxLayers, game_intent_encoder({12}), kIntentLabels, 1);
  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(onnx_model_bytes(model)));
  ASSERT_EQ(proto.opset_import_size(), 1);
  EXPECT_GE(proto.opset_import(0).version(), 13);
  ASSERT_EQ(proto.graph().input_size(), 1);
  EXPECT_EQ(proto.graph().input(0).name(), "ids");
  EXPECT_EQ(proto.graph().input(0).type().tensor_type().elem_type(), onnx::TensorProto::INT64);
  EXPECT_EQ(proto.graph().input(0).type().tensor_type().shape().dim_size(), 2);
  ASSERT_EQ(proto.graph().output_size(), 1);
  EXPECT_EQ(proto.graph().output(0).name(), "probabilities");
  EXPECT_EQ(proto.graph().output(0).type().tensor_type().shape().dim(1).dim_value(), 6);
  bool kernel_found = false;
  for (const onnx::TensorProto& initializer : proto.graph().initializer()) {
    if (initializer.name() == "layers.2.dense.kernel") {
      kernel_found = true;
      EXPECT_EQ(initializer.dims(0), 16);  // [units, in], used by Gemm with transB = 1
      EXPECT_EQ(initializer.dims(1), 16);
    }
  }
  EXPECT_TRUE(kernel_found);
}

TEST_F(OnnxExportTest, ExportWritesModelTokenizerAndLabels) {
  const Model model = make_model(kSoftmaxLayers, game_intent_encoder({12}), kIntentLabels, 1);
  const fs::path written = export_onnx(model, root_ / "onnx");
  EXPECT_EQ(written, root_ / "onnx" / "model.onnx");
  EXPECT_TRUE(fs::exists(written));
  const text::TextEncoder reread =
      text::TextEncoder::from_json(nlohmann::json::parse(read_file(root_ / "onnx" / "tokenizer.json")));
  EXPECT_EQ(reread.encode("wtb mana potion"), model.encoder.encode("wtb mana potion"));
  EXPECT_EQ(nlohmann::json::parse(read_file(root_ / "onnx" / "labels.json"))["labels"], kIntentLabels);
}

TEST_F(OnnxExportTest, Version3ModelKeepsInferenceTokenizer) {
  Model model = make_model(kSoftmaxLayers, game_intent_encoder({12}), kIntentLabels, 1);
  model.inference_tokenizer = true;
  export_onnx(model, root_ / "onnx");
  const nlohmann::json tokenizer = nlohmann::json::parse(read_file(root_ / "onnx" / "tokenizer.json"));
  EXPECT_EQ(tokenizer["format"], kInferenceEncoderFormat);
  EXPECT_EQ(inference_encoder_from_json(tokenizer).encode("wtb mana potion"), model.encoder.encode("wtb mana potion"));
}

TEST_F(OnnxExportTest, RejectsTokenizerIdsOutsideEmbedding) {
  const text::TextEncoder encoder = game_intent_encoder({12});
  Model model = make_model(kSoftmaxLayers, encoder, kIntentLabels, 1);
  // An embedding with fewer rows than the vocabulary, as a hand-edited artifact could have.
  model.network = nn::Sequential::from_json(nlohmann::json::parse(R"({"layers": [
      {"type": "embedding", "input_dim": 10, "output_dim": 4},
      {"type": "global_average_pooling1d", "mask": true},
      {"type": "dense", "units": 6, "activation": "softmax"}]})"));
  try {
    onnx_model_bytes(model);
    FAIL() << "exported a model whose ids overflow the embedding";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("only 10 rows"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(encoder.vocab_size())), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(root_ / "refused"));
  EXPECT_THROW(export_onnx(model, root_ / "refused"), InvalidArgument);
  EXPECT_FALSE(fs::exists(root_ / "refused"));
}

struct RuntimeCase {
  const char* name;
  const char* layers;
  std::vector<std::string> labels;
  text::PadOptions padding;
  Task task = Task::kClassification;
};

TEST_F(OnnxExportTest, TaskOutputsKeepNetworkColumns) {
  const text::TextEncoder encoder = game_intent_encoder({12});
  const std::vector<std::tuple<const char*, Task, const char*, int>> cases = {
      {kSingleSigmoidLayers, Task::kMultiLabel, "probabilities", 1},
      {kMultiLabelLayers, Task::kMultiLabel, "probabilities", 3},
      {kRegressionLayers, Task::kRegression, "predictions", 1},
  };
  for (const auto& [layers, task, output, columns] : cases) {
    SCOPED_TRACE(output);
    const Model model = make_model(layers, encoder, std::vector<std::string>(static_cast<std::size_t>(columns), "x"), 1, task);
    onnx::ModelProto proto;
    ASSERT_TRUE(proto.ParseFromString(onnx_model_bytes(model)));
    ASSERT_EQ(proto.graph().output_size(), 1);
    EXPECT_EQ(proto.graph().output(0).name(), output);
    EXPECT_EQ(proto.graph().output(0).type().tensor_type().shape().dim(1).dim_value(), columns);
    bool task_found = false;
    for (const auto& entry : proto.metadata_props()) {
      if (entry.key() == "maas.task") task_found = entry.value() == task_name(task);
    }
    EXPECT_TRUE(task_found);
  }
}

// Runs each exported model in ONNX Runtime on the game_intents test texts (and a few edge cases)
// and compares with maas's own probabilities.
TEST_F(OnnxExportTest, OnnxRuntimeMatchesMaasWithin1e5) {
  if (!onnxruntime_available()) {
    GTEST_SKIP() << kOnnxRuntimeMissing;
  }
  std::vector<std::string> texts = game_intent_texts("test.csv");
  texts.insert(texts.end(), {"", "zzzz unknown qqqq", "WTB MANA POTION!!!"});

  const std::vector<RuntimeCase> cases = {
      {"softmax, masked pooling", kSoftmaxLayers, kIntentLabels, {16}},
      {"sigmoid, unmasked pooling, post padding", kSigmoidLayers, {"calm", "toxic"},
       {8, text::PadSide::kPost, text::PadSide::kPost, 0}},
      {"multi-label sigmoid per label", kMultiLabelLayers, {"trade", "quest", "help"}, {16}, Task::kMultiLabel},
      {"regression, linear output", kRegressionLayers, {"score"}, {16}, Task::kRegression},
  };
  for (const RuntimeCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Model model = make_model(c.layers, game_intent_encoder(c.padding), c.labels, 5, c.task);
    const CommandResult result = compare_with_onnx_runtime(model, texts, root_ / "onnx");
    EXPECT_EQ(result.status, 0) << result.output;
    std::cout << c.name << ": " << result.output;
  }
}

}  // namespace
}  // namespace maas::io
