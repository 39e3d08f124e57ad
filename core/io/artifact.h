#pragma once
// The model artifact: one folder holding everything needed to predict from raw text.
//
//   manifest.json        format and version, labels, architecture, training config and metrics,
//                        and the SHA-256 of every other file
//   tokenizer.json       the fitted tokenizer and padding settings (text::TextEncoder JSON), or
//                        from version 3 on only what encoding needs (inference_encoder.h)
//   weights.safetensors  every parameter, by name (docs/FORMAT.md lists names and layouts)
//
// save_artifact() builds the folder under a temporary name and publishes it with one rename, so a
// crash never leaves a partial folder under the artifact's name. load_artifact() checks the format
// version, every checksum and every tensor's shape before returning.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/task.h"
#include "core/io/quantize.h"
#include "core/nn/sequential.h"
#include "core/text/text_encoder.h"

namespace maas::io {

inline constexpr std::string_view kArtifactFormat = "maas.model";
// Version 1: float32 weights. save_artifact still writes it, so older maas releases read every
// float model.
inline constexpr int kArtifactFormatVersion = 1;
// Version 2: embedding tables and layer kernels as int8 with float32 scales per output channel
// (quantize.h). Versions 2 and later hold int8 weights.
inline constexpr int kQuantizedFormatVersion = 2;
// Version 3: version 2 with tokenizer.json reduced to what encoding needs (inference_encoder.h).
// save_quantized_artifact writes it.
inline constexpr int kInferenceTokenizerFormatVersion = 3;
// The newest version load_artifact reads; it reads every version from 1 up to this one.
inline constexpr int kMaxArtifactFormatVersion = 3;
// Largest manifest.json and tokenizer.json load_artifact reads, so that a damaged file cannot
// exhaust memory. A vocabulary of 1,000,000 words takes roughly 25 MB in the full document.
inline constexpr std::uint64_t kMaxArtifactJsonBytes = std::uint64_t{1} << 30;
// Largest padding.max_length load_artifact accepts: the maximum tokenizer.max_length of a training
// config. Inference allocates max_length ids per text.
inline constexpr int kMaxSequenceLength = 100000;
// Name of the scales tensor stored beside the int8 tensor `name` from version 2 on.
inline constexpr std::string_view kScalesSuffix = ".scales";
// The scheme name predates per-channel scales for rank-3 kernels (quantize.h) and stays: for
// rank-2 tensors, the only ones older releases wrote, rows are the channels. Older readers reject
// a rank-3 scales tensor by its shape, so the new kernels needed no new format version.
inline constexpr std::string_view kQuantizationScheme = "int8_symmetric_per_row";
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kTokenizerFile = "tokenizer.json";
inline constexpr std::string_view kWeightsFile = "weights.safetensors";

struct ModelManifest {
  int format_version = kArtifactFormatVersion;
  std::string maas_version;
  std::string created_at;  // UTC, ISO 8601
  std::string name;
  // What the outputs mean. Written as "task"; a manifest without it (maas before the field
  // existed) is a classifier.
  Task task = Task::kClassification;
  // Output index -> name: a class name for classification and multi_label, the target's name
  // (the label column) for regression.
  std::vector<std::string> labels;
  nlohmann::json architecture;       // nn::Sequential::to_json()
  nlohmann::json training;           // {"config": ..., "metrics": ...}; free-form
  std::map<std::string, std::string> sha256;  // file name -> digest
  // Version 2 only: {"scheme": "int8_symmetric_per_row", "tensors": [parameter names]}; null in
  // version 1.
  nlohmann::json quantization;
};

// A loaded artifact: ready for inference. `network` is const-safe for concurrent predict().
// For a version 2 artifact `network` contains the dequantized weights (int8 value * scale), so
// every float code path runs the quantized model, and `quantized` contains the int8 tensors.
struct Model {
  ModelManifest manifest;
  nn::Sequential network;
  text::TextEncoder encoder;
  QuantizedWeights quantized = {};  // empty for version 1
  // True when tokenizer.json held only what encoding needs (version 3). The encoder then has
  // placeholder word counts (1 each, document_count 0), so write it with inference_encoder_to_json.
  bool inference_tokenizer = false;
};

// Writes the artifact folder `dir` atomically, replacing an existing one. Fills in format version,
// maas version, creation time and checksums; the caller sets name, labels and training.
void save_artifact(const std::filesystem::path& dir, ModelManifest manifest, const nn::Sequential& network,
                   const text::TextEncoder& encoder);

// Writes a version 3 artifact: like save_artifact, but every parameter that int8_scales_shape
// selects (embedding tables and layer kernels) is stored as int8 with per-channel scales
// (quantize.h), and tokenizer.json keeps only what encoding needs (inference_encoder.h). Throws
// InvalidArgument for a non-finite weight.
void save_quantized_artifact(const std::filesystem::path& dir, ModelManifest manifest, const nn::Sequential& network,
                             const text::TextEncoder& encoder);

// Loads and verifies an artifact folder of any version from 1 to kMaxArtifactFormatVersion. Every
// file must be a regular file within its size limit and match the checksum the manifest records.
// Labels must be distinct and not empty. The output layer must fit the task. Classification needs
// a softmax with one unit per label, or one sigmoid unit for two labels. multi_label needs one
// sigmoid unit per label, and regression one linear unit per label. Tensors must match the
// architecture and cover the data of weights.safetensors exactly once. Throws IoError naming the folder, file and tensor at fault.
Model load_artifact(const std::filesystem::path& dir);

// Reads and verifies only the manifest (format, version, fields); used to list models cheaply.
ModelManifest read_manifest(const std::filesystem::path& dir);

}  // namespace maas::io
