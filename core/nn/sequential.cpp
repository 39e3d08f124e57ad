#include "core/nn/sequential.h"

#include <limits>
#include <set>

#include "core/common/error.h"
#include "core/nn/activation.h"
#include "core/nn/conv1d.h"
#include "core/nn/dense.h"
#include "core/nn/dropout.h"
#include "core/nn/embedding.h"
#include "core/nn/layer_normalization.h"
#include "core/nn/max_pooling.h"
#include "core/nn/pooling.h"
#include "core/nn/recurrent.h"
#include "core/nn/transformer_encoder.h"

namespace maas::nn {
namespace {

using nlohmann::json;

const json& require_key(const json& object, const std::string& key, const std::string& path) {
  const auto found = object.find(key);
  if (found == object.end()) {
    throw InvalidArgument(path + ": missing key \"" + key + "\"; add it to the layer entry");
  }
  return *found;
}

std::int64_t read_positive_integer(const json& object, const std::string& key, const std::string& path) {
  const std::string key_path = path + "." + key;
  const json& value = require_key(object, key, path);
  if (!value.is_number_integer()) {
    throw InvalidArgument(key_path + ": invalid value " + value.dump() + ": expected an integer >= 1");
  }
  if (value.is_number_unsigned()) {
    const auto unsigned_value = value.get<std::uint64_t>();
    if (unsigned_value > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
      throw InvalidArgument(key_path + ": invalid value " + value.dump() +
                            ": expected an integer in [1, 2147483647]");
    }
  }
  const auto number = value.get<std::int64_t>();
  if (number < 1 || number > std::numeric_limits<std::int32_t>::max()) {
    throw InvalidArgument(key_path + ": invalid value " + value.dump() + ": expected an integer in [1, 2147483647]");
  }
  return number;
}

void reject_unknown_keys(const json& object, const std::set<std::string>& allowed, const std::string& path) {
  for (const auto& [key, value] : object.items()) {
    if (allowed.count(key) == 0) {
      std::string names;
      for (const std::string& name : allowed) {
        names += (names.empty() ? "" : ", ") + name;
      }
      throw InvalidArgument(path + ": unknown key \"" + key + "\"; expected only " + names);
    }
  }
}

// Shape of the data flowing between layers: rank 3 [batch, seq, features] after the
// embedding and sequence layers, rank 2 [batch, features] after pooling. `aligned` is false
// once a layer changes the number of positions, so that position t no longer matches ids[:, t].
struct FlowShape {
  int rank = 0;
  std::int64_t features = 0;
  bool aligned = true;
};

std::string read_optional_string(const json& object, const std::string& key, const std::string& path,
                                 const std::string& fallback) {
  const auto found = object.find(key);
  if (found == object.end()) {
    return fallback;
  }
  if (!found->is_string()) {
    throw InvalidArgument(path + "." + key + ": invalid value " + found->dump() + ": expected a string");
  }
  return found->get<std::string>();
}

bool read_optional_bool(const json& object, const std::string& key, const std::string& path, bool fallback) {
  const auto found = object.find(key);
  if (found == object.end()) {
    return fallback;
  }
  if (!found->is_boolean()) {
    throw InvalidArgument(path + "." + key + ": invalid value " + found->dump() + ": expected true or false");
  }
  return found->get<bool>();
}

void require_sequence(const FlowShape& flow, const std::string& path, std::string_view type) {
  if (flow.rank != 3) {
    throw InvalidArgument(path + ": " + std::string(type) +
                          " needs a [batch, seq, features] input, but the previous layer gives [batch, features]; "
                          "move it before the pooling layer");
  }
}

// Layer types that take a sequence and keep or pool it, added after the seed layers.
std::unique_ptr<Layer> parse_sequence_layer(const json& entry, const std::string& type, const std::string& path,
                                            FlowShape& flow) {
  if (type == "global_max_pooling1d") {
    reject_unknown_keys(entry, {"type", "mask"}, path);
    const bool mask = read_optional_bool(entry, "mask", path, true);
    require_sequence(flow, path, type);
    if (mask && !flow.aligned) {
      throw InvalidArgument(path + ".mask: invalid value true: an earlier layer changes the sequence length "
                            "(such as conv1d with padding valid), so positions no longer match the ids; "
                            "set mask: false or use padding: same");
    }
    flow.rank = 2;
    return std::make_unique<GlobalMaxPooling1D>(mask);
  }
  if (type == "conv1d") {
    reject_unknown_keys(entry, {"type", "filters", "kernel_size", "activation", "padding"}, path);
    const std::int64_t filters = read_positive_integer(entry, "filters", path);
    const std::int64_t kernel_size = read_positive_integer(entry, "kernel_size", path);
    const Activation activation =
        parse_activation(read_optional_string(entry, "activation", path, "linear"), path + ".activation");
    if (activation == Activation::kSoftmax) {
      throw InvalidArgument(path + ".activation: invalid value \"softmax\": expected linear, relu, tanh or sigmoid");
    }
    const ConvPadding padding =
        parse_conv_padding(read_optional_string(entry, "padding", path, "same"), path + ".padding");
    require_sequence(flow, path, type);
    auto layer = std::make_unique<Conv1D>(flow.features, filters, kernel_size, activation, padding);
    flow.features = filters;
    flow.aligned = flow.aligned && (padding == ConvPadding::kSame || kernel_size == 1);
    return layer;
  }
  if (type == "lstm" || type == "gru") {
    reject_unknown_keys(entry, {"type", "units", "bidirectional", "return_sequences"}, path);
    const std::int64_t units = read_positive_integer(entry, "units", path);
    const bool bidirectional = read_optional_bool(entry, "bidirectional", path, false);
    const bool return_sequences = read_optional_bool(entry, "return_sequences", path, false);
    require_sequence(flow, path, type);
    auto layer = std::make_unique<Recurrent>(type == "lstm" ? RecurrentCell::kLstm : RecurrentCell::kGru,
                                             flow.features, units, bidirectional, return_sequences);
    flow.features = layer->output_features();
    if (!return_sequences) {
      flow.rank = 2;
    }
    return layer;
  }
  if (type == "transformer_encoder") {
    reject_unknown_keys(entry, {"type", "num_heads", "ff_dim", "mask", "epsilon"}, path);
    const std::int64_t num_heads = read_positive_integer(entry, "num_heads", path);
    const std::int64_t ff_dim = read_positive_integer(entry, "ff_dim", path);
    const bool mask = read_optional_bool(entry, "mask", path, true);
    double epsilon = 1e-3;
    if (const auto found = entry.find("epsilon"); found != entry.end()) {
      if (!found->is_number() || !(found->get<double>() > 0.0)) {
        throw InvalidArgument(path + ".epsilon: invalid value " + found->dump() + ": expected a number > 0");
      }
      epsilon = found->get<double>();
    }
    require_sequence(flow, path, type);
    if (flow.features % num_heads != 0) {
      throw InvalidArgument(path + ".num_heads: invalid value " + std::to_string(num_heads) + ": the " +
                            std::to_string(flow.features) +
                            " input features must split evenly across the heads; choose a divisor of " +
                            std::to_string(flow.features));
    }
    if (mask && !flow.aligned) {
      throw InvalidArgument(path + ".mask: invalid value true: an earlier layer changes the sequence length "
                            "(such as conv1d with padding valid), so positions no longer match the ids; "
                            "set mask: false or use padding: same");
    }
    return std::make_unique<TransformerEncoder>(flow.features, num_heads, ff_dim, mask, epsilon);
  }
  if (type == "layer_normalization") {
    reject_unknown_keys(entry, {"type", "epsilon"}, path);
    double epsilon = 1e-3;
    if (const auto found = entry.find("epsilon"); found != entry.end()) {
      if (!found->is_number() || !(found->get<double>() > 0.0)) {
        throw InvalidArgument(path + ".epsilon: invalid value " + found->dump() + ": expected a number > 0");
      }
      epsilon = found->get<double>();
    }
    return std::make_unique<LayerNormalization>(flow.features, epsilon);
  }
  return nullptr;
}

std::unique_ptr<Layer> parse_layer(const json& entry, const std::string& path, std::size_t index,
                                   FlowShape& flow) {
  if (!entry.is_object()) {
    throw InvalidArgument(path + ": invalid layer " + entry.dump() + ": expected a JSON object with a \"type\" key");
  }
  const json& type_value = require_key(entry, "type", path);
  if (!type_value.is_string()) {
    throw InvalidArgument(path + ".type: invalid value " + type_value.dump() + ": expected a string");
  }
  const auto type = type_value.get<std::string>();

  if (type == "embedding") {
    reject_unknown_keys(entry, {"type", "input_dim", "output_dim"}, path);
    if (index != 0) {
      throw InvalidArgument(path + ": an embedding layer must be layers[0], the only layer that takes ids; "
                            "move it to the front or remove it");
    }
    auto layer = std::make_unique<Embedding>(read_positive_integer(entry, "input_dim", path),
                                             read_positive_integer(entry, "output_dim", path));
    flow = {3, layer->output_dim()};
    return layer;
  }
  if (index == 0) {
    throw InvalidArgument(path + ": invalid first layer type \"" + type +
                          "\": expected \"embedding\" because the model input is int32 token ids");
  }
  if (type == "global_average_pooling1d") {
    reject_unknown_keys(entry, {"type", "mask"}, path);
    bool mask = true;
    if (const auto found = entry.find("mask"); found != entry.end()) {
      if (!found->is_boolean()) {
        throw InvalidArgument(path + ".mask: invalid value " + found->dump() + ": expected true or false");
      }
      mask = found->get<bool>();
    }
    if (flow.rank != 3) {
      throw InvalidArgument(path + ": global_average_pooling1d needs a [batch, seq, features] input, but the "
                            "previous layer gives [batch, features]; remove the extra pooling layer");
    }
    if (mask && !flow.aligned) {
      throw InvalidArgument(path + ".mask: invalid value true: an earlier layer changes the sequence length "
                            "(such as conv1d with padding valid), so positions no longer match the ids; "
                            "set mask: false or use padding: same");
    }
    flow.rank = 2;
    return std::make_unique<GlobalAveragePooling1D>(mask);
  }
  if (type == "dense") {
    reject_unknown_keys(entry, {"type", "units", "activation"}, path);
    const std::int64_t units = read_positive_integer(entry, "units", path);
    Activation activation = Activation::kLinear;
    if (const auto found = entry.find("activation"); found != entry.end()) {
      if (!found->is_string()) {
        throw InvalidArgument(path + ".activation: invalid value " + found->dump() + ": expected a string");
      }
      activation = parse_activation(found->get<std::string>(), path + ".activation");
    }
    if (flow.rank != 2) {
      throw InvalidArgument(path + ": dense needs a [batch, features] input, but the previous layer gives "
                            "[batch, seq, features]; add a global_average_pooling1d layer (or global_max_pooling1d) "
                          "before it");
    }
    auto layer = std::make_unique<Dense>(flow.features, units, activation);
    flow.features = units;
    return layer;
  }
  if (type == "dropout") {
    reject_unknown_keys(entry, {"type", "rate"}, path);
    const json& rate = require_key(entry, "rate", path);
    if (!rate.is_number() || !(rate.get<double>() >= 0.0 && rate.get<double>() < 1.0)) {
      throw InvalidArgument(path + ".rate: invalid value " + rate.dump() + ": expected a number in [0, 1)");
    }
    return std::make_unique<Dropout>(rate.get<double>());
  }
  if (auto layer = parse_sequence_layer(entry, type, path, flow)) {
    return layer;
  }
  throw InvalidArgument(path + ".type: unknown layer type \"" + type +
                        "\"; expected embedding, global_average_pooling1d, global_max_pooling1d, conv1d, "
                        "lstm, gru, transformer_encoder, layer_normalization, dense or dropout");
}

}  // namespace

Sequential Sequential::from_json(const json& architecture) {
  const std::string root = "architecture";
  if (!architecture.is_object()) {
    throw InvalidArgument(root + ": invalid value " + architecture.dump() +
                          ": expected an object of the form {\"layers\": [...]}");
  }
  reject_unknown_keys(architecture, {"layers"}, root);
  const json& layers = require_key(architecture, "layers", root);
  if (!layers.is_array() || layers.empty()) {
    throw InvalidArgument(root + ".layers: invalid value " + layers.dump() +
                          ": expected a non-empty array of layer objects");
  }

  Sequential model;
  FlowShape flow;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string path = root + ".layers[" + std::to_string(i) + "]";
    model.add_layer(parse_layer(layers[i], path, i, flow));
  }

  auto* last = dynamic_cast<Dense*>(model.layers_.back().get());
  if (last == nullptr) {
    throw InvalidArgument(root + ".layers[" + std::to_string(layers.size() - 1) + "]: invalid last layer type \"" +
                          std::string(model.layers_.back()->type()) +
                          "\": expected \"dense\", the layer that produces the class scores");
  }
  // Padding never reaches the output when a masked pooling layer follows the embedding,
  // so the embedding may skip padding positions.
  auto* pooling = model.layers_.size() > 1 ? dynamic_cast<GlobalAveragePooling1D*>(model.layers_[1].get()) : nullptr;
  model.masks_padding_ = pooling != nullptr && pooling->mask();
  model.fused_mean_pooling_ = pooling != nullptr;
  static_cast<Embedding&>(*model.layers_.front()).set_skip_padding(model.masks_padding_);

  model.outputs_ = static_cast<int>(last->units());
  if (last->activation() == Activation::kSigmoid || last->activation() == Activation::kSoftmax) {
    last->set_activation_deferred(true);
    model.output_activation_ = std::string(activation_name(last->activation()));
  }
  return model;
}

json Sequential::to_json() const {
  json layers = json::array();
  for (const auto& layer : layers_) {
    layers.push_back(layer->to_json());
  }
  return {{"layers", layers}};
}

Sequential::Sequential(const Sequential& other)
    : first_parameter_(other.first_parameter_),
      params_(other.params_),
      outputs_(other.outputs_),
      masks_padding_(other.masks_padding_),
      fused_mean_pooling_(other.fused_mean_pooling_),
      output_activation_(other.output_activation_),
      dropout_rng_(other.dropout_rng_) {
  for (const auto& layer : other.layers_) {
    layers_.push_back(layer->clone());
  }
}

Sequential& Sequential::operator=(const Sequential& other) {
  if (this != &other) {
    Sequential copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Sequential::~Sequential() = default;

void Sequential::add_layer(std::unique_ptr<Layer> layer) {
  const std::string path = "layers." + std::to_string(layers_.size()) + "." + std::string(layer->type());
  layer->set_path(path);
  first_parameter_.push_back(params_.size());
  for (const ParameterSpec& spec : layer->parameter_specs()) {
    params_.push_back({path + "." + spec.name, Tensor(spec.shape), Tensor(spec.shape), spec.sparse_rows});
  }
  layers_.push_back(std::move(layer));
}

std::span<Parameter> Sequential::layer_parameters(std::size_t index) {
  const std::size_t end = index + 1 < layers_.size() ? first_parameter_[index + 1] : params_.size();
  return std::span<Parameter>(params_).subspan(first_parameter_[index], end - first_parameter_[index]);
}

std::span<const Parameter> Sequential::layer_parameters(std::size_t index) const {
  const std::size_t end = index + 1 < layers_.size() ? first_parameter_[index + 1] : params_.size();
  return std::span<const Parameter>(params_).subspan(first_parameter_[index], end - first_parameter_[index]);
}

void Sequential::initialize(std::uint64_t seed) {
  Rng rng(seed);
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->initialize(layer_parameters(i), rng);
  }
}

void Sequential::check_ids(const Tensor& ids) const {
  if (ids.dtype() != DType::kInt32 || ids.rank() != 2 || ids.dim(0) < 1 || ids.dim(1) < 1) {
    throw InvalidArgument("model input: invalid ids of type " + std::string(dtype_name(ids.dtype())) +
                          " and shape " + ids.shape_string() +
                          ": expected int32 token ids of shape [batch, seq] with batch >= 1 and seq >= 1");
  }
}

void Sequential::check_logits(const Tensor& logits, std::string_view role) const {
  if (logits.dtype() != DType::kFloat32 || logits.rank() != 2 || logits.dim(0) < 1 || logits.dim(1) != outputs_) {
    throw InvalidArgument("model output: invalid " + std::string(role) + " of type " +
                          std::string(dtype_name(logits.dtype())) + " and shape " + logits.shape_string() +
                          ": expected float32 shape [batch, " + std::to_string(outputs_) + "]");
  }
}

const Tensor& Sequential::forward(const Tensor& ids, bool training) {
  check_ids(ids);
  forward_done_ = false;
  const Tensor* current = &ids;
  std::size_t first = 0;
  if (fused_mean_pooling_) {
    current = &embedding().forward_mean(layer_parameters(0), ids);
    first = 2;
  }
  for (std::size_t i = first; i < layers_.size(); ++i) {
    current = &layers_[i]->forward(layer_parameters(i), *current, ids, training, dropout_rng_);
  }
  forward_done_ = true;
  return *current;
}

void Sequential::backward(const Tensor& dlogits) {
  if (!forward_done_) {
    throw InvalidArgument("model: backward was called before a successful forward; run forward on the batch first");
  }
  check_logits(dlogits, "logits gradient");
  const Tensor* gradient = &dlogits;
  const std::size_t first = fused_mean_pooling_ ? 2 : 0;
  for (std::size_t i = layers_.size(); i-- > first;) {
    gradient = layers_[i]->backward(layer_parameters(i), *gradient);
    if (gradient == nullptr) {
      return;
    }
  }
  if (fused_mean_pooling_) {
    embedding().backward_mean(layer_parameters(0), *gradient);
  }
}

Tensor Sequential::predict(const Tensor& ids) const {
  check_ids(ids);
  // Two buffers used in turn: each layer reads one and writes the other.
  Tensor buffers[2];
  const Tensor* current = &ids;
  std::size_t first = 0;
  if (fused_mean_pooling_) {
    embedding().infer_mean(layer_parameters(0), ids, buffers[1]);
    current = &buffers[1];
    first = 2;
  }
  for (std::size_t i = first; i < layers_.size(); ++i) {
    Tensor& next = buffers[i % 2];
    layers_[i]->infer(layer_parameters(i), *current, ids, next);
    current = &next;
  }
  Tensor probabilities = std::move(buffers[(layers_.size() - 1) % 2]);
  probabilities_inplace(probabilities);
  return probabilities;
}

void Sequential::probabilities_inplace(Tensor& logits) const {
  check_logits(logits, "logits");
  const Activation activation = parse_activation(output_activation_, "output_activation");
  kernels::activation_forward_inplace(activation, logits.data<float>(), logits.dim(0), logits.dim(1));
}

}  // namespace maas::nn
