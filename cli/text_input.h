#pragma once
// Line-oriented text input shared by `tokenize encode` and `predict`: a file path or "-" for stdin.

#include <functional>
#include <string>

namespace maas::cli {

// Calls `on_line(line, line_number)` for each line of `path` ("-" or empty: stdin), without the
// line end ("\n" or "\r\n"). Throws IoError when the file cannot be opened.
void for_each_line(const std::string& path, const std::function<void(const std::string&, std::size_t)>& on_line);

// Returns a short source name for messages: the path, or "stdin".
std::string input_name(const std::string& path);

}  // namespace maas::cli
