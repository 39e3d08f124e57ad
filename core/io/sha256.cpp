#include "core/io/sha256.h"

#include <openssl/evp.h>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::io {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw IoError("failed to compute a SHA-256 digest: OpenSSL EVP_Digest returned an error");
  }
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

}  // namespace maas::io
