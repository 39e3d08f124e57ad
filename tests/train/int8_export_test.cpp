// int8 export of every sequence architecture maas trains: a tiny model is trained on data the
// test writes, exported with --quantize int8, loaded back and compared with the float model.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/infer/predictor.h"
#include "core/io/artifact.h"
#include "core/io/export.h"
#include "core/io/file_io.h"
#include "core/io/safetensors.h"
#include "core/io/sha256.h"
#include "core/train/trainer.h"

namespace maas::train {
namespace {

namespace fs = std::filesystem;

// Largest difference allowed between a float and an int8 probability. Each int8 weight is off by
// at most half a step, max |w| / 254 of its channel (0.4 % of the channel's largest weight), and
// these models saw at most 0.0006 (bilstm); 0.01 leaves room for other seeds and thread counts.
constexpr float kMaxProbabilityDelta = 0.01f;
// Minimum share of rows whose top class must agree: rows near a decision boundary may flip.
constexpr double kMinArgmaxAgreement = 0.95;

// Three intents keyed by one of their words among filler words, so that every architecture
// learns them in a few epochs. Texts vary in length, so padding is exercised.
std::string make_dataset(int rows, unsigned seed) {
  const std::vector<std::vector<std::string>> keys = {
      {"sell", "trade", "buy"}, {"raid", "boss", "dungeon"}, {"hello", "hi", "greetings"}};
  const std::vector<std::string> labels = {"trade", "raid", "greet"};
  const std::vector<std::string> filler = {"the", "a", "now", "guild", "team", "please", "today", "my",
                                           "your", "gold", "sword", "at", "come", "with", "me", "fast"};
  std::mt19937 rng(seed);
  std::string csv = "text,label\n";
  for (int row = 0; row < rows; ++row) {
    const std::size_t label = rng() % labels.size();
    const int length = 2 + static_cast<int>(rng() % 7);
    const int key_at = static_cast<int>(rng() % static_cast<unsigned>(length));
    std::string text;
    for (int w = 0; w < length; ++w) {
      if (!text.empty()) text += ' ';
      text += w == key_at ? keys[label][rng() % keys[label].size()] : filler[rng() % filler.size()];
    }
    csv += text + "," + labels[label] + "\n";
  }
  return csv;
}

// Returns the bytes of tensor data in a safetensors file: its size less the 8-byte header length
// and the JSON header.
std::uint64_t tensor_data_bytes(const fs::path& file) {
  const std::string bytes = io::read_regular_file(file, std::uint64_t{1} << 30);
  std::uint64_t header = 0;
  for (int i = 7; i >= 0; --i) header = (header << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  return bytes.size() - 8 - header;
}

std::uint64_t folder_bytes(const fs::path& dir) {
  std::uint64_t total = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) total += entry.file_size();
  return total;
}

struct Architecture {
  std::string name;
  std::string layers;  // YAML list items under model.layers
  // Parameters stored as int8 beyond the embedding table and the output kernel.
  std::vector<std::string> int8_tensors;
};

const std::vector<Architecture>& architectures() {
  static const std::vector<Architecture> kArchitectures = {
      {"conv",
       "    - embedding: {dim: 16}\n"
       "    - conv1d: {filters: 16, kernel_size: 3, activation: relu, padding: same}\n"
       "    - global_max_pooling1d: {mask: true}\n"
       "    - dense: {units: 16, activation: relu}\n"
       "    - dense: {activation: auto}\n",
       {"layers.1.conv1d.kernel", "layers.3.dense.kernel"}},
      {"gru",
       "    - embedding: {dim: 16}\n"
       "    - gru: {units: 16}\n"
       "    - layer_normalization: {}\n"
       "    - dense: {activation: auto}\n",
       {"layers.1.gru.kernel", "layers.1.gru.recurrent_kernel"}},
      {"bilstm",
       "    - embedding: {dim: 16}\n"
       "    - lstm: {units: 12, bidirectional: true, return_sequences: true}\n"
       "    - global_max_pooling1d: {mask: true}\n"
       "    - dense: {activation: auto}\n",
       {"layers.1.lstm.kernel", "layers.1.lstm.recurrent_kernel"}},
      {"transformer",
       "    - embedding: {dim: 16}\n"
       "    - transformer_encoder: {num_heads: 2, ff_dim: 32}\n"
       "    - global_average_pooling1d: {mask: true}\n"
       "    - dense: {activation: auto}\n",
       {"layers.1.transformer_encoder.query_kernel", "layers.1.transformer_encoder.key_kernel",
        "layers.1.transformer_encoder.value_kernel", "layers.1.transformer_encoder.output_kernel",
        "layers.1.transformer_encoder.ff1_kernel", "layers.1.transformer_encoder.ff2_kernel"}},
  };
  return kArchitectures;
}

class Int8ExportTest : public ::testing::TestWithParam<Architecture> {
 protected:
  void SetUp() override {
    char name[] = "/tmp/maas-int8-export-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    root_ = name;
    io::write_file_atomic(root_ / "train.csv", make_dataset(600, 7));
    test_csv_ = make_dataset(200, 11);
    const std::string yaml =
        "data: {train: train.csv, text_column: text, label_column: label}\n"
        "tokenizer: {max_length: 12}\n"
        "model:\n"
        "  layers:\n" +
        GetParam().layers +
        "training: {optimizer: {name: adam, learning_rate: 0.01}, epochs: 4, batch_size: 32, seed: 3, threads: 1}\n"
        "output: run\n";
    const config::ExperimentConfig config = config::parse_config(yaml, (root_ / "experiment.yaml").string());
    TrainOptions options;
    options.show_progress = false;
    float_model_ = train_experiment(config, options).model_dir;
    int8_model_ = io::export_to_repository(float_model_, root_ / "repo", "", 1, true);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> test_texts() const {
    std::vector<std::string> texts;
    std::size_t start = test_csv_.find('\n') + 1;
    while (start < test_csv_.size()) {
      const std::size_t end = test_csv_.find('\n', start);
      const std::string line = test_csv_.substr(start, end - start);
      texts.push_back(line.substr(0, line.rfind(',')));
      start = end + 1;
    }
    return texts;
  }

  fs::path root_;
  std::string test_csv_;
  fs::path float_model_;
  fs::path int8_model_;
};

TEST_P(Int8ExportTest, StoresKernelsAsInt8) {
  const io::ModelManifest manifest = io::read_manifest(int8_model_);
  EXPECT_EQ(manifest.format_version, io::kInferenceTokenizerFormatVersion);
  const std::vector<std::string> listed = manifest.quantization["tensors"].get<std::vector<std::string>>();
  std::vector<std::string> expected = GetParam().int8_tensors;
  expected.push_back("layers.0.embedding.embeddings");
  for (const std::string& tensor : expected) {
    EXPECT_NE(std::find(listed.begin(), listed.end(), tensor), listed.end()) << tensor;
  }
  const io::SafetensorsContents contents = io::decode_safetensors_with_int8(
      io::read_regular_file(int8_model_ / io::kWeightsFile, std::uint64_t{1} << 30), "test");
  EXPECT_EQ(contents.int8_tensors.size(), listed.size());
  // Every float32 tensor is a scales tensor or a parameter kept float (biases, layer-norm gamma and beta).
  for (const auto& [name, tensor] : contents.tensors) {
    EXPECT_TRUE(name.ends_with(io::kScalesSuffix) || !io::int8_scales_shape(name, tensor.shape())) << name;
  }
}

TEST_P(Int8ExportTest, PredictionsCloseToFloat) {
  const auto float_predictor = infer::Predictor::load(float_model_);
  const auto int8_predictor = infer::Predictor::load(int8_model_);
  // Sequence layers run on the float network with the dequantized weights.
  EXPECT_FALSE(int8_predictor->quantized());
  const std::vector<std::string> texts = test_texts();
  const infer::Probabilities expected = float_predictor->predict(texts);
  const infer::Probabilities actual = int8_predictor->predict(texts);
  ASSERT_EQ(actual.size(), expected.size());
  float max_delta = 0.0f;
  std::size_t agree = 0;
  for (std::size_t row = 0; row < texts.size(); ++row) {
    ASSERT_EQ(actual[row].size(), expected[row].size());
    for (std::size_t c = 0; c < actual[row].size(); ++c) {
      max_delta = std::max(max_delta, std::fabs(actual[row][c] - expected[row][c]));
    }
    if (infer::top_class(actual[row]) == infer::top_class(expected[row])) ++agree;
  }
  const double agreement = static_cast<double>(agree) / static_cast<double>(texts.size());
  RecordProperty("max_probability_delta", std::to_string(max_delta));
  RecordProperty("argmax_agreement", std::to_string(agreement));
  EXPECT_LE(max_delta, kMaxProbabilityDelta);
  EXPECT_GE(agreement, kMinArgmaxAgreement);
}

TEST_P(Int8ExportTest, FolderSmallerThanFloat) {
  const double folder_ratio =
      static_cast<double>(folder_bytes(float_model_)) / static_cast<double>(folder_bytes(int8_model_));
  const double weights_ratio = static_cast<double>(tensor_data_bytes(float_model_ / io::kWeightsFile)) /
                               static_cast<double>(tensor_data_bytes(int8_model_ / io::kWeightsFile));
  RecordProperty("folder_ratio", std::to_string(folder_ratio));
  RecordProperty("weights_ratio", std::to_string(weights_ratio));
  // An int8 row of 16 weights takes 16 bytes plus a 4-byte scale against 64 bytes in float32
  // (3.2 times), and the float biases and layer-norm parameters weigh more in models this small.
  // The folder also contains the manifest with the training config, which does not shrink.
  EXPECT_GT(weights_ratio, 2.5);
  EXPECT_GT(folder_ratio, 1.2);
}

// Rewrites weights.safetensors through `edit` and records the new checksum, so that the damage
// reaches the tensor checks instead of stopping at the SHA-256 check.
void edit_weights(const fs::path& model, const std::function<void(io::SafetensorsContents&)>& edit) {
  io::SafetensorsContents contents = io::decode_safetensors_with_int8(
      io::read_regular_file(model / io::kWeightsFile, std::uint64_t{1} << 30), "test");
  edit(contents);
  std::vector<io::NamedTensor> named;
  for (const auto& [name, tensor] : contents.tensors) named.push_back({name, &tensor});
  std::vector<io::NamedInt8Tensor> int8_named;
  for (const auto& [name, tensor] : contents.int8_tensors) int8_named.push_back({name, &tensor});
  const std::string bytes = io::encode_safetensors(named, int8_named, {{"format", "pt"}});
  io::write_file_atomic(model / io::kWeightsFile, bytes);
  const fs::path manifest_file = model / io::kManifestFile;
  nlohmann::json manifest =
      nlohmann::json::parse(io::read_regular_file(manifest_file, std::uint64_t{1} << 30));
  manifest["files"][std::string(io::kWeightsFile)] = io::sha256_hex(bytes);
  io::write_file_atomic(manifest_file, manifest.dump(2));
}

TEST_P(Int8ExportTest, DamagedLayerTensorsAreRejected) {
  const std::string tensor = GetParam().int8_tensors.front();
  const fs::path pristine = root_ / "pristine";
  fs::copy(int8_model_, pristine, fs::copy_options::recursive);
  struct Damage {
    const char* name;
    std::function<void(io::SafetensorsContents&)> edit;
    std::string message_part;
  };
  const std::vector<Damage> cases = {
      {"missing int8 tensor", [&](io::SafetensorsContents& c) { c.int8_tensors.erase(tensor); },
       "no int8 tensor '" + tensor + "'"},
      {"int8 tensor flattened",
       [&](io::SafetensorsContents& c) {
         io::Int8Tensor& values = c.int8_tensors.at(tensor);
         values.shape = {static_cast<std::int64_t>(values.values.size())};
       },
       "tensor '" + tensor + "' has shape"},
      {"scales of another shape",
       [&](io::SafetensorsContents& c) {
         // A rank-3 kernel gets one scale per leading index, the layout of rank-2 tensors; a
         // rank-2 kernel gets one scale too many.
         const std::vector<std::int64_t>& shape = c.int8_tensors.at(tensor).shape;
         Tensor scales({shape.size() == 3 ? shape[0] : shape[0] + 1}, DType::kFloat32);
         scales.fill(1.0f);
         c.tensors.at(tensor + ".scales") = std::move(scales);
       },
       "tensor '" + tensor + ".scales' is float32"},
      {"missing scales", [&](io::SafetensorsContents& c) { c.tensors.erase(tensor + ".scales"); },
       "no tensor '" + tensor + ".scales'"},
  };
  for (const Damage& c : cases) {
    SCOPED_TRACE(c.name);
    fs::remove_all(int8_model_);
    fs::copy(pristine, int8_model_, fs::copy_options::recursive);
    edit_weights(int8_model_, c.edit);
    try {
      io::load_artifact(int8_model_);
      ADD_FAILURE() << "damaged artifact loaded";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(io::kWeightsFile), std::string::npos) << e.what();
    }
  }
}

TEST_P(Int8ExportTest, FloatParameterListedAsInt8Rejected) {
  const io::SafetensorsContents contents = io::decode_safetensors_with_int8(
      io::read_regular_file(int8_model_ / io::kWeightsFile, std::uint64_t{1} << 30), "test");
  std::string float_parameter;
  for (const auto& [name, tensor] : contents.tensors) {
    if (!name.ends_with(io::kScalesSuffix)) float_parameter = name;
  }
  ASSERT_FALSE(float_parameter.empty());
  const fs::path manifest_file = int8_model_ / io::kManifestFile;
  nlohmann::json manifest = nlohmann::json::parse(io::read_regular_file(manifest_file, std::uint64_t{1} << 30));
  manifest["quantization"]["tensors"].push_back(float_parameter);
  io::write_file_atomic(manifest_file, manifest.dump(2));
  try {
    io::load_artifact(int8_model_);
    FAIL() << "loaded an artifact that lists " << float_parameter << " as int8";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("lists '" + float_parameter + "' as int8, but maas keeps that parameter "
                                         "float32"),
              std::string::npos)
        << e.what();
  }
}

TEST_P(Int8ExportTest, CorruptedInt8BytesFailChecksum) {
  const fs::path weights = int8_model_ / io::kWeightsFile;
  std::string bytes = io::read_regular_file(weights, std::uint64_t{1} << 30);
  bytes[bytes.size() - 1] = static_cast<char>(bytes.back() ^ 0x01);
  io::write_file_atomic(weights, bytes);
  try {
    io::load_artifact(int8_model_);
    FAIL() << "corrupted artifact loaded";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("is corrupted: SHA-256"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(SequenceLayers, Int8ExportTest, ::testing::ValuesIn(architectures()),
                         [](const ::testing::TestParamInfo<Architecture>& info) { return info.param.name; });

}  // namespace
}  // namespace maas::train
