#pragma once
// The models a server serves, read from a repository folder laid out as NAME/VERSION/ with
// numeric versions (the layout `maas export` writes and TF Serving reads).

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/infer/predictor.h"

namespace maas::serve {

struct ModelVersion {
  std::int64_t version = 0;
  std::filesystem::path path;
  std::shared_ptr<const infer::Predictor> predictor;
};

class ModelRegistry {
 public:
  // Loads the latest version of every model under `dir`. A model whose versions all fail to load
  // is logged and skipped; an empty repository or one with no loadable model is an IoError.
  static ModelRegistry load_repository(const std::filesystem::path& dir);

  void add(const std::string& name, ModelVersion version);

  // Returns nullptr when the model or version is not loaded. version 0 means the latest.
  const ModelVersion* find(const std::string& name, std::int64_t version = 0) const;
  std::vector<std::string> names() const;
  const std::vector<ModelVersion>& versions(const std::string& name) const;  // ascending; empty if unknown

 private:
  std::map<std::string, std::vector<ModelVersion>> models_;
};

}  // namespace maas::serve
