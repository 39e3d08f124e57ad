#include "core/io/file_io.h"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::io {
namespace {

namespace fs = std::filesystem;

class FileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/maas-io-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    dir_ = name;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }

  fs::path dir_;
};

TEST_F(FileIoTest, AtomicWriteReplacesAndLeavesNoTemporary) {
  write_file_atomic(dir_ / "a.txt", "first");
  write_file_atomic(dir_ / "a.txt", "second");
  EXPECT_EQ(read_file(dir_ / "a.txt"), "second");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(FileIoTest, ReadMissingFileNamesPath) {
  try {
    read_file(dir_ / "missing.txt");
    ADD_FAILURE();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.txt"), std::string::npos);
  }
}

TEST_F(FileIoTest, StagingDirUncommittedLeavesNothing) {
  {
    StagingDir staging(dir_ / "model");
    write_file_atomic(staging.path() / "manifest.json", "{}");
  }
  EXPECT_FALSE(fs::exists(dir_ / "model"));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(FileIoTest, StagingDirCommitSwapsExistingFolder) {
  fs::create_directory(dir_ / "model");
  write_file_atomic(dir_ / "model" / "old.txt", "old");
  {
    StagingDir staging(dir_ / "model");
    write_file_atomic(staging.path() / "new.txt", "new");
    staging.commit();
  }
  EXPECT_TRUE(fs::exists(dir_ / "model" / "new.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "model" / "old.txt"));
  EXPECT_EQ(entries(), 1u);
}

}  // namespace
}  // namespace maas::io
