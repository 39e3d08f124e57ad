#pragma once

#include <string>
#include <string_view>

namespace maas::io {

// Returns the SHA-256 digest of `bytes` as 64 lower-case hex digits (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

}  // namespace maas::io
