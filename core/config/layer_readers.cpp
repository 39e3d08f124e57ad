// Readers for model.layers items: `- dense: {units: 64, activation: relu}`.

#include <algorithm>
#include <array>

#include "core/config/section_readers.h"

namespace maas::config::detail {
namespace {

constexpr std::string_view kActivations[] = {"linear",  "relu",    "tanh",
                                             "sigmoid", "softmax", "auto"};

constexpr std::string_view kConvActivations[] = {"linear", "relu", "tanh", "sigmoid"};
constexpr std::string_view kConvPaddings[] = {"same", "valid"};

constexpr Bounds kDropoutRate{.min = 0.0, .max = 1.0, .max_inclusive = false};
constexpr Bounds kEpsilon{.min = 0.0, .min_inclusive = false, .max = 1.0};

// A window wider than any tokenizer.max_length a text model uses; larger values are typos.
constexpr int kMaxKernelSize = 4096;

constexpr std::array<Field<LayerConfig>, 2> kEmbeddingFields{{
    {"dim",
     [](LayerConfig& l, const Entry& e, Reader& r) { set_if_valid(l.dim, r.read_int(e, 1)); }},
    {"input_dim",
     [](LayerConfig& l, const Entry& e, Reader& r) {
       if (e.value.IsNull()) {
         l.input_dim.reset();
         return;
       }
       set_if_valid(l.input_dim, r.read_int(e, 2, INT_MAX, "null"));
     }},
}};

constexpr std::array<Field<LayerConfig>, 1> kPoolingFields{{
    {"mask",
     [](LayerConfig& l, const Entry& e, Reader& r) { set_if_valid(l.mask, r.read_bool(e)); }},
}};

constexpr std::array<Field<LayerConfig>, 2> kDenseFields{{
    {"units",
     [](LayerConfig& l, const Entry& e, Reader& r) {
       // Quoted "auto" is accepted too, like the other keywords, so that JSON reads back.
       if (e.value.IsScalar() && e.value.Scalar() == "auto") {
         l.units.reset();
         return;
       }
       set_if_valid(l.units, r.read_int(e, 1, INT_MAX, "auto"));
     }},
    {"activation", [](LayerConfig& l, const Entry& e,
                      Reader& r) { set_if_valid(l.activation, r.read_enum(e, kActivations)); }},
}};

constexpr std::array<Field<LayerConfig>, 1> kDropoutFields{{
    {"rate", [](LayerConfig& l, const Entry& e,
                Reader& r) { set_if_valid(l.rate, r.read_double(e, kDropoutRate)); }},
}};

constexpr std::array<Field<LayerConfig>, 4> kConvFields{{
    {"filters", [](LayerConfig& l, const Entry& e,
                   Reader& r) { set_if_valid(l.filters, r.read_int(e, 1, kMaxUnits)); }},
    {"kernel_size", [](LayerConfig& l, const Entry& e,
                       Reader& r) { set_if_valid(l.kernel_size, r.read_int(e, 1, kMaxKernelSize)); }},
    {"activation", [](LayerConfig& l, const Entry& e,
                      Reader& r) { set_if_valid(l.activation, r.read_enum(e, kConvActivations)); }},
    {"padding", [](LayerConfig& l, const Entry& e,
                   Reader& r) { set_if_valid(l.padding, r.read_enum(e, kConvPaddings)); }},
}};

constexpr std::array<Field<LayerConfig>, 3> kRecurrentFields{{
    {"units", [](LayerConfig& l, const Entry& e,
                 Reader& r) { set_if_valid(l.units, r.read_int(e, 1, kMaxUnits)); }},
    {"bidirectional", [](LayerConfig& l, const Entry& e,
                         Reader& r) { set_if_valid(l.bidirectional, r.read_bool(e)); }},
    {"return_sequences", [](LayerConfig& l, const Entry& e,
                            Reader& r) { set_if_valid(l.return_sequences, r.read_bool(e)); }},
}};

constexpr std::array<Field<LayerConfig>, 4> kTransformerFields{{
    {"num_heads", [](LayerConfig& l, const Entry& e,
                     Reader& r) { set_if_valid(l.num_heads, r.read_int(e, 1, kMaxUnits)); }},
    {"ff_dim", [](LayerConfig& l, const Entry& e,
                  Reader& r) { set_if_valid(l.ff_dim, r.read_int(e, 1, kMaxUnits)); }},
    {"mask",
     [](LayerConfig& l, const Entry& e, Reader& r) { set_if_valid(l.mask, r.read_bool(e)); }},
    {"epsilon", [](LayerConfig& l, const Entry& e,
                   Reader& r) { set_if_valid(l.epsilon, r.read_double(e, kEpsilon)); }},
}};

constexpr std::array<Field<LayerConfig>, 1> kLayerNormFields{{
    {"epsilon", [](LayerConfig& l, const Entry& e,
                   Reader& r) { set_if_valid(l.epsilon, r.read_double(e, kEpsilon)); }},
}};

std::span<const Field<LayerConfig>> fields_of(std::string_view type) {
  if (type == "embedding") return kEmbeddingFields;
  if (type == "global_average_pooling1d" || type == "global_max_pooling1d") return kPoolingFields;
  if (type == "conv1d") return kConvFields;
  if (type == "layer_normalization") return kLayerNormFields;
  if (type == "lstm" || type == "gru") return kRecurrentFields;
  if (type == "transformer_encoder") return kTransformerFields;
  if (type == "dense") return kDenseFields;
  return kDropoutFields;
}

std::string join_keys(const std::vector<Entry>& entries) {
  std::string text;
  for (const Entry& entry : entries) {
    if (!text.empty()) text += ", ";
    text += entry.key;
  }
  return text;
}

}  // namespace

LayerConfig read_layer_item(const Entry& item, Reader& reader) {
  LayerConfig layer;
  const YAML::Mark mark = item.value.Mark();
  if (!reader.from_override() && !mark.is_null()) layer.line = mark.line + 1;
  reader.mark_given(item.path, reader.locate(item.value));

  if (!item.value.IsMap()) {
    reader.reject(item, "a one-key map from layer type to settings, such as {dense: {units: 64}}");
    return layer;
  }
  const std::vector<Entry> entries = reader.entries(item.value, item.path);
  if (entries.empty()) {
    reader.error(item,
                 "expected one key, the layer type, got an empty map; accepted types: "
                 "embedding, global_average_pooling1d, global_max_pooling1d, conv1d, lstm, gru, "
                 "transformer_encoder, layer_normalization, dense, dropout");
    return layer;
  }
  if (entries.size() > 1) {
    // The usual cause is a setting indented at the level of the type key.
    reader.error(item, "expected one key, the layer type, got " + std::to_string(entries.size()) +
                           " keys: " + join_keys(entries) +
                           "; indent settings under the type key and start each layer with '-'");
    return layer;
  }

  const Entry& type = entries.front();
  if (std::find(std::begin(kLayerTypes), std::end(kLayerTypes), type.key) ==
      std::end(kLayerTypes)) {
    reader.unknown_key(type, kLayerTypes, "layer type");
    return layer;
  }
  layer.type = type.key;
  read_layer_settings(layer, type, reader);
  return layer;
}

void read_layer_settings(LayerConfig& layer, const Entry& settings, Reader& reader) {
  reader.mark_given(settings);
  read_fields<LayerConfig>(layer, settings, fields_of(layer.type), reader);
}

}  // namespace maas::config::detail
