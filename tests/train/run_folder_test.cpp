// Run folder checks before training: stale staging leftovers, data paths and the output folder.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/train/run_folder.h"

namespace maas::train {
namespace {

namespace fs = std::filesystem;

class RunFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("maas_run_folder_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // A config whose file sits in root_/configs, so relative paths start there.
  config::ExperimentConfig make_config(const std::vector<std::string>& overrides = {}) {
    const std::string yaml =
        "data: {train: train.csv}\n"
        "model: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: {}}, "
        "{dense: {activation: auto}}]}\n"
        "output: " + (root_ / "run").string() + "\n";
    return config::parse_config(yaml, root_ / "configs" / "exp.yaml", overrides);
  }

  fs::path root_;
};

void touch(const fs::path& path) { std::ofstream(path) << "x"; }

TEST_F(RunFolderTest, RemovesOnlyStagingNames) {
  const fs::path run = root_ / "run";
  fs::create_directories(run / "checkpoint");
  const std::vector<fs::path> stale = {run / ".model.tmp-0badc0de", run / ".metrics.jsonl.tmp-12345678",
                                       run / "checkpoint" / ".state.safetensors.tmp-abcdef01"};
  const std::vector<fs::path> kept = {
      run / "model",                       // the real model
      run / ".model.tmp-keepme",           // suffix is not 8 hex digits
      run / ".model.tmp-0BADC0DE",         // uppercase hex is not what the writer produces
      run / ".model.tmp-0badc0de1",        // 9 digits
      run / "model.tmp-0badc0de",          // no leading dot
      run / "..tmp-0badc0de",              // no name before the marker
      run / "notes.txt",
  };
  fs::create_directories(stale[0] / "inner");
  touch(stale[0] / "inner" / "weights.safetensors");
  touch(stale[1]);
  touch(stale[2]);
  fs::create_directories(kept[0]);
  for (std::size_t i = 1; i < kept.size(); ++i) touch(kept[i]);

  EXPECT_EQ(remove_stale_staging(run), 3);
  for (const fs::path& path : stale) EXPECT_FALSE(fs::exists(path)) << path;
  for (const fs::path& path : kept) EXPECT_TRUE(fs::exists(path)) << path;
  EXPECT_EQ(remove_stale_staging(root_ / "missing"), 0);
}

TEST_F(RunFolderTest, MissingDataFileNamesKeyAndBaseFolder) {
  const config::ExperimentConfig config = make_config();
  try {
    check_data_file(config, "data.train", config.data.train);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find((root_ / "configs" / "exp.yaml").string() + ":1:8: data.train: data file \""),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("not found; a relative path starts from the config file's folder (" +
                           (root_ / "configs").string() + ")"),
              std::string::npos)
        << message;
  }
}

TEST_F(RunFolderTest, MissingDataFileFromOverrideNamesCurrentFolder) {
  const config::ExperimentConfig config = make_config({"data.train=nowhere.csv"});
  try {
    check_data_file(config, "data.train", config.data.train);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("--set data.train=nowhere.csv: data.train: data file"), std::string::npos) << message;
    EXPECT_NE(message.find("a relative path starts from the current folder"), std::string::npos) << message;
  }
}

TEST_F(RunFolderTest, DataFolderIsRejected) {
  const config::ExperimentConfig config = make_config({"data.train=" + root_.string()});
  EXPECT_THROW(check_data_file(config, "data.train", config.data.train), ConfigError);
  fs::create_directories(root_ / "configs");
  touch(root_ / "configs" / "train.csv");
  const config::ExperimentConfig present = make_config();
  EXPECT_NO_THROW(check_data_file(present, "data.train", present.data.train));
}

TEST_F(RunFolderTest, OutputBelowFileNamesOutputDir) {
  touch(root_ / "file");
  const config::ExperimentConfig config = make_config({"output=" + (root_ / "file" / "run").string()});
  try {
    prepare_run_folder(config, false);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("--set output=" + (root_ / "file" / "run").string() + ": output.dir: cannot create"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("because \"" + (root_ / "file").string() + "\" is a file"), std::string::npos) << message;
  }
}

TEST_F(RunFolderTest, OutputThatIsFileIsRejected) {
  touch(root_ / "run");
  EXPECT_THROW(prepare_run_folder(make_config(), false), ConfigError);
}

TEST_F(RunFolderTest, CreatesNestedOutputFolder) {
  const config::ExperimentConfig config = make_config({"output=" + (root_ / "a" / "b").string()});
  prepare_run_folder(config, false);
  EXPECT_TRUE(fs::is_directory(root_ / "a" / "b"));
}

}  // namespace
}  // namespace maas::train
