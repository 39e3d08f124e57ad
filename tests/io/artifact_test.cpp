#include "core/io/artifact.h"

#include <cstdlib>
#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
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
