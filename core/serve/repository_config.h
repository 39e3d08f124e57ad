#pragma once
// Per-model serving settings read from the optional `models.yaml` at the top of a model
// repository: which versions to serve and how to batch requests.
//
//   models:
//     intents:
//       version_policy: {latest: 2}       # or: all, or {specific: [1, 3]}
//       max_batch_size: 64                # texts per batch; 1 turns dynamic batching off
//       max_queue_delay_us: 200           # wait for a fuller batch while the model is busy
//       max_queue_depth: 1024             # queued texts before new requests get 429

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace maas::serve {

struct VersionPolicy {
  enum class Kind { kLatest, kAll, kSpecific };
  Kind kind = Kind::kLatest;
  std::size_t latest = 1;               // versions kept for kLatest
  std::vector<std::int64_t> specific;   // ascending, for kSpecific

  // Returns "latest 1", "all" or "specific [1, 3]" for logs and metadata.
  std::string describe() const;
};

struct BatchingOptions {
  std::size_t max_batch_size = 64;       // texts run together; 1 runs each request on its own thread
  std::int64_t max_queue_delay_us = 0;   // maximum wait for more requests while the model is busy
  std::size_t max_queue_depth = 4096;    // queued texts per version before requests get 429
};

struct ModelConfig {
  VersionPolicy version_policy;
  BatchingOptions batching;
};

struct RepositoryConfig {
  ModelConfig defaults;                        // for models models.yaml does not name
  std::map<std::string, ModelConfig> models;   // by model name

  const ModelConfig& for_model(const std::string& name) const;
};

// The file name looked up at the top of a repository.
inline constexpr const char* kRepositoryConfigFile = "models.yaml";

// Parses models.yaml text. `defaults` fills every setting the file leaves out. Throws ConfigError
// naming `source`, the line and the key path for invalid YAML, unknown or duplicate keys, wrong
// types, out-of-range values and invalid model names.
RepositoryConfig parse_repository_config(const std::string& yaml_text, const std::string& source,
                                         const ModelConfig& defaults);

// Reads `repository/models.yaml` if it exists, otherwise returns a config with only `defaults`.
// Throws IoError when the file exists but cannot be read, ConfigError when it is invalid.
RepositoryConfig load_repository_config(const std::filesystem::path& repository, const ModelConfig& defaults);

}  // namespace maas::serve
