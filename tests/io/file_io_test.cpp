#include "core/io/file_io.h"

#include <sys/stat.h>

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

TEST_F(FileIoTest, ReadRegularFileFollowsSymlinkToFile) {
  write_file_atomic(dir_ / "a.txt", "contents");
  fs::create_symlink(dir_ / "a.txt", dir_ / "link.txt");
  EXPECT_EQ(read_regular_file(dir_ / "a.txt", 8), "contents");
  EXPECT_EQ(read_regular_file(dir_ / "link.txt", 100), "contents");
  write_file_atomic(dir_ / "empty.txt", "");
  EXPECT_EQ(read_regular_file(dir_ / "empty.txt", 0), "");
}

TEST_F(FileIoTest, ReadRegularFileRejectsOtherFiles) {
  write_file_atomic(dir_ / "a.txt", "contents");
  fs::create_symlink("/dev/zero", dir_ / "zero");
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0644), 0);
  fs::create_directory(dir_ / "folder");
  struct Case {
    const char* name;
    fs::path path;
    std::uint64_t max_bytes;
    const char* message_part;
  };
  const std::vector<Case> cases = {
      {"symlink to /dev/zero", dir_ / "zero", 100, "is a character device, expected a regular file"},
      {"FIFO without writer", dir_ / "fifo", 100, "is a FIFO, expected a regular file"},
      {"folder", dir_ / "folder", 100, "is a folder, expected a regular file"},
      {"over the size limit", dir_ / "a.txt", 7, "has 8 bytes, more than the 7 bytes allowed"},
      {"missing", dir_ / "missing.txt", 100, "failed to open"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      read_regular_file(c.path, c.max_bytes);
      ADD_FAILURE() << "read succeeded";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace maas::io
