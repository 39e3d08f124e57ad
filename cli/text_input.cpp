#include "cli/text_input.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::cli {

std::string input_name(const std::string& path) { return path.empty() || path == "-" ? "stdin" : path; }

void for_each_line(const std::string& path, const std::function<void(const std::string&, std::size_t)>& on_line) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (!path.empty() && path != "-") {
    if (std::filesystem::is_directory(path)) {
      throw IoError(fmt::format("'{}' is a folder; pass a text file with one text per line, or - for stdin", path));
    }
    file.open(path, std::ios::binary);
    if (!file) throw IoError(fmt::format("failed to open '{}': {}", path, std::strerror(errno)));
    in = &file;
  }
  std::string line;
  std::size_t number = 0;
  while (std::getline(*in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    on_line(line, number);
  }
}

}  // namespace maas::cli
