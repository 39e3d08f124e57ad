#include "core/io/file_io.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::io {
namespace fs = std::filesystem;

namespace {

std::string system_error_text() { return std::strerror(errno); }

std::string random_suffix() {
  std::random_device device;
  return fmt::format("{:08x}", device());
}

void write_all(int fd, std::string_view bytes, const fs::path& path) {
  const char* cursor = bytes.data();
  std::size_t remaining = bytes.size();
  while (remaining > 0) {
    const ssize_t written = ::write(fd, cursor, remaining);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw IoError(fmt::format("failed to write '{}': {}", path.string(), system_error_text()));
    }
    cursor += written;
    remaining -= static_cast<std::size_t>(written);
  }
}

std::string_view file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(fmt::format("failed to open '{}' for reading: {}", path.string(), system_error_text()));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw IoError(fmt::format("failed to read '{}': {}", path.string(), system_error_text()));
  }
  return bytes;
}

std::string read_regular_file(const fs::path& path, std::uint64_t max_bytes) {
  // O_NONBLOCK makes opening a FIFO without a writer return at once instead of waiting.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    throw IoError(fmt::format("failed to open '{}' for reading: {}", path.string(), system_error_text()));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    throw IoError(fmt::format("failed to read the size of '{}': {}", path.string(), system_error_text()));
  }
  if (!S_ISREG(status.st_mode)) {
    throw IoError(fmt::format("'{}' is {}, expected a regular file; replace it with the file itself",
                              path.string(), file_type_name(status.st_mode)));
  }
  const auto size = static_cast<std::uint64_t>(status.st_size);
  if (size > max_bytes) {
    throw IoError(fmt::format("'{}' has {} bytes, more than the {} bytes allowed for it; the file is damaged or "
                              "is not the file expected here",
                              path.string(), size, max_bytes));
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::read(fd, bytes.data() + filled, bytes.size() - filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError(fmt::format("failed to read '{}': {}", path.string(), system_error_text()));
    }
    if (got == 0) {
      throw IoError(fmt::format("'{}' shrank from {} to {} bytes while it was read; retry when nothing writes it",
                                path.string(), size, filled));
    }
    filled += static_cast<std::size_t>(got);
  }
  return bytes;
}

void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError(fmt::format("failed to open folder '{}' to flush it: {}", dir.string(), system_error_text()));
  }
  const int result = ::fsync(fd);
  ::close(fd);
  if (result != 0) {
    throw IoError(fmt::format("failed to flush folder '{}': {}", dir.string(), system_error_text()));
  }
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const fs::path temporary = dir / fmt::format(".{}.tmp-{}", path.filename().string(), random_suffix());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw IoError(fmt::format("failed to create '{}': {}", temporary.string(), system_error_text()));
  }
  try {
    write_all(fd, bytes, temporary);
    if (::fsync(fd) != 0) {
      throw IoError(fmt::format("failed to flush '{}': {}", temporary.string(), system_error_text()));
    }
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = system_error_text();
    ::unlink(temporary.c_str());
    throw IoError(fmt::format("failed to rename '{}' to '{}': {}", temporary.string(), path.string(), reason));
  }
  fsync_directory(dir);
}

StagingDir::StagingDir(fs::path target) : target_(std::move(target)) {
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::error_code error;
  fs::create_directories(parent, error);
  if (error) {
    throw IoError(fmt::format("failed to create folder '{}': {}", parent.string(), error.message()));
  }
  staging_ = parent / fmt::format(".{}.tmp-{}", target_.filename().string(), random_suffix());
  fs::create_directory(staging_, error);
  if (error) {
    throw IoError(fmt::format("failed to create folder '{}': {}", staging_.string(), error.message()));
  }
}

StagingDir::~StagingDir() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  }
}

void StagingDir::commit() {
  fsync_directory(staging_);
  const fs::path parent = staging_.parent_path();
  if (!fs::exists(target_)) {
    if (::rename(staging_.c_str(), target_.c_str()) != 0) {
      throw IoError(fmt::format("failed to rename '{}' to '{}': {}", staging_.string(), target_.string(),
                                system_error_text()));
    }
    committed_ = true;
    fsync_directory(parent);
    return;
  }
  if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
    throw IoError(fmt::format("failed to replace '{}' with '{}': {}", target_.string(), staging_.string(),
                              system_error_text()));
  }
  committed_ = true;
  fsync_directory(parent);
  // The staging name now holds the previous contents of the target.
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

}  // namespace maas::io
