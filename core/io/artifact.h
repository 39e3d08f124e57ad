#pragma once
// The model artifact: one folder holding everything needed to predict from raw text.
//
//   manifest.json        format and version, labels, architecture, training config and metrics,
//                        and the SHA-256 of every other file
//   tokenizer.json       the fitted tokenizer and padding settings (text::TextEncoder JSON)
//   weights.safetensors  every parameter, by name
//
// save_artifact() builds the folder under a temporary name and publishes it with one rename, so a
// crash never leaves a partial folder under the artifact's name. load_artifact() checks the format
// version, every checksum and every tensor's shape before returning.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/nn/sequential.h"
#include "core/text/text_encoder.h"

namespace maas::io {

inline constexpr std::string_view kArtifactFormat = "maas.model";
inline constexpr int kArtifactFormatVersion = 1;
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kTokenizerFile = "tokenizer.json";
inline constexpr std::string_view kWeightsFile = "weights.safetensors";

struct ModelManifest {
  int format_version = kArtifactFormatVersion;
  std::string maas_version;
  std::string created_at;  // UTC, ISO 8601
  std::string name;
  std::vector<std::string> labels;   // class index -> label name
  nlohmann::json architecture;       // nn::Sequential::to_json()
  nlohmann::json training;           // {"config": ..., "metrics": ...}; free-form
  std::map<std::string, std::string> sha256;  // file name -> digest
};

// A loaded artifact: ready for inference. `network` is const-safe for concurrent predict().
struct Model {
  ModelManifest manifest;
  nn::Sequential network;
  text::TextEncoder encoder;
};

// Writes the artifact folder `dir` atomically, replacing an existing one. Fills in format version,
// maas version, creation time and checksums; the caller sets name, labels and training.
void save_artifact(const std::filesystem::path& dir, ModelManifest manifest, const nn::Sequential& network,
                   const text::TextEncoder& encoder);

// Loads and verifies an artifact folder. Throws IoError naming the folder, file and tensor at fault.
Model load_artifact(const std::filesystem::path& dir);

// Reads and verifies only the manifest (format, version, fields); used to list models cheaply.
ModelManifest read_manifest(const std::filesystem::path& dir);

}  // namespace maas::io
