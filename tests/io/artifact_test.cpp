#include "core/io/artifact.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
#include "core/io/inference_encoder.h"
#include "core/io/safetensors.h"
#include "core/io/sha256.h"

namespace maas::io {
namespace {

namespace fs = std::filesystem;

nn::Sequential small_network() {
  nn::Sequential network = nn::Sequential::from_json(nlohmann::json::parse(R"({"layers": [
      {"type": "embedding", "input_dim": 6, "output_dim": 4},
      {"type": "global_average_pooling1d", "mask": true},
      {"type": "dense", "units": 3, "activation": "softmax"}]})"));
  network.initialize(7);
  return network;
}

text::TextEncoder small_encoder() {
  text::WordTokenizer tokenizer;
  tokenizer.fit_on_texts({"gg wp", "buy sword", "gg"});
  return text::TextEncoder(std::move(tokenizer), text::PadOptions{5});
}

// Rewrites the manifest of `model` through `edit`, keeping the file valid JSON.
void edit_manifest(const fs::path& model, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json manifest = nlohmann::json::parse(read_file(model / kManifestFile));
  edit(manifest);
  write_file_atomic(model / kManifestFile, manifest.dump());
}

// Rewrites tokenizer.json of `model` through `edit` and records the new checksum, so the damage
// reaches the tokenizer checks instead of stopping at the SHA-256 check.
void edit_tokenizer(const fs::path& model, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json tokenizer = nlohmann::json::parse(read_file(model / kTokenizerFile));
  edit(tokenizer);
  const std::string bytes = tokenizer.dump();
  write_file_atomic(model / kTokenizerFile, bytes);
  edit_manifest(model, [&](nlohmann::json& m) { m["files"][std::string(kTokenizerFile)] = sha256_hex(bytes); });
}

// Rewrites the JSON header of weights.safetensors through `edit`, keeping the data bytes and
// appending `appended` to them, and records the new checksum.
void edit_weights_header(const fs::path& model, const std::function<void(nlohmann::json&)>& edit,
                         std::string_view appended = "") {
  const std::string bytes = read_file(model / kWeightsFile);
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  nlohmann::json header = nlohmann::json::parse(bytes.substr(8, header_size));
  edit(header);
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');
  const std::uint64_t new_size = header_text.size();
  std::string out(reinterpret_cast<const char*>(&new_size), 8);
  out += header_text;
  out += bytes.substr(8 + header_size);
  out += appended;
  write_file_atomic(model / kWeightsFile, out);
  edit_manifest(model, [&](nlohmann::json& m) { m["files"][std::string(kWeightsFile)] = sha256_hex(out); });
}

// Replaces `file` with a symbolic link to `target`.
void replace_with_symlink(const fs::path& file, const fs::path& target) {
  fs::remove(file);
  fs::create_symlink(target, file);
}

// Replaces `file` with a FIFO that nothing writes to; reading it would block.
void replace_with_fifo(const fs::path& file) {
  fs::remove(file);
  ASSERT_EQ(::mkfifo(file.c_str(), 0644), 0) << std::strerror(errno);
}

class ArtifactTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/maas-artifact-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    root_ = name;
    model_ = root_ / "model";
    ModelManifest manifest;
    manifest.name = "intents";
    manifest.labels = {"greet", "trade", "other"};
    manifest.training = {{"metrics", {{"accuracy", 0.5}}}};
    save_artifact(model_, manifest, network_, encoder_);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  fs::path model_;
  nn::Sequential network_ = small_network();
  text::TextEncoder encoder_ = small_encoder();
};

TEST_F(ArtifactTest, RoundTripGivesSamePredictions) {
  const Model loaded = load_artifact(model_);
  EXPECT_EQ(loaded.manifest.name, "intents");
  EXPECT_EQ(loaded.manifest.labels, (std::vector<std::string>{"greet", "trade", "other"}));
  EXPECT_EQ(loaded.manifest.format_version, kArtifactFormatVersion);
  EXPECT_EQ(loaded.manifest.training["metrics"]["accuracy"], 0.5);
  Tensor ids({2, 5}, DType::kInt32);
  const std::vector<int32_t> first = encoder_.encode("gg wp"), second = encoder_.encode("buy sword");
  std::copy(first.begin(), first.end(), ids.data<int32_t>());
  std::copy(second.begin(), second.end(), ids.data<int32_t>() + 5);
  const Tensor expected = network_.predict(ids);
  const Tensor actual = loaded.network.predict(ids);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(actual.data<float>()[i], expected.data<float>()[i]);
  EXPECT_EQ(loaded.encoder.encode("gg wp"), first);
}

TEST_F(ArtifactTest, SaveLeavesOnlyTheModelFolder) {
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(root_)) ++entries;
  EXPECT_EQ(entries, 1u);
  EXPECT_TRUE(fs::exists(model_ / kWeightsFile));
}

struct DamageCase {
  const char* name;
  std::function<void(const fs::path&)> damage;
  const char* message_part;
};

TEST_F(ArtifactTest, DamagedArtifactsAreRejectedWithCause) {
  const fs::path pristine = root_ / "pristine";
  fs::copy(model_, pristine, fs::copy_options::recursive);
  const std::vector<DamageCase> cases = {
      {"truncated weights",
       [](const fs::path& model) { fs::resize_file(model / kWeightsFile, fs::file_size(model / kWeightsFile) - 8); },
       "weights.safetensors' is corrupted"},
      {"wrong checksum",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["files"]["tokenizer.json"] = std::string(64, '0'); }); },
       "tokenizer.json' is corrupted"},
      {"wrong shape",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["architecture"]["layers"][0]["output_dim"] = 5; }); },
       "expects [6, 5]"},
      {"unknown format version",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["format_version"] = 99; }); },
       "format version 99"},
      {"label count mismatch",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["labels"] = {"a", "b", "c", "d"}; }); },
       "4 labels"},
      {"missing manifest", [](const fs::path& model) { fs::remove(model / kManifestFile); }, "not a maas model"},
      {"manifest not JSON", [](const fs::path& model) { write_file_atomic(model / kManifestFile, "{oops"); }, "not valid JSON"},
      {"missing weights", [](const fs::path& model) { fs::remove(model / kWeightsFile); }, "weights.safetensors"},
      {"not a maas manifest",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["format"] = "keras"; }); },
       "not a maas model manifest"},
      {"duplicate label",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["labels"] = {"greet", "trade", "greet"}; }); },
       "lists \"greet\" twice (again at position 2)"},
      {"empty label",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["labels"] = {"greet", "", "other"}; }); },
       "empty label at position 1"},
      {"sigmoid output on 3 classes",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["architecture"]["layers"][2]["activation"] = "sigmoid"; }); },
       "output layer 'dense' with 3 units and activation 'sigmoid'"},
      {"linear output",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["architecture"]["layers"][2]["activation"] = "linear"; }); },
       "expected softmax with 3 units"},
      {"fractional format version",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["format_version"] = 1.5; }); },
       "field 'format_version' is 1.5, expected an integer"},
      {"overlapping tensors",
       [](const fs::path& model) { edit_weights_header(model, [](nlohmann::json& h) {
         h["layers.2.dense.bias"]["data_offsets"] = {0, 12};
       }); },
       "overlaps tensor"},
      // The data is 156 bytes: embeddings [0, 96], kernel [96, 144], bias [144, 156].
      {"gap between tensors",
       [](const fs::path& model) { edit_weights_header(model, [](nlohmann::json& h) {
         h["layers.2.dense.bias"]["data_offsets"] = {0, 12};
         h["layers.0.embedding.embeddings"]["data_offsets"] = {16, 112};
         h["layers.2.dense.kernel"]["data_offsets"] = {112, 160};
       }, std::string(4, '\0')); },
       "data bytes [12, 16] that no tensor covers"},
      {"bytes after the last tensor",
       [](const fs::path& model) { edit_weights_header(model, [](nlohmann::json&) {}, std::string(4, '\0')); },
       "data bytes [156, 160] after the last tensor"},
      {"weights symlink to /dev/zero",
       [](const fs::path& model) { replace_with_symlink(model / kWeightsFile, "/dev/zero"); },
       "weights.safetensors' is a character device, expected a regular file"},
      {"weights FIFO",
       [](const fs::path& model) { replace_with_fifo(model / kWeightsFile); },
       "weights.safetensors' is a FIFO, expected a regular file"},
      {"tokenizer FIFO",
       [](const fs::path& model) { replace_with_fifo(model / kTokenizerFile); },
       "tokenizer.json' is a FIFO, expected a regular file"},
      {"manifest symlink to /dev/zero",
       [](const fs::path& model) { replace_with_symlink(model / kManifestFile, "/dev/zero"); },
       "manifest.json' is a character device"},
      {"weights larger than the architecture needs",
       [](const fs::path& model) { fs::resize_file(model / kWeightsFile, std::uint64_t{64} << 20); },
       "more than the"},
      {"huge padding length",
       [](const fs::path& model) { edit_tokenizer(model, [](nlohmann::json& t) { t["padding"]["max_length"] = 1000000000; }); },
       "padding.max_length 1000000000, but maas reads at most 100000"},
  };
  for (const DamageCase& c : cases) {
    SCOPED_TRACE(c.name);
    fs::remove_all(model_);
    fs::copy(pristine, model_, fs::copy_options::recursive);
    c.damage(model_);
    try {
      load_artifact(model_);
      ADD_FAILURE() << "damaged artifact loaded";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

// Rewrites weights.safetensors through `edit` and records the new checksum, so the damage reaches
// the tensor checks instead of stopping at the SHA-256 check.
void edit_weights(const fs::path& model, const std::function<void(SafetensorsContents&)>& edit) {
  SafetensorsContents contents = decode_safetensors_with_int8(read_file(model / kWeightsFile), "test");
  edit(contents);
  std::vector<NamedTensor> named;
  for (const auto& [name, tensor] : contents.tensors) named.push_back({name, &tensor});
  std::vector<NamedInt8Tensor> int8_named;
  for (const auto& [name, tensor] : contents.int8_tensors) int8_named.push_back({name, &tensor});
  const std::string bytes = encode_safetensors(named, int8_named, {});
  write_file_atomic(model / kWeightsFile, bytes);
  edit_manifest(model, [&](nlohmann::json& m) { m["files"][std::string(kWeightsFile)] = sha256_hex(bytes); });
}

class QuantizedArtifactTest : public ArtifactTest {
 protected:
  void SetUp() override {
    ArtifactTest::SetUp();
    quantized_ = root_ / "quantized";
    ModelManifest manifest;
    manifest.name = "intents-int8";
    manifest.labels = {"greet", "trade", "other"};
    save_quantized_artifact(quantized_, manifest, network_, encoder_);
  }

  fs::path quantized_;
};

TEST_F(QuantizedArtifactTest, ManifestRecordsVersionAndTensors) {
  const ModelManifest manifest = read_manifest(quantized_);
  EXPECT_EQ(manifest.format_version, kInferenceTokenizerFormatVersion);
  EXPECT_EQ(manifest.quantization["scheme"], "int8_symmetric_per_row");
  EXPECT_EQ(manifest.quantization["tensors"],
            nlohmann::json({"layers.0.embedding.embeddings", "layers.2.dense.kernel"}));
}

TEST_F(QuantizedArtifactTest, WeightsFileHoldsInt8AndScales) {
  const SafetensorsContents contents = decode_safetensors_with_int8(read_file(quantized_ / kWeightsFile), "test");
  ASSERT_EQ(contents.int8_tensors.size(), 2u);
  EXPECT_EQ(contents.int8_tensors.at("layers.0.embedding.embeddings").shape, (std::vector<std::int64_t>{6, 4}));
  EXPECT_EQ(contents.tensors.at("layers.0.embedding.embeddings.scales").shape(), (std::vector<std::int64_t>{6}));
  EXPECT_EQ(contents.tensors.at("layers.2.dense.kernel.scales").shape(), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(contents.tensors.at("layers.2.dense.bias").dtype(), DType::kFloat32);
}

TEST_F(QuantizedArtifactTest, LoadDequantizesCloseToFloat) {
  const Model loaded = load_artifact(quantized_);
  EXPECT_EQ(loaded.quantized.size(), 2u);
  for (const nn::Parameter& parameter : loaded.network.parameters()) {
    const nn::Parameter* original = nullptr;
    for (const nn::Parameter& candidate : network_.parameters()) {
      if (candidate.name == parameter.name) original = &candidate;
    }
    ASSERT_NE(original, nullptr) << parameter.name;
    // Rounding to the nearest step moves a weight by at most half a step, max|row| / 254.
    const std::int64_t columns = parameter.value.rank() == 2 ? parameter.value.dim(1) : parameter.value.numel();
    for (std::int64_t row = 0; row < parameter.value.numel() / columns; ++row) {
      const float* expected = original->value.data<float>() + row * columns;
      float max_abs = 0.0f;
      for (std::int64_t c = 0; c < columns; ++c) max_abs = std::max(max_abs, std::fabs(expected[c]));
      for (std::int64_t c = 0; c < columns; ++c) {
        EXPECT_NEAR(parameter.value.data<float>()[row * columns + c], expected[c], max_abs / 254 + 1e-7f)
            << parameter.name << "[" << row << ", " << c << "]";
      }
    }
  }
}

TEST_F(QuantizedArtifactTest, DamagedQuantizedArtifactsAreRejectedWithCause) {
  const fs::path pristine = root_ / "pristine-int8";
  fs::copy(quantized_, pristine, fs::copy_options::recursive);
  const std::vector<DamageCase> cases = {
      {"truncated weights",
       [](const fs::path& model) { fs::resize_file(model / kWeightsFile, fs::file_size(model / kWeightsFile) - 3); },
       "weights.safetensors' is corrupted"},
      {"wrong checksum",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["files"]["weights.safetensors"] = std::string(64, 'a'); }); },
       "weights.safetensors' is corrupted"},
      {"wrong int8 shape",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["architecture"]["layers"][0]["output_dim"] = 5; }); },
       "tensor 'layers.0.embedding.embeddings' has shape [6, 4] but the architecture expects [6, 5]"},
      {"missing scales",
       [](const fs::path& model) { edit_weights(model, [](SafetensorsContents& c) { c.tensors.erase("layers.2.dense.kernel.scales"); }); },
       "no tensor 'layers.2.dense.kernel.scales'"},
      {"scales of wrong length",
       [](const fs::path& model) { edit_weights(model, [](SafetensorsContents& c) { c.tensors["layers.2.dense.kernel.scales"] = Tensor({4}); }); },
       "tensor 'layers.2.dense.kernel.scales' is float32 [4] but the architecture expects float32 [3]"},
      {"float tensor where int8 is listed",
       [](const fs::path& model) { edit_weights(model, [](SafetensorsContents& c) {
         c.int8_tensors.erase("layers.2.dense.kernel");
         c.tensors["layers.2.dense.kernel"] = Tensor({3, 4});
       }); },
       "no int8 tensor 'layers.2.dense.kernel'"},
      {"unknown format version",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["format_version"] = 4; }); },
       "format version 4, but this maas"},
      {"full tokenizer document in version 3",
       [](const fs::path& model) { edit_tokenizer(model, [](nlohmann::json& t) { t = small_encoder().to_json(); }); },
       "tokenizer.json' is invalid"},
      {"duplicate word",
       [](const fs::path& model) { edit_tokenizer(model, [](nlohmann::json& t) { t["word_index"][3] = t["word_index"][1]; }); },
       "/word_index/3"},
      {"word_index without padding entry",
       [](const fs::path& model) { edit_tokenizer(model, [](nlohmann::json& t) { t["word_index"].erase(0); }); },
       "/word_index"},
      {"huge padding length",
       [](const fs::path& model) { edit_tokenizer(model, [](nlohmann::json& t) { t["padding"]["max_length"] = 1000000000; }); },
       "padding.max_length 1000000000"},
      {"duplicate label",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["labels"] = {"greet", "greet", "other"}; }); },
       "lists \"greet\" twice"},
      {"missing quantization field",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m.erase("quantization"); }); },
       "missing the field 'quantization'"},
      {"unknown quantization scheme",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["quantization"]["scheme"] = "int4"; }); },
       "field 'quantization' is"},
      {"int8 tensor not listed",
       [](const fs::path& model) { edit_manifest(model, [](nlohmann::json& m) { m["quantization"]["tensors"] = {"layers.0.embedding.embeddings"}; }); },
       "no tensor 'layers.2.dense.kernel' that the architecture needs"},
  };
  for (const DamageCase& c : cases) {
    SCOPED_TRACE(c.name);
    fs::remove_all(quantized_);
    fs::copy(pristine, quantized_, fs::copy_options::recursive);
    c.damage(quantized_);
    try {
      load_artifact(quantized_);
      ADD_FAILURE() << "damaged artifact loaded";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

TEST_F(QuantizedArtifactTest, TokenizerKeepsOnlyWhatEncodingNeeds) {
  const nlohmann::json tokenizer = nlohmann::json::parse(read_file(quantized_ / kTokenizerFile));
  EXPECT_EQ(tokenizer["format"], kInferenceEncoderFormat);
  EXPECT_FALSE(tokenizer.contains("word_counts"));
  EXPECT_FALSE(tokenizer.contains("document_count"));
  // small_encoder() counts gg 2, then wp, buy and sword once each, in first-occurrence order.
  EXPECT_EQ(tokenizer["word_index"], nlohmann::json::parse(R"([null, "gg", "wp", "buy", "sword"])"));
  EXPECT_LT(fs::file_size(quantized_ / kTokenizerFile), fs::file_size(model_ / kTokenizerFile));
}

TEST_F(QuantizedArtifactTest, LoadedEncoderGivesSameIds) {
  const Model loaded = load_artifact(quantized_);
  EXPECT_TRUE(loaded.inference_tokenizer);
  EXPECT_FALSE(load_artifact(model_).inference_tokenizer);
  for (const std::string text : {"gg wp", "buy sword gg", "unknown", "", "GG, sword!"}) {
    EXPECT_EQ(loaded.encoder.encode(text), encoder_.encode(text)) << text;
  }
  EXPECT_EQ(loaded.encoder.vocab_size(), encoder_.vocab_size());
}

TEST_F(ArtifactTest, Version1WithInt8TensorIsRejected) {
  edit_weights(model_, [](SafetensorsContents& c) { c.int8_tensors["extra"] = Int8Tensor{{2}, {1, 2}}; });
  try {
    load_artifact(model_);
    FAIL() << "loaded a version 1 artifact with an unused int8 tensor";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("such as 'extra'"), std::string::npos) << e.what();
  }
}

TEST_F(ArtifactTest, SaveOverExistingModelReplacesIt) {
  ModelManifest manifest;
  manifest.name = "second";
  manifest.labels = {"greet", "trade", "other"};
  save_artifact(model_, manifest, network_, encoder_);
  EXPECT_EQ(load_artifact(model_).manifest.name, "second");
}

TEST_F(ArtifactTest, ChecksumsCoverEveryDataFile) {
  const ModelManifest manifest = read_manifest(model_);
  ASSERT_EQ(manifest.sha256.size(), 2u);
  for (const auto& [file, digest] : manifest.sha256) {
    EXPECT_EQ(sha256_hex(read_file(model_ / file)), digest) << file;
  }
}

TEST(Sha256, KnownDigest) {
  // FIPS 180-2 test vector for "abc".
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace maas::io
