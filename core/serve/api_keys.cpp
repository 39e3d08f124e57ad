#include "core/serve/api_keys.h"

#include <openssl/sha.h>

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::serve {

namespace {

// Shorter keys are easy to guess by brute force over the network.
constexpr std::size_t kMinKeyBytes = 16;

ApiKeys::Digest digest_of(std::string_view key) {
  ApiKeys::Digest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest.data());
  return digest;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

void check_key(std::string_view key, const std::string& source, std::size_t index) {
  if (key.size() < kMinKeyBytes) {
    throw InvalidArgument(fmt::format("API key {} in {} is {} bytes, shorter than the minimum of {}; generate one "
                                      "with 'openssl rand -hex 32'",
                                      index + 1, source, key.size(), kMinKeyBytes));
  }
}

}  // namespace

ApiKeys::ApiKeys(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) digests_.push_back(digest_of(key));
}

ApiKeys ApiKeys::load(const std::filesystem::path& file, const char* environment_variable) {
  std::vector<std::string> keys;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw IoError(fmt::format("failed to open API key file '{}'; check the path and its permissions", file.string()));
    const std::size_t before = keys.size();
    std::string line;
    while (std::getline(in, line)) {
      const std::string_view key = trim(line);
      if (key.empty() || key.front() == '#') continue;
      check_key(key, fmt::format("'{}'", file.string()), keys.size() - before);
      keys.emplace_back(key);
    }
    if (keys.size() == before) {
      throw InvalidArgument(fmt::format("API key file '{}' contains no key; write one key per line", file.string()));
    }
  }
  const char* value = environment_variable != nullptr ? std::getenv(environment_variable) : nullptr;
  if (value != nullptr && *value != '\0') {
    const std::size_t before = keys.size();
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view key = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (key.empty()) continue;
      check_key(key, fmt::format("${}", environment_variable), keys.size() - before);
      keys.emplace_back(key);
    }
    if (keys.size() == before) {
      throw InvalidArgument(fmt::format("${} is set but contains no key; separate keys with commas", environment_variable));
    }
  }
  return ApiKeys(keys);
}

bool ApiKeys::accepts(std::string_view authorization) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() || authorization.substr(0, kScheme.size()) != kScheme) return false;
  const Digest presented = digest_of(authorization.substr(kScheme.size()));
  // Every digest is compared in full, with no early exit, whatever matches.
  unsigned char matched = 0;
  for (const Digest& digest : digests_) {
    unsigned char difference = 0;
    for (std::size_t i = 0; i < digest.size(); ++i) difference |= digest[i] ^ presented[i];
    matched |= static_cast<unsigned char>(difference == 0);
  }
  return matched != 0;
}

}  // namespace maas::serve
