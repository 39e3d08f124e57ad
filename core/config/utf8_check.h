#pragma once
// Internal to core/config: UTF-8 validation of config text, so that a stray Latin-1 byte is
// reported with its line instead of reaching a label, a column name or a path.

#include <cstddef>
#include <string_view>

namespace maas::config::detail {

// Returns the byte offset of the first byte of `text` that does not start a well-formed UTF-8
// sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no truncated
// sequence), or std::string_view::npos when the whole text is valid.
std::size_t find_invalid_utf8(std::string_view text);

}  // namespace maas::config::detail
