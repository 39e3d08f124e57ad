#include "core/io/artifact.h"

#include <chrono>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
#include "core/io/safetensors.h"
#include "core/io/sha256.h"

namespace maas::io {
namespace fs = std::filesystem;

namespace {

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

nlohmann::ordered_json manifest_to_json(const ModelManifest& manifest) {
  nlohmann::ordered_json j;
  j["format"] = kArtifactFormat;
  j["format_version"] = manifest.format_version;
  j["maas_version"] = manifest.maas_version;
  j["created_at"] = manifest.created_at;
  j["name"] = manifest.name;
  j["labels"] = manifest.labels;
  j["architecture"] = manifest.architecture;
  j["files"] = manifest.sha256;
  j["training"] = manifest.training;
  return j;
}

// Reads a manifest field with a message naming the file and the JSON key on a missing or mistyped value.
template <typename T>
T manifest_field(const nlohmann::json& j, const char* key, const fs::path& file) {
  if (!j.contains(key)) {
    throw IoError(fmt::format("'{}' is missing the field '{}'; the artifact is damaged or not a maas model",
                              file.string(), key));
  }
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw IoError(fmt::format("'{}' field '{}' has the wrong type ({}): {}", file.string(), key,
                              j.at(key).type_name(), e.what()));
  }
}

ModelManifest parse_manifest(const fs::path& dir) {
  const fs::path file = dir / kManifestFile;
  if (!fs::exists(file)) {
    throw IoError(fmt::format("'{}' is not a maas model: '{}' not found (train one with 'maas train CONFIG')",
                              dir.string(), kManifestFile));
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(file));
  } catch (const nlohmann::json::parse_error& e) {
    throw IoError(fmt::format("'{}' is not valid JSON: {}", file.string(), e.what()));
  }
  if (!j.is_object() || manifest_field<std::string>(j, "format", file) != kArtifactFormat) {
    throw IoError(fmt::format("'{}' is not a maas model manifest: expected \"format\": \"{}\"", file.string(),
                              kArtifactFormat));
  }
  ModelManifest manifest;
  manifest.format_version = manifest_field<int>(j, "format_version", file);
  if (manifest.format_version < 1 || manifest.format_version > kArtifactFormatVersion) {
    throw IoError(fmt::format(
        "'{}' has format version {}, but this maas ({}) reads versions 1 to {}; upgrade maas to load it",
        file.string(), manifest.format_version, MAAS_VERSION, kArtifactFormatVersion));
  }
  manifest.maas_version = manifest_field<std::string>(j, "maas_version", file);
  manifest.created_at = manifest_field<std::string>(j, "created_at", file);
  manifest.name = manifest_field<std::string>(j, "name", file);
  manifest.labels = manifest_field<std::vector<std::string>>(j, "labels", file);
  manifest.architecture = manifest_field<nlohmann::json>(j, "architecture", file);
  manifest.sha256 = manifest_field<std::map<std::string, std::string>>(j, "files", file);
  manifest.training = j.value("training", nlohmann::json::object());
  if (manifest.labels.empty()) {
    throw IoError(fmt::format("'{}' lists no labels; the artifact is damaged", file.string()));
  }
  return manifest;
}

// Reads a file listed in the manifest and checks its digest.
std::string read_verified(const fs::path& dir, const ModelManifest& manifest, std::string_view name) {
  const auto listed = manifest.sha256.find(std::string(name));
  if (listed == manifest.sha256.end()) {
    throw IoError(fmt::format("'{}' lists no checksum for '{}'; the artifact is damaged", (dir / kManifestFile).string(),
                              name));
  }
  const std::string bytes = read_file(dir / name);
  const std::string actual = sha256_hex(bytes);
  if (actual != listed->second) {
    throw IoError(fmt::format("'{}' is corrupted: SHA-256 {} does not match {} recorded in {}; re-export or retrain the model",
                              (dir / name).string(), actual, listed->second, kManifestFile));
  }
  return bytes;
}

void load_weights(nn::Sequential& network, const std::map<std::string, Tensor>& tensors, const fs::path& file) {
  std::size_t used = 0;
  for (nn::Parameter& parameter : network.parameters()) {
    const auto found = tensors.find(parameter.name);
    if (found == tensors.end()) {
      throw IoError(fmt::format("'{}' has no tensor '{}' that the architecture needs", file.string(), parameter.name));
    }
    const Tensor& stored = found->second;
    if (stored.shape() != parameter.value.shape() || stored.dtype() != parameter.value.dtype()) {
      throw IoError(fmt::format("'{}' tensor '{}' has shape {} but the architecture expects {}", file.string(),
                                parameter.name, shape_to_string(stored.shape()),
                                shape_to_string(parameter.value.shape())));
    }
    std::memcpy(parameter.value.raw_data(), stored.raw_data(), static_cast<std::size_t>(stored.numel()) * 4);
    ++used;
  }
  if (used != tensors.size()) {
    throw IoError(fmt::format("'{}' holds {} tensors but the architecture uses {}; the artifact does not match its manifest",
                              file.string(), tensors.size(), used));
  }
}

}  // namespace

void save_artifact(const fs::path& dir, ModelManifest manifest, const nn::Sequential& network,
                   const text::TextEncoder& encoder) {
  manifest.format_version = kArtifactFormatVersion;
  manifest.maas_version = MAAS_VERSION;
  manifest.created_at = utc_now_iso8601();
  manifest.architecture = network.to_json();

  std::vector<NamedTensor> named;
  for (const nn::Parameter& parameter : network.parameters()) {
    named.push_back({parameter.name, &parameter.value});
  }
  const std::string weights = encode_safetensors(named, {{"format", "pt"}});
  const std::string tokenizer = encoder.to_json().dump(2);
  manifest.sha256 = {{std::string(kTokenizerFile), sha256_hex(tokenizer)},
                     {std::string(kWeightsFile), sha256_hex(weights)}};

  StagingDir staging(dir);
  write_file_atomic(staging.path() / kWeightsFile, weights);
  write_file_atomic(staging.path() / kTokenizerFile, tokenizer);
  // The manifest goes last: a folder without one is never taken for a model.
  write_file_atomic(staging.path() / kManifestFile, manifest_to_json(manifest).dump(2) + "\n");
  staging.commit();
}

ModelManifest read_manifest(const fs::path& dir) { return parse_manifest(dir); }

Model load_artifact(const fs::path& dir) {
  if (!fs::is_directory(dir)) {
    throw IoError(fmt::format("model folder '{}' not found", dir.string()));
  }
  ModelManifest manifest = parse_manifest(dir);

  nn::Sequential network = [&] {
    try {
      return nn::Sequential::from_json(manifest.architecture);
    } catch (const Error& e) {
      throw IoError(fmt::format("'{}' has an invalid architecture: {}", (dir / kManifestFile).string(), e.what()));
    }
  }();

  const std::string tokenizer_text = read_verified(dir, manifest, kTokenizerFile);
  text::TextEncoder encoder = [&] {
    try {
      return text::TextEncoder::from_json(nlohmann::json::parse(tokenizer_text));
    } catch (const nlohmann::json::exception& e) {
      throw IoError(fmt::format("'{}' is not valid JSON: {}", (dir / kTokenizerFile).string(), e.what()));
    } catch (const InvalidArgument& e) {
      throw IoError(fmt::format("'{}' is invalid: {}", (dir / kTokenizerFile).string(), e.what()));
    }
  }();

  const nlohmann::json& first_layer = manifest.architecture["layers"][0];
  if (first_layer.value("type", "") == "embedding" && encoder.vocab_size() > first_layer.value("input_dim", 0)) {
    throw IoError(fmt::format("'{}' produces ids up to {} but the embedding holds only {} rows; the artifact is inconsistent",
                              (dir / kTokenizerFile).string(), encoder.vocab_size() - 1,
                              first_layer.value("input_dim", 0)));
  }

  const std::string weights = read_verified(dir, manifest, kWeightsFile);
  load_weights(network, decode_safetensors(weights, (dir / kWeightsFile).string()), dir / kWeightsFile);

  if (network.outputs() != static_cast<int>(manifest.labels.size()) &&
      !(network.outputs() == 1 && manifest.labels.size() == 2)) {
    throw IoError(fmt::format("'{}' lists {} labels but the network has {} outputs", (dir / kManifestFile).string(),
                              manifest.labels.size(), network.outputs()));
  }
  return Model{std::move(manifest), std::move(network), std::move(encoder)};
}

}  // namespace maas::io
