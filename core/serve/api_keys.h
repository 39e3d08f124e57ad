#pragma once
// Optional bearer-token authentication. Keys come from a file (one per line; blank lines and lines
// starting with '#' are skipped) and/or an environment variable (comma-separated). Only SHA-256
// digests of the keys are kept, and a presented token is compared with every digest in constant
// time, so neither the key bytes nor their length leak through timing. Keys are never logged.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace maas::serve {

// The environment variable read for keys when set.
inline constexpr const char* kApiKeysEnvironmentVariable = "MAAS_API_KEYS";

class ApiKeys {
 public:
  using Digest = std::array<unsigned char, 32>;

  ApiKeys() = default;
  explicit ApiKeys(const std::vector<std::string>& keys);

  // Reads keys from `file` (skipped when empty) and from the variable `environment_variable`
  // (skipped when unset or empty). Throws IoError when the file cannot be read and
  // InvalidArgument when a source is given but contains no key, or a key is shorter than 16 bytes.
  static ApiKeys load(const std::filesystem::path& file, const char* environment_variable);

  bool enabled() const { return !digests_.empty(); }
  std::size_t size() const { return digests_.size(); }

  // True when `authorization` is "Bearer KEY" for one of the keys.
  bool accepts(std::string_view authorization) const;

 private:
  std::vector<Digest> digests_;
};

}  // namespace maas::serve
