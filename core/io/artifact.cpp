#include "core/io/artifact.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <ctime>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
#include "core/io/inference_encoder.h"
#include "core/io/safetensors.h"
#include "core/io/sha256.h"

namespace maas::io {
namespace fs = std::filesystem;

namespace {

// Room for the JSON header of weights.safetensors on top of the tensor bytes the architecture
// needs. The header lists each tensor's name, dtype, shape and offsets in well under 1 KB.
constexpr std::uint64_t kMaxSafetensorsHeaderBytes = std::uint64_t{16} << 20;

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
  j["task"] = task_name(manifest.task);
  j["labels"] = manifest.labels;
  j["architecture"] = manifest.architecture;
  j["files"] = manifest.sha256;
  j["training"] = manifest.training;
  if (manifest.format_version >= kQuantizedFormatVersion) j["quantization"] = manifest.quantization;
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

// Rejects an empty label list, an empty label and a label listed twice: predict output maps each
// label to its probability, so a second entry would hide one class.
void check_labels(const std::vector<std::string>& labels, const fs::path& file) {
  if (labels.empty()) {
    throw IoError(fmt::format("'{}' lists no labels; the artifact is damaged", file.string()));
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].empty()) {
      throw IoError(fmt::format("'{}' field 'labels' has an empty label at position {}; every class needs a name, "
                                "so the artifact is damaged",
                                file.string(), i));
    }
    if (!seen.insert(labels[i]).second) {
      throw IoError(fmt::format("'{}' field 'labels' lists \"{}\" twice (again at position {}); each class needs its "
                                "own label, so the artifact is damaged",
                                file.string(), labels[i], i));
    }
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
    j = nlohmann::json::parse(read_regular_file(file, kMaxArtifactJsonBytes));
  } catch (const nlohmann::json::parse_error& e) {
    throw IoError(fmt::format("'{}' is not valid JSON: {}", file.string(), e.what()));
  }
  if (!j.is_object() || manifest_field<std::string>(j, "format", file) != kArtifactFormat) {
    throw IoError(fmt::format("'{}' is not a maas model manifest: expected \"format\": \"{}\"", file.string(),
                              kArtifactFormat));
  }
  ModelManifest manifest;
  // nlohmann's get<int> truncates 1.5 to 1, so a float version would pass as an older one.
  if (j.contains("format_version") && !j["format_version"].is_number_integer()) {
    throw IoError(fmt::format("'{}' field 'format_version' is {}, expected an integer from 1 to {}; the artifact "
                              "is damaged",
                              file.string(), j["format_version"].dump(), kMaxArtifactFormatVersion));
  }
  manifest.format_version = manifest_field<int>(j, "format_version", file);
  if (manifest.format_version < 1 || manifest.format_version > kMaxArtifactFormatVersion) {
    throw IoError(fmt::format(
        "'{}' has format version {}, but this maas ({}) reads versions 1 to {}; upgrade maas to load it",
        file.string(), manifest.format_version, MAAS_VERSION, kMaxArtifactFormatVersion));
  }
  manifest.maas_version = manifest_field<std::string>(j, "maas_version", file);
  manifest.created_at = manifest_field<std::string>(j, "created_at", file);
  manifest.name = manifest_field<std::string>(j, "name", file);
  if (j.contains("task")) {
    const std::string task = manifest_field<std::string>(j, "task", file);
    try {
      manifest.task = parse_task(task);
    } catch (const InvalidArgument& e) {
      throw IoError(fmt::format("'{}' field 'task': {}; the artifact is damaged or needs a newer maas", file.string(),
                                e.what()));
    }
  }
  manifest.labels = manifest_field<std::vector<std::string>>(j, "labels", file);
  manifest.architecture = manifest_field<nlohmann::json>(j, "architecture", file);
  manifest.sha256 = manifest_field<std::map<std::string, std::string>>(j, "files", file);
  manifest.training = j.value("training", nlohmann::json::object());
  check_labels(manifest.labels, file);
  if (manifest.format_version >= kQuantizedFormatVersion) {
    manifest.quantization = manifest_field<nlohmann::json>(j, "quantization", file);
    const nlohmann::json& quantization = manifest.quantization;
    if (!quantization.is_object() || quantization.value("scheme", "") != kQuantizationScheme ||
        !quantization.contains("tensors") || !quantization["tensors"].is_array()) {
      throw IoError(fmt::format("'{}' field 'quantization' is {}, expected {{\"scheme\": \"{}\", \"tensors\": [names]}}; "
                                "the artifact is damaged or was written by a newer maas",
                                file.string(), quantization.dump(), kQuantizationScheme));
    }
  }
  return manifest;
}

// Reads a file listed in the manifest, of at most `max_bytes` bytes, and checks its digest.
std::string read_verified(const fs::path& dir, const ModelManifest& manifest, std::string_view name,
                          std::uint64_t max_bytes) {
  const auto listed = manifest.sha256.find(std::string(name));
  if (listed == manifest.sha256.end()) {
    throw IoError(fmt::format("'{}' lists no checksum for '{}'; the artifact is damaged", (dir / kManifestFile).string(),
                              name));
  }
  const std::string bytes = read_regular_file(dir / name, max_bytes);
  const std::string actual = sha256_hex(bytes);
  if (actual != listed->second) {
    throw IoError(fmt::format("'{}' is corrupted: SHA-256 {} does not match {} recorded in {}; re-export or retrain the model",
                              (dir / name).string(), actual, listed->second, kManifestFile));
  }
  return bytes;
}

void check_float_tensor(const Tensor& stored, const std::string& name, const std::vector<std::int64_t>& shape,
                        const fs::path& file) {
  if (stored.shape() != shape || stored.dtype() != DType::kFloat32) {
    throw IoError(fmt::format("'{}' tensor '{}' is {} {} but the architecture expects float32 {}", file.string(), name,
                              dtype_name(stored.dtype()), shape_to_string(stored.shape()), shape_to_string(shape)));
  }
}

// Reads the int8 tensor of `parameter` and its scales, checks both shapes and returns them.
QuantizedTensor read_quantized(SafetensorsContents& contents, const nn::Parameter& parameter, const fs::path& file) {
  const std::optional<std::vector<std::int64_t>> scales_shape =
      int8_scales_shape(parameter.name, parameter.value.shape());
  if (!scales_shape) {
    throw IoError(fmt::format("'{}' lists '{}' as int8, but maas keeps that parameter float32; the artifact is "
                              "damaged or was written by a newer maas",
                              (file.parent_path() / kManifestFile).string(), parameter.name));
  }
  const auto values = contents.int8_tensors.find(parameter.name);
  if (values == contents.int8_tensors.end()) {
    throw IoError(fmt::format("'{}' has no int8 tensor '{}' that the manifest lists as quantized", file.string(),
                              parameter.name));
  }
  if (values->second.shape != parameter.value.shape()) {
    throw IoError(fmt::format("'{}' tensor '{}' has shape {} but the architecture expects {}", file.string(),
                              parameter.name, shape_to_string(values->second.shape),
                              shape_to_string(parameter.value.shape())));
  }
  const std::string scales_name = parameter.name + std::string(kScalesSuffix);
  const auto scales = contents.tensors.find(scales_name);
  if (scales == contents.tensors.end()) {
    throw IoError(fmt::format("'{}' has no tensor '{}' with the scales of '{}'", file.string(), scales_name,
                              parameter.name));
  }
  check_float_tensor(scales->second, scales_name, *scales_shape, file);
  QuantizedTensor quantized{std::move(values->second), {}, *scales_shape};
  const float* scale = scales->second.data<float>();
  quantized.scales.assign(scale, scale + scales->second.numel());
  contents.int8_tensors.erase(values);
  contents.tensors.erase(scales);
  return quantized;
}

// Fills every parameter of `network` from the file's tensors. Parameters listed in `quantized_names`
// come from int8 tensors and are dequantized; their int8 form goes to `quantized`.
void load_weights(nn::Sequential& network, SafetensorsContents contents, const std::vector<std::string>& quantized_names,
                  QuantizedWeights& quantized, const fs::path& file) {
  for (nn::Parameter& parameter : network.parameters()) {
    if (std::find(quantized_names.begin(), quantized_names.end(), parameter.name) != quantized_names.end()) {
      QuantizedTensor stored = read_quantized(contents, parameter, file);
      parameter.value = dequantize(stored);
      quantized.emplace(parameter.name, std::move(stored));
      continue;
    }
    const auto found = contents.tensors.find(parameter.name);
    if (found == contents.tensors.end()) {
      throw IoError(fmt::format("'{}' has no tensor '{}' that the architecture needs", file.string(), parameter.name));
    }
    const Tensor& stored = found->second;
    if (stored.shape() != parameter.value.shape() || stored.dtype() != parameter.value.dtype()) {
      throw IoError(fmt::format("'{}' tensor '{}' has shape {} but the architecture expects {}", file.string(),
                                parameter.name, shape_to_string(stored.shape()),
                                shape_to_string(parameter.value.shape())));
    }
    std::memcpy(parameter.value.raw_data(), stored.raw_data(), static_cast<std::size_t>(stored.numel()) * 4);
    contents.tensors.erase(found);
  }
  const std::size_t unused = contents.tensors.size() + contents.int8_tensors.size();
  if (unused != 0) {
    const std::string first = contents.tensors.empty() ? contents.int8_tensors.begin()->first
                                                       : contents.tensors.begin()->first;
    throw IoError(fmt::format("'{}' contains {} tensors the architecture does not use, such as '{}'; the artifact does "
                              "not match its manifest",
                              file.string(), unused, first));
  }
}

// Writes the folder: weights, tokenizer, then the manifest with both checksums. `tokenizer` is
// the tokenizer.json document.
void write_artifact(const fs::path& dir, ModelManifest manifest, const std::string& weights,
                    const nn::Sequential& network, const nlohmann::json& tokenizer_document) {
  manifest.maas_version = MAAS_VERSION;
  manifest.created_at = utc_now_iso8601();
  manifest.architecture = network.to_json();
  // Without indentation: a pretty-printed vocabulary is about three times larger.
  const std::string tokenizer = tokenizer_document.dump();
  manifest.sha256 = {{std::string(kTokenizerFile), sha256_hex(tokenizer)},
                     {std::string(kWeightsFile), sha256_hex(weights)}};

  StagingDir staging(dir);
  write_file_atomic(staging.path() / kWeightsFile, weights);
  write_file_atomic(staging.path() / kTokenizerFile, tokenizer);
  // The manifest goes last: a folder without one is never taken for a model.
  write_file_atomic(staging.path() / kManifestFile, manifest_to_json(manifest).dump(2) + "\n");
  staging.commit();
}

// Reads tokenizer.json: the full text::TextEncoder document, or from version 3 on the inference
// document. Either way padding.max_length must be at most kMaxSequenceLength.
text::TextEncoder read_encoder(const fs::path& dir, const ModelManifest& manifest, bool inference_tokenizer) {
  const fs::path file = dir / kTokenizerFile;
  const std::string tokenizer_text = read_verified(dir, manifest, kTokenizerFile, kMaxArtifactJsonBytes);
  text::TextEncoder encoder = [&] {
    try {
      const nlohmann::json document = nlohmann::json::parse(tokenizer_text);
      return inference_tokenizer ? inference_encoder_from_json(document) : text::TextEncoder::from_json(document);
    } catch (const nlohmann::json::exception& e) {
      throw IoError(fmt::format("'{}' is not valid JSON: {}", file.string(), e.what()));
    } catch (const Error& e) {
      throw IoError(fmt::format("'{}' is invalid: {}", file.string(), e.what()));
    }
  }();
  if (encoder.max_length() > kMaxSequenceLength) {
    throw IoError(fmt::format("'{}' has padding.max_length {}, but maas reads at most {} ids per text (the "
                              "training limit of tokenizer.max_length); the artifact is damaged",
                              file.string(), encoder.max_length(), kMaxSequenceLength));
  }
  return encoder;
}

// Returns the tensor bytes weights.safetensors needs for `network`: 4 per float32 value, and for
// each parameter in `quantized_names` 1 per int8 value plus 4 per scale.
std::uint64_t expected_tensor_bytes(const nn::Sequential& network, const std::vector<std::string>& quantized_names) {
  std::uint64_t total = 0;
  for (const nn::Parameter& parameter : network.parameters()) {
    const auto values = static_cast<std::uint64_t>(parameter.value.numel());
    const bool listed =
        std::find(quantized_names.begin(), quantized_names.end(), parameter.name) != quantized_names.end();
    const std::optional<std::vector<std::int64_t>> scales_shape =
        listed ? int8_scales_shape(parameter.name, parameter.value.shape()) : std::nullopt;
    if (scales_shape) {
      std::uint64_t scales = 1;
      for (const std::int64_t size : *scales_shape) scales *= static_cast<std::uint64_t>(size);
      total += values + 4 * scales;
    } else {
      total += 4 * values;
    }
  }
  return total;
}

// Checks that a multi_label network has one sigmoid unit per label and a regression network one
// linear unit per target.
void check_task_output_layer(const ModelManifest& manifest, int outputs, const fs::path& file) {
  const nlohmann::json& last = manifest.architecture.at("layers").back();
  const std::string type = last.value("type", "");
  const std::string activation = last.value("activation", "");
  const std::string expected = manifest.task == Task::kMultiLabel ? "sigmoid" : "linear";
  if (type == "dense" && activation == expected && outputs == static_cast<int>(manifest.labels.size())) return;
  throw IoError(fmt::format("'{}' has task {} with {} labels, but its output layer '{}' has {} units and activation "
                            "'{}': expected dense with {} units and activation '{}'; the artifact is damaged or was "
                            "edited",
                            file.string(), task_name(manifest.task), manifest.labels.size(), type, outputs, activation,
                            manifest.labels.size(), expected));
}

// Checks that the network's output gives one probability per label: softmax over one unit per
// label, or one sigmoid unit for two labels. Any other output (sigmoid on 6 units, linear) gives
// numbers that predict would report as probabilities.
void check_output_layer(const ModelManifest& manifest, int outputs, const fs::path& file) {
  const std::size_t labels = manifest.labels.size();
  if (manifest.task != Task::kClassification) {
    check_task_output_layer(manifest, outputs, file);
    return;
  }
  if (outputs != static_cast<int>(labels) && !(outputs == 1 && labels == 2)) {
    throw IoError(fmt::format("'{}' lists {} labels but the network has {} outputs", file.string(), labels, outputs));
  }
  const nlohmann::json& last = manifest.architecture.at("layers").back();
  const std::string type = last.value("type", "");
  const std::string activation = last.value("activation", "");
  const bool binary_sigmoid = outputs == 1 && activation == "sigmoid";
  const bool softmax = outputs >= 2 && activation == "softmax";
  if (type == "dense" && (binary_sigmoid || softmax)) return;
  throw IoError(fmt::format("'{}' has an output layer '{}' with {} units and activation '{}', which does not give "
                            "probabilities for {} labels: expected softmax with {} units{}; the artifact is damaged "
                            "or was edited",
                            file.string(), type, outputs, activation, labels, labels,
                            labels == 2 ? ", or sigmoid with 1 unit" : ""));
}

}  // namespace

void save_artifact(const fs::path& dir, ModelManifest manifest, const nn::Sequential& network,
                   const text::TextEncoder& encoder) {
  manifest.format_version = kArtifactFormatVersion;
  manifest.quantization = nullptr;
  std::vector<NamedTensor> named;
  for (const nn::Parameter& parameter : network.parameters()) {
    named.push_back({parameter.name, &parameter.value});
  }
  write_artifact(dir, std::move(manifest), encode_safetensors(named, {{"format", "pt"}}), network, encoder.to_json());
}

void save_quantized_artifact(const fs::path& dir, ModelManifest manifest, const nn::Sequential& network,
                             const text::TextEncoder& encoder) {
  // Scales are float tensors, so each one needs a stable home until encoding is done.
  std::vector<std::pair<std::string, Tensor>> scales;
  std::vector<std::pair<std::string, QuantizedTensor>> quantized;
  std::vector<NamedTensor> named;
  nlohmann::json quantized_names = nlohmann::json::array();
  for (const nn::Parameter& parameter : network.parameters()) {
    std::optional<std::vector<std::int64_t>> scales_shape = int8_scales_shape(parameter.name, parameter.value.shape());
    if (!scales_shape) {
      named.push_back({parameter.name, &parameter.value});
      continue;
    }
    quantized.emplace_back(parameter.name, quantize_channels(parameter.value, std::move(*scales_shape), parameter.name));
    quantized_names.push_back(parameter.name);
  }
  scales.reserve(quantized.size());
  std::vector<NamedInt8Tensor> int8_named;
  for (const auto& [name, tensor] : quantized) {
    Tensor scale(tensor.scales_shape, DType::kFloat32);
    std::copy(tensor.scales.begin(), tensor.scales.end(), scale.data<float>());
    scales.emplace_back(name + std::string(kScalesSuffix), std::move(scale));
    int8_named.push_back({name, &tensor.values});
  }
  for (const auto& [name, tensor] : scales) named.push_back({name, &tensor});

  manifest.format_version = kInferenceTokenizerFormatVersion;
  manifest.quantization = {{"scheme", kQuantizationScheme}, {"tensors", quantized_names}};
  write_artifact(dir, std::move(manifest), encode_safetensors(named, int8_named, {{"format", "pt"}}), network,
                 inference_encoder_to_json(encoder));
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

  const bool inference_tokenizer = manifest.format_version >= kInferenceTokenizerFormatVersion;
  text::TextEncoder encoder = read_encoder(dir, manifest, inference_tokenizer);

  const nlohmann::json& first_layer = manifest.architecture["layers"][0];
  if (first_layer.value("type", "") == "embedding" && encoder.vocab_size() > first_layer.value("input_dim", 0)) {
    throw IoError(fmt::format("'{}' produces ids up to {} but the embedding has only {} rows; the artifact is inconsistent, so retrain or re-export the model",
                              (dir / kTokenizerFile).string(), encoder.vocab_size() - 1,
                              first_layer.value("input_dim", 0)));
  }

  std::vector<std::string> quantized_names;
  if (manifest.format_version >= kQuantizedFormatVersion) {
    try {
      quantized_names = manifest.quantization["tensors"].get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
      throw IoError(fmt::format("'{}' field 'quantization.tensors' must list tensor names: {}",
                                (dir / kManifestFile).string(), e.what()));
    }
  }
  // The architecture fixes the tensor bytes, so a larger file is rejected before it is read.
  const std::uint64_t max_weights_bytes =
      8 + kMaxSafetensorsHeaderBytes + expected_tensor_bytes(network, quantized_names);
  const std::string weights = read_verified(dir, manifest, kWeightsFile, max_weights_bytes);
  QuantizedWeights quantized;
  load_weights(network, decode_safetensors_with_int8(weights, (dir / kWeightsFile).string()), quantized_names,
               quantized, dir / kWeightsFile);

  check_output_layer(manifest, network.outputs(), dir / kManifestFile);
  return Model{std::move(manifest), std::move(network), std::move(encoder), std::move(quantized), inference_tokenizer};
}

}  // namespace maas::io
