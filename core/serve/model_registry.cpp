#include "core/serve/model_registry.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/io/export.h"

namespace maas::serve {
namespace fs = std::filesystem;

ModelRegistry ModelRegistry::load_repository(const fs::path& dir) {
  if (!fs::is_directory(dir)) {
    throw IoError(fmt::format("model repository '{}' not found or not a folder", dir.string()));
  }
  if (fs::exists(dir / "manifest.json")) {
    throw IoError(fmt::format(
        "'{}' is a single model folder, but --model-dir expects a repository of NAME/VERSION/ folders; "
        "create one with 'maas export {} --output REPO' and serve REPO",
        dir.string(), dir.string()));
  }
  ModelRegistry registry;
  std::vector<fs::path> model_dirs;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) model_dirs.push_back(entry.path());
  }
  std::sort(model_dirs.begin(), model_dirs.end());
  for (const fs::path& model_dir : model_dirs) {
    const std::string name = model_dir.filename().string();
    if (!io::is_valid_model_name(name)) {
      spdlog::warn("skipping '{}': a model name may hold only letters, digits, '.', '_' and '-'", model_dir.string());
      continue;
    }
    std::vector<std::pair<std::int64_t, fs::path>> candidates;
    for (const fs::directory_entry& entry : fs::directory_iterator(model_dir)) {
      const std::optional<std::int64_t> version = io::parse_version_folder(entry.path().filename().string());
      if (entry.is_directory() && version) candidates.emplace_back(*version, entry.path());
    }
    std::sort(candidates.rbegin(), candidates.rend());
    if (candidates.empty()) {
      spdlog::warn("skipping '{}': no numeric version folders (expected {}/1/ and so on)", model_dir.string(), name);
      continue;
    }
    // The latest version that loads wins; a damaged newer one does not take the model down.
    for (const auto& [version, path] : candidates) {
      try {
        registry.add(name, ModelVersion{version, path, infer::Predictor::load(path)});
        spdlog::info("loaded model '{}' version {} from {}", name, version, path.string());
        break;
      } catch (const Error& e) {
        spdlog::error("failed to load model '{}' version {}: {}", name, version, e.what());
      }
    }
  }
  if (registry.models_.empty()) {
    throw IoError(fmt::format("no loadable model in '{}'; expected NAME/VERSION/ folders written by 'maas export'",
                              dir.string()));
  }
  return registry;
}

void ModelRegistry::add(const std::string& name, ModelVersion version) {
  auto& list = models_[name];
  list.push_back(std::move(version));
  std::sort(list.begin(), list.end(), [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
}

const ModelVersion* ModelRegistry::find(const std::string& name, std::int64_t version) const {
  const auto found = models_.find(name);
  if (found == models_.end() || found->second.empty()) return nullptr;
  if (version == 0) return &found->second.back();
  for (const ModelVersion& candidate : found->second) {
    if (candidate.version == version) return &candidate;
  }
  return nullptr;
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, versions] : models_) names.push_back(name);
  return names;
}

const std::vector<ModelVersion>& ModelRegistry::versions(const std::string& name) const {
  static const std::vector<ModelVersion> kNone;
  const auto found = models_.find(name);
  return found == models_.end() ? kNone : found->second;
}

}  // namespace maas::serve
