#include "core/io/export.h"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/io/artifact.h"
#include "core/io/file_io.h"

namespace maas::io {
namespace {

namespace fs = std::filesystem;

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/maas-export-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    root_ = name;
    nn::Sequential network = nn::Sequential::from_json(nlohmann::json::parse(R"({"layers": [
        {"type": "embedding", "input_dim": 6, "output_dim": 4},
        {"type": "global_average_pooling1d", "mask": true},
        {"type": "dense", "units": 3, "activation": "softmax"}]})"));
    network.initialize(3);
    text::WordTokenizer tokenizer;
    tokenizer.fit_on_texts({"gg wp", "buy sword", "gg"});
    ModelManifest manifest;
    manifest.name = "intents";
    manifest.labels = {"greet", "trade", "other"};
    save_artifact(root_ / "model", manifest, network, text::TextEncoder(std::move(tokenizer), text::PadOptions{5}));
  }
  void TearDown() override { fs::remove_all(root_); }

  // Returns the message of the InvalidArgument that exporting with `name` and `version` throws.
  std::string export_error(const std::string& name, std::int64_t version) {
    try {
      export_to_repository(root_ / "model", root_ / "repo", name, version);
    } catch (const InvalidArgument& e) {
      return e.what();
    }
    ADD_FAILURE() << "export of name '" << name << "' version " << version << " succeeded";
    return "";
  }

  fs::path root_;
};

TEST_F(ExportTest, NextVersionIsOneAboveHighest) {
  fs::create_directories(root_ / "repo" / "intents" / "7");
  fs::create_directories(root_ / "repo" / "intents" / "notes");
  EXPECT_EQ(export_to_repository(root_ / "model", root_ / "repo", "", 0), root_ / "repo" / "intents" / "8");
}

TEST_F(ExportTest, InvalidNamesAndVersionsAreRejected) {
  fs::create_directories(root_ / "repo" / "full" / std::to_string(kMaxExportVersion));
  struct Case {
    const char* name;
    std::string model_name;
    std::int64_t version;
    const char* message_part;
  };
  const std::vector<Case> cases = {
      {"leading dot", ".hidden", 1, "not starting with '.'"},
      {"slash", "a/b", 1, "use 1 to 128 letters, digits"},
      {"version above maximum", "intents", kMaxExportVersion + 1, "invalid version 1000000000000: expected 1 to 999999999999"},
      {"negative version", "intents", -1, "invalid version -1"},
      {"no version left", "full", 0, "contains version 999999999999, the highest allowed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = export_error(c.model_name, c.version);
    EXPECT_NE(message.find(c.message_part), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(root_ / "repo" / "full" / "1000000000000"));
}

TEST_F(ExportTest, Int8ExportWritesVersion3AndCopiesItAsIs) {
  const fs::path int8 = export_to_repository(root_ / "model", root_ / "repo", "", 1, true);
  EXPECT_EQ(read_manifest(int8).format_version, kInferenceTokenizerFormatVersion);
  EXPECT_LT(fs::file_size(int8 / kTokenizerFile), fs::file_size(root_ / "model" / kTokenizerFile));

  // An int8 model exported again keeps its bytes.
  const fs::path copy = export_to_repository(int8, root_ / "repo", "", 2, true);
  for (const std::string_view file : {kManifestFile, kTokenizerFile, kWeightsFile}) {
    EXPECT_EQ(read_file(copy / file), read_file(int8 / file)) << file;
  }
}

}  // namespace
}  // namespace maas::io
