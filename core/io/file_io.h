#pragma once
// Whole-file reads and crash-safe writes. A reader never sees a half-written file under its final
// name: data goes to a temporary name in the same folder, is fsynced, then renamed over the target.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace maas::io {

// Reads a whole file. Throws IoError naming the path and the system error.
std::string read_file(const std::filesystem::path& path);

// Reads a whole regular file (symlinks are followed) of at most `max_bytes` bytes. Unlike
// read_file it never blocks on a FIFO or reads a device such as /dev/zero without end: it rejects
// anything but a regular file, and checks the size before reading. Throws IoError naming the path,
// the file type or size found, and the limit.
std::string read_regular_file(const std::filesystem::path& path, std::uint64_t max_bytes);

// Writes `bytes` to `path` atomically: temporary file in the same folder, fsync, rename, fsync of
// the folder. Throws IoError naming the path; the temporary file is removed on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// Flushes a folder's entries (new names, renames) to disk.
void fsync_directory(const std::filesystem::path& dir);

// A folder filled under a temporary name beside `target` and published in one rename by commit().
// Until commit() the target is untouched; a crash leaves only a ".tmp-" folder that no loader
// opens. If the staging folder is destroyed without commit() it is removed.
class StagingDir {
 public:
  explicit StagingDir(std::filesystem::path target);
  ~StagingDir();
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;

  const std::filesystem::path& path() const { return staging_; }

  // Publishes the staging folder as the target. An existing target is swapped out atomically
  // (renameat2 RENAME_EXCHANGE) and then removed, so readers see either the old or the new folder.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace maas::io
