#include "core/serve/repository_config.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/common/error.h"
#include "core/io/export.h"

namespace maas::serve {

std::string VersionPolicy::describe() const {
  switch (kind) {
    case Kind::kLatest:
      return fmt::format("latest {}", latest);
    case Kind::kAll:
      return "all";
    case Kind::kSpecific:
      return fmt::format("specific [{}]", fmt::join(specific, ", "));
  }
  return "unknown";
}

const ModelConfig& RepositoryConfig::for_model(const std::string& name) const {
  const auto found = models.find(name);
  return found == models.end() ? defaults : found->second;
}

namespace {

// Reads one YAML document and turns every problem into a ConfigError with file, line and key path.
class ConfigReader {
 public:
  explicit ConfigReader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& problem) const {
    const int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    throw ConfigError(fmt::format("{}:{}: {}: {}", source_, line, path, problem));
  }

  // Returns the key/value pairs of a map, rejecting a non-map, duplicate keys and keys not in `allowed`
  // (an empty `allowed` accepts any key).
  std::vector<std::pair<std::string, YAML::Node>> entries(const YAML::Node& map, const std::string& path,
                                                          const std::set<std::string>& allowed) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping of keys to values");
    std::vector<std::pair<std::string, YAML::Node>> result;
    std::set<std::string> seen;
    for (const auto& item : map) {
      if (!item.first.IsScalar()) fail(item.first, path, "keys must be plain strings");
      const std::string key = item.first.Scalar();
      if (!seen.insert(key).second) fail(item.first, path + "." + key, "duplicate key; remove one of them");
      if (!allowed.empty() && allowed.count(key) == 0) {
        fail(item.first, path + "." + key,
             fmt::format("unknown key; expected one of: {}", fmt::join(allowed, ", ")));
      }
      result.emplace_back(key, item.second);
    }
    return result;
  }

  std::int64_t integer(const YAML::Node& node, const std::string& path, std::int64_t min, std::int64_t max) const {
    if (!node.IsScalar()) fail(node, path, fmt::format("expected an integer from {} to {}", min, max));
    const std::string& text = node.Scalar();
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size()) {
      fail(node, path, fmt::format("expected an integer from {} to {}, got '{}'", min, max, text));
    }
    if (value < min || value > max) {
      fail(node, path, fmt::format("{} is out of range; expected an integer from {} to {}", value, min, max));
    }
    return value;
  }

  VersionPolicy version_policy(const YAML::Node& node, const std::string& path) const {
    VersionPolicy policy;
    if (node.IsScalar()) {
      if (node.Scalar() != "all") {
        fail(node, path, fmt::format("expected 'all', {{latest: N}} or {{specific: [1, 2]}}, got '{}'", node.Scalar()));
      }
      policy.kind = VersionPolicy::Kind::kAll;
      return policy;
    }
    const auto items = entries(node, path, {"latest", "specific", "all"});
    if (items.size() != 1) fail(node, path, "expected exactly one of 'latest', 'specific' or 'all'");
    const auto& [key, value] = items.front();
    const std::string key_path = path + "." + key;
    if (key == "latest") {
      policy.kind = VersionPolicy::Kind::kLatest;
      policy.latest = static_cast<std::size_t>(integer(value, key_path, 1, 1000));
    } else if (key == "all") {
      if (!value.IsMap() || value.size() != 0) fail(value, key_path, "expected {} (all: {})");
      policy.kind = VersionPolicy::Kind::kAll;
    } else {
      if (!value.IsSequence() || value.size() == 0) fail(value, key_path, "expected a non-empty list of versions like [1, 3]");
      policy.kind = VersionPolicy::Kind::kSpecific;
      for (std::size_t i = 0; i < value.size(); ++i) {
        policy.specific.push_back(integer(value[i], fmt::format("{}[{}]", key_path, i), 1, 999'999'999'999'999'999));
      }
      std::sort(policy.specific.begin(), policy.specific.end());
      policy.specific.erase(std::unique(policy.specific.begin(), policy.specific.end()), policy.specific.end());
    }
    return policy;
  }

  ModelConfig model(const YAML::Node& node, const std::string& path, ModelConfig config) const {
    for (const auto& [key, value] :
         entries(node, path, {"version_policy", "max_batch_size", "max_queue_delay_us", "max_queue_depth"})) {
      const std::string key_path = path + "." + key;
      if (key == "version_policy") {
        config.version_policy = version_policy(value, key_path);
      } else if (key == "max_batch_size") {
        config.batching.max_batch_size = static_cast<std::size_t>(integer(value, key_path, 1, 65536));
      } else if (key == "max_queue_delay_us") {
        config.batching.max_queue_delay_us = integer(value, key_path, 0, 10'000'000);
      } else {
        config.batching.max_queue_depth = static_cast<std::size_t>(integer(value, key_path, 1, 1'000'000));
      }
    }
    return config;
  }

 private:
  std::string source_;
};

}  // namespace

RepositoryConfig parse_repository_config(const std::string& yaml_text, const std::string& source,
                                         const ModelConfig& defaults) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}: invalid YAML: {}", source, e.mark.line + 1, e.msg));
  }
  RepositoryConfig config;
  config.defaults = defaults;
  if (root.IsNull()) return config;
  const ConfigReader reader(source);
  for (const auto& [key, value] : reader.entries(root, "", {"defaults", "models"})) {
    if (key == "defaults") config.defaults = reader.model(value, "defaults", defaults);
  }
  for (const auto& [key, value] : reader.entries(root, "", {"defaults", "models"})) {
    if (key != "models") continue;
    if (value.IsNull()) continue;
    for (const auto& [name, settings] : reader.entries(value, "models", {})) {
      const std::string path = "models." + name;
      if (!io::is_valid_model_name(name)) {
        reader.fail(settings, path, "invalid model name; use letters, digits, '.', '_' and '-', not starting with '.'");
      }
      config.models[name] = settings.IsNull() ? config.defaults : reader.model(settings, path, config.defaults);
    }
  }
  return config;
}

RepositoryConfig load_repository_config(const std::filesystem::path& repository, const ModelConfig& defaults) {
  const std::filesystem::path file = repository / kRepositoryConfigFile;
  std::error_code error;
  if (!std::filesystem::exists(file, error)) {
    RepositoryConfig config;
    config.defaults = defaults;
    return config;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    throw IoError(fmt::format("failed to read '{}'; check that the file is readable", file.string()));
  }
  return parse_repository_config(text.str(), file.string(), defaults);
}

}  // namespace maas::serve
