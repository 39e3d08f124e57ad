#pragma once
// The models a server serves, read from a repository folder laid out as NAME/VERSION/ with numeric
// versions (the layout `maas export` writes and TF Serving reads), kept in step with the folder.
//
// Each scan loads the versions that each model's version policy selects, warms them up before they
// take traffic and publishes a new immutable snapshot. Requests hold the snapshot they started
// with, so a version removed from the repository is freed only after its in-flight requests end.
// A version that fails to load (damaged, or still being copied) is logged and skipped, and the
// versions already loaded keep serving; it is retried once its files change.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/infer/predictor.h"
#include "core/serve/batcher.h"
#include "core/serve/repository_config.h"

namespace maas::serve {

struct LoadedVersion {
  std::string model;
  std::int64_t version = 0;
  std::string version_text;   // decimal version, for responses and metric labels
  std::filesystem::path path;
  std::string fingerprint;    // file names, sizes and times when loaded; a change triggers a reload
  std::shared_ptr<const infer::Predictor> predictor;
  std::unique_ptr<Batcher> batcher;
};

// A version the policy selected that failed to load, reported by the status endpoints.
struct FailedVersion {
  std::int64_t version = 0;
  std::string fingerprint;
  std::string message;
};

struct ServedModel {
  std::string name;
  ModelConfig config;
  std::vector<std::shared_ptr<LoadedVersion>> versions;   // ascending
  std::vector<FailedVersion> failures;                     // ascending

  // Returns the version, or the latest one for version 0; nullptr when it is not loaded.
  const LoadedVersion* find(std::int64_t version) const;
};

// One consistent view of every served model. Immutable once published.
struct RepositorySnapshot {
  std::map<std::string, ServedModel> models;

  const ServedModel* find(const std::string& name) const;
};

// Called after every load attempt, from the scanning thread.
using LoadObserver = std::function<void(const std::string& model, std::int64_t version, bool ok)>;
// Called once per batch with the model, version and number of texts, from the thread that ran it.
using BatchSizeObserver = std::function<void(const LoadedVersion& version, std::size_t rows)>;

class ModelRepository {
 public:
  // `defaults` apply to every model models.yaml does not configure. Loads nothing until scan().
  ModelRepository(std::filesystem::path dir, ModelConfig defaults, LoadObserver on_load = {},
                  BatchSizeObserver on_batch = {});
  ~ModelRepository();
  ModelRepository(const ModelRepository&) = delete;
  ModelRepository& operator=(const ModelRepository&) = delete;

  // Reads models.yaml and the folders once and publishes the result. Throws IoError when `dir` is
  // not a repository folder and ConfigError for an invalid models.yaml; a later scan that meets
  // an invalid models.yaml logs it and keeps the previous settings.
  void scan();

  // Rescans every `interval` on a background thread until stop_watching() or destruction.
  void watch(std::chrono::milliseconds interval);
  void stop_watching();

  // Returns the current snapshot; never nullptr (empty before the first scan).
  std::shared_ptr<const RepositorySnapshot> snapshot() const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::shared_ptr<LoadedVersion> load_version(const std::string& model, std::int64_t version,
                                              const std::filesystem::path& path, const std::string& fingerprint,
                                              const ModelConfig& config);
  void scan_model(const std::string& name, const std::filesystem::path& folder, const ModelConfig& config,
                  const ServedModel* previous, ServedModel& next);

  std::filesystem::path dir_;
  ModelConfig defaults_;
  LoadObserver on_load_;
  BatchSizeObserver on_batch_;
  std::unique_ptr<RepositoryConfig> config_;   // last valid models.yaml
  std::set<std::string> warned_folders_;       // skipped folders already logged, so each scan does not repeat them

  std::mutex scan_mutex_;                      // one scan at a time
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const RepositorySnapshot> snapshot_;

  std::mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool watching_ = false;
  std::thread watcher_;
};

// Returns a string that changes whenever a file in `folder` is added, removed, resized or
// rewritten: its file names, sizes and modification times.
std::string folder_fingerprint(const std::filesystem::path& folder);

}  // namespace maas::serve
