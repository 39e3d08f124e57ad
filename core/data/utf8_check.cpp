#include "core/data/utf8_check.h"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>
#include <utf8proc.h>

#include "core/common/error.h"
#include "core/data/reader_support.h"

namespace maas::data::detail {
namespace {

[[noreturn]] void throw_invalid_utf8(std::string_view content, std::size_t offset,
                                     std::string_view source) {
  const std::string_view before = content.substr(0, offset);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  throw IoError(fmt::format(
      "{}:{}: invalid UTF-8 at byte offset {} (column {} of the line): byte {} does not start a "
      "valid UTF-8 sequence. Convert the file to UTF-8, for example with "
      "iconv -f <its encoding> -t UTF-8.",
      source, line, offset, offset - line_start + 1, describe_byte(content[offset])));
}

}  // namespace

void require_valid_utf8(std::string_view content, std::string_view source) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(content.data());
  std::size_t offset = 0;
  while (offset < content.size()) {
    // ASCII needs no decoding, and most dataset text is ASCII.
    if (bytes[offset] < 0x80) {
      ++offset;
      continue;
    }
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t length = utf8proc_iterate(
        bytes + offset, static_cast<utf8proc_ssize_t>(content.size() - offset), &code_point);
    if (length <= 0) {
      throw_invalid_utf8(content, offset, source);
    }
    offset += static_cast<std::size_t>(length);
  }
}

}  // namespace maas::data::detail
