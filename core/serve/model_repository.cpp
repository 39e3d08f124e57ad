#include "core/serve/model_repository.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/io/export.h"

namespace maas::serve {
namespace fs = std::filesystem;

namespace {

// Batch sizes run once before a version takes traffic, so the first real requests of each size do
// not pay for creating their oneDNN primitives.
constexpr std::size_t kMaxWarmupRows = 64;

// Lists the numeric version folders of `model_folder`, highest first.
std::vector<std::pair<std::int64_t, fs::path>> version_folders(const fs::path& model_folder) {
  std::vector<std::pair<std::int64_t, fs::path>> versions;
  std::error_code error;
  for (fs::directory_iterator it(model_folder, error), end; !error && it != end; it.increment(error)) {
    const std::optional<std::int64_t> version = io::parse_version_folder(it->path().filename().string());
    if (version && it->is_directory(error)) versions.emplace_back(*version, it->path());
  }
  std::sort(versions.rbegin(), versions.rend());
  return versions;
}

void warm_up(const std::shared_ptr<const infer::Predictor>& predictor, std::size_t max_batch_size) {
  Batcher direct(predictor, BatchingOptions{1, 0, 1});
  InferenceInput input;
  InferenceOutput output;
  const std::size_t largest = std::min(max_batch_size, kMaxWarmupRows);
  for (std::size_t rows = 1; rows <= largest; ++rows) {
    input.texts.assign(rows, "warm up");
    direct.run(input, output);
  }
}

}  // namespace

std::string folder_fingerprint(const fs::path& folder) {
  std::vector<std::string> parts;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    std::error_code item_error;
    const auto size = it->is_regular_file(item_error) ? it->file_size(item_error) : 0;
    const auto time = it->last_write_time(item_error).time_since_epoch().count();
    parts.push_back(fmt::format("{}:{}:{}", it->path().filename().string(), size, time));
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, "|"));
}

const LoadedVersion* ServedModel::find(std::int64_t version) const {
  if (versions.empty()) return nullptr;
  if (version == 0) return versions.back().get();
  for (const auto& loaded : versions) {
    if (loaded->version == version) return loaded.get();
  }
  return nullptr;
}

const ServedModel* RepositorySnapshot::find(const std::string& name) const {
  const auto found = models.find(name);
  return found == models.end() ? nullptr : &found->second;
}

ModelRepository::ModelRepository(fs::path dir, ModelConfig defaults, LoadObserver on_load, BatchSizeObserver on_batch)
    : dir_(std::move(dir)),
      defaults_(std::move(defaults)),
      on_load_(std::move(on_load)),
      on_batch_(std::move(on_batch)),
      snapshot_(std::make_shared<const RepositorySnapshot>()) {}

ModelRepository::~ModelRepository() { stop_watching(); }

std::shared_ptr<const RepositorySnapshot> ModelRepository::snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  return snapshot_;
}

std::shared_ptr<LoadedVersion> ModelRepository::load_version(const std::string& model, std::int64_t version,
                                                             const fs::path& path, const std::string& fingerprint,
                                                             const ModelConfig& config) {
  auto loaded = std::make_shared<LoadedVersion>();
  loaded->model = model;
  loaded->version = version;
  loaded->version_text = std::to_string(version);
  loaded->path = path;
  loaded->fingerprint = fingerprint;
  loaded->predictor = infer::Predictor::load(path);
  warm_up(loaded->predictor, config.batching.max_batch_size);
  Batcher::BatchObserver observer;
  if (on_batch_) {
    // The batcher lives inside *loaded, so the raw pointer outlives every call of the observer.
    LoadedVersion* self = loaded.get();
    observer = [self, on_batch = on_batch_](std::size_t rows) { on_batch(*self, rows); };
  }
  loaded->batcher = std::make_unique<Batcher>(loaded->predictor, config.batching, std::move(observer));
  return loaded;
}

void ModelRepository::scan_model(const std::string& name, const fs::path& folder, const ModelConfig& config,
                                 const ServedModel* previous, ServedModel& next) {
  next.name = name;
  next.config = config;
  const VersionPolicy& policy = config.version_policy;
  std::vector<std::shared_ptr<LoadedVersion>> chosen;

  for (const auto& [version, path] : version_folders(folder)) {
    if (policy.kind == VersionPolicy::Kind::kLatest && chosen.size() >= policy.latest) break;
    if (policy.kind == VersionPolicy::Kind::kSpecific &&
        !std::binary_search(policy.specific.begin(), policy.specific.end(), version)) {
      continue;
    }
    const std::string fingerprint = folder_fingerprint(path);
    std::shared_ptr<LoadedVersion> current;
    const FailedVersion* failed_before = nullptr;
    if (previous != nullptr) {
      for (const auto& loaded : previous->versions) {
        if (loaded->version == version) current = loaded;
      }
      for (const FailedVersion& failure : previous->failures) {
        if (failure.version == version) failed_before = &failure;
      }
    }
    const bool batching_changed =
        current && (current->batcher->options().max_batch_size != config.batching.max_batch_size ||
                    current->batcher->options().max_queue_delay_us != config.batching.max_queue_delay_us ||
                    current->batcher->options().max_queue_depth != config.batching.max_queue_depth);
    if (current && current->fingerprint == fingerprint && !batching_changed) {
      chosen.push_back(current);
      continue;
    }
    if (failed_before != nullptr && failed_before->fingerprint == fingerprint) {
      // Unchanged since it failed: keep the failure, and the old load if there is one, without retrying.
      next.failures.push_back(*failed_before);
      if (current) chosen.push_back(current);
      continue;
    }
    try {
      chosen.push_back(load_version(name, version, path, fingerprint, config));
      spdlog::info("loaded model '{}' version {} from {} ({}; max_batch_size {}, max_queue_delay_us {})", name,
                   version, path.string(), policy.describe(), config.batching.max_batch_size,
                   config.batching.max_queue_delay_us);
      if (on_load_) on_load_(name, version, true);
    } catch (const std::exception& e) {
      spdlog::error("failed to load model '{}' version {} from {}: {}{}", name, version, path.string(), e.what(),
                    current ? "; the copy loaded earlier keeps serving" : "");
      next.failures.push_back(FailedVersion{version, fingerprint, e.what()});
      if (current) chosen.push_back(current);
      if (on_load_) on_load_(name, version, false);
    }
  }
  std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a->version < b->version; });
  std::sort(next.failures.begin(), next.failures.end(),
            [](const FailedVersion& a, const FailedVersion& b) { return a.version < b.version; });
  next.versions = std::move(chosen);
}

void ModelRepository::scan() {
  std::lock_guard<std::mutex> scan_lock(scan_mutex_);
  std::error_code error;
  if (!fs::is_directory(dir_, error)) {
    throw IoError(fmt::format("model repository '{}' not found or not a folder", dir_.string()));
  }
  if (fs::exists(dir_ / "manifest.json", error)) {
    throw IoError(fmt::format(
        "'{}' is a single model folder, but --model-dir expects a repository of NAME/VERSION/ folders; "
        "create one with 'maas export {} --output REPO' and serve REPO",
        dir_.string(), dir_.string()));
  }
  try {
    config_ = std::make_unique<RepositoryConfig>(load_repository_config(dir_, defaults_));
  } catch (const Error& e) {
    if (!config_) throw;
    spdlog::error("ignoring the changed {}: {}; the previous settings stay in force", kRepositoryConfigFile, e.what());
  }

  const std::shared_ptr<const RepositorySnapshot> previous = snapshot();
  auto next = std::make_shared<RepositorySnapshot>();
  std::vector<fs::path> model_folders;
  for (fs::directory_iterator it(dir_, error), end; !error && it != end; it.increment(error)) {
    std::error_code item_error;
    if (it->is_directory(item_error)) model_folders.push_back(it->path());
  }
  std::sort(model_folders.begin(), model_folders.end());
  for (const fs::path& folder : model_folders) {
    const std::string name = folder.filename().string();
    if (!io::is_valid_model_name(name)) {
      if (warned_folders_.insert(name).second) {
        spdlog::warn("skipping '{}': a model name may hold only letters, digits, '.', '_' and '-'", folder.string());
      }
      continue;
    }
    ServedModel model;
    scan_model(name, folder, config_->for_model(name), previous->find(name), model);
    if (model.versions.empty() && model.failures.empty() && warned_folders_.insert(name).second) {
      spdlog::warn("skipping '{}': no numeric version folders (expected {}/1/ and so on)", folder.string(), name);
    }
    if (!model.versions.empty() || !model.failures.empty()) next->models.emplace(name, std::move(model));
  }

  for (const auto& [name, model] : previous->models) {
    const ServedModel* kept = next->find(name);
    for (const auto& loaded : model.versions) {
      const bool still_served = kept != nullptr && std::any_of(kept->versions.begin(), kept->versions.end(),
                                                               [&](const auto& v) { return v == loaded; });
      if (!still_served) {
        spdlog::info("unloading model '{}' version {} once its in-flight requests finish", name, loaded->version);
      }
    }
  }
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  snapshot_ = std::move(next);
}

void ModelRepository::watch(std::chrono::milliseconds interval) {
  stop_watching();
  {
    std::lock_guard<std::mutex> lock(watch_mutex_);
    watching_ = true;
  }
  watcher_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(watch_mutex_);
    while (!watch_wake_.wait_for(lock, interval, [this] { return !watching_; })) {
      lock.unlock();
      try {
        scan();
      } catch (const std::exception& e) {
        spdlog::error("repository scan of '{}' failed: {}; the loaded models keep serving", dir_.string(), e.what());
      }
      lock.lock();
    }
  });
}

void ModelRepository::stop_watching() {
  {
    std::lock_guard<std::mutex> lock(watch_mutex_);
    watching_ = false;
  }
  watch_wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

}  // namespace maas::serve
