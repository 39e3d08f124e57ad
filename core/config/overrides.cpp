// An override becomes a small YAML tree ("training.epochs=3" -> {training: {epochs: 3}}) that
// the section readers merge into the config, so overrides and the file share every check.
// Only model.layers.<index> needs its own path, because it edits one item of a list.

#include "core/config/overrides.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <span>
#include <vector>

#include "core/config/section_readers.h"
#include "core/config/utf8_check.h"

namespace maas::config::detail {
namespace {

// Splits "model.layers[0].dense" into {"model", "layers", "0", "dense"}. Returns an empty list
// when a part is empty, as in "training..epochs" or "training.".
std::vector<std::string> split_key_path(std::string key) {
  std::replace(key.begin(), key.end(), '[', '.');
  key.erase(std::remove(key.begin(), key.end(), ']'), key.end());
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
    if (part.empty()) return {};
    parts.push_back(part);
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

// Builds {parts[0]: {parts[1]: ... value}}. Each level is a new node: assigning yaml-cpp nodes
// to each other links them, so a tree cannot be built by reassigning one handle in a loop.
YAML::Node nest(std::span<const std::string> parts, const YAML::Node& value) {
  if (parts.empty()) return value;
  YAML::Node map(YAML::NodeType::Map);
  map[parts.front()] = nest(parts.subspan(1), value);
  return map;
}

bool is_null_literal(std::string_view text) {
  return text.empty() || text == "null" || text == "Null" || text == "NULL" || text == "~";
}

void apply_layer_override(ExperimentConfig& config, std::span<const std::string> parts,
                          const YAML::Node& value, Reader& reader) {
  const Location where = reader.locate(value);
  const std::string& index_text = parts[2];
  std::size_t index = 0;
  const auto [end, status] =
      std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
  if (status != std::errc() || end != index_text.data() + index_text.size()) {
    reader.error(where, "model.layers",
                 "expected a layer index after model.layers, got '" + index_text +
                     "'; write for example model.layers.0.embedding.dim=32");
    return;
  }
  std::vector<LayerConfig>& layers = config.model.layers;
  const std::string item_path = "model.layers[" + index_text + "]";
  if (index >= layers.size()) {
    std::string message = "layer index " + index_text + " is out of range; ";
    message += layers.empty() ? "the model has no layers, so set model.layers to a list first"
                              : "the model has " + std::to_string(layers.size()) +
                                    " layers, indexes 0 to " + std::to_string(layers.size() - 1);
    reader.error(where, item_path, message);
    return;
  }

  if (parts.size() == 3) {  // model.layers.N={dense: {...}} replaces the item
    reader.forget_given(item_path);
    layers[index] = read_layer_item(Entry{"", item_path, value, value}, reader);
    layers[index].location = where.label;
    return;
  }
  LayerConfig& layer = layers[index];
  const std::string& type = parts[3];
  const std::string type_path = item_path + "." + type;
  if (layer.type.empty()) {
    reader.error(where, item_path,
                 "layer " + index_text +
                     " is invalid, so its settings cannot be set; replace it, "
                     "such as model.layers." +
                     index_text + "={" + type + ": {...}}");
    return;
  }
  if (type != layer.type) {
    reader.error(where, type_path,
                 "layer " + index_text + " is a '" + layer.type + "' layer, not '" + type +
                     "'; to replace it, set " + "model.layers." + index_text + "={" + type +
                     ": {...}}");
    return;
  }
  const YAML::Node settings = nest(parts.subspan(4), value);
  read_layer_settings(layer, Entry{type, type_path, settings, settings}, reader);
  layer.location = where.label;
}

}  // namespace

void apply_override(ExperimentConfig& config, const std::string& override_text,
                    const std::filesystem::path& working_dir, Diagnostics& diagnostics,
                    GivenKeys& given) {
  Reader reader(Origin{"", true, override_text, working_dir}, diagnostics, given);
  const Location where = reader.locate(YAML::Node());

  const std::size_t invalid = find_invalid_utf8(override_text);
  if (invalid != std::string::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(override_text[invalid]));
    reader.error(where, "",
                 "invalid UTF-8: byte " + std::string(byte) + " at position " +
                     std::to_string(invalid + 1) + " does not start a valid sequence; give the "
                     "value as UTF-8");
    return;
  }
  const std::size_t equals = override_text.find('=');
  if (equals == std::string::npos) {
    reader.error(where, "", "expected KEY=VALUE, such as training.epochs=10");
    return;
  }
  const std::string key = override_text.substr(0, equals);
  const std::vector<std::string> parts = split_key_path(key);
  if (parts.empty()) {
    reader.error(where, "",
                 "invalid key path '" + key + "'; expected dotted keys such as training.epochs");
    return;
  }

  const std::string value_text = override_text.substr(equals + 1);
  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::Exception& error) {
    reader.error(where, key, "the value is not valid YAML: " + error.msg + "; quote it");
    return;
  }
  // A value such as "#oov" is a YAML comment, which would silently read as null.
  if (value.IsNull() && !is_null_literal(value_text)) {
    reader.error(
        where, key,
        "the value '" + value_text + "' reads as null in YAML; quote it to keep it as text");
    return;
  }

  if (parts.size() >= 3 && parts[0] == "model" && parts[1] == "layers") {
    apply_layer_override(config, parts, value, reader);
    return;
  }
  const YAML::Node tree = nest(parts, value);
  read_root(config, Entry{"", "", tree, tree}, reader);
}

}  // namespace maas::config::detail
