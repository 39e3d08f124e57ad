#pragma once
// UTF-8 validation of whole dataset files (internal to core/data).

#include <string_view>

namespace maas::data::detail {

// Throws IoError at the first byte of `content` that does not start a valid UTF-8 sequence.
// Overlong forms, UTF-16 surrogates and code points above U+10FFFF are invalid. The message names
// `source`, the 1-based line, the byte's 0-based offset in the content and its 1-based column.
void require_valid_utf8(std::string_view content, std::string_view source);

}  // namespace maas::data::detail
