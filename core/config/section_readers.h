#pragma once
// Internal to core/config: readers for each part of an experiment config. Each reader merges
// into the config it is given, so the same code reads the file (into defaults) and each --set
// override (into the result of the file).

#include <string_view>

#include "core/config/experiment_config.h"
#include "core/config/yaml_reader.h"

namespace maas::config::detail {

inline constexpr std::string_view kLayerTypes[] = {
    "embedding", "global_average_pooling1d", "global_max_pooling1d", "conv1d", "lstm", "gru",
    "transformer_encoder", "layer_normalization", "dense", "dropout"};

// Reads a root map (keys data, tokenizer, model, training, output) into `config`.
void read_root(ExperimentConfig& config, const Entry& root, Reader& reader);

// Reads one model.layers item, a one-key map from layer type to settings. `item.path` is the
// item's key path, such as "model.layers[2]". On an error the returned layer may have an empty
// type, so that later items keep their indexes.
LayerConfig read_layer_item(const Entry& item, Reader& reader);

// Reads the settings map of `layer` (its type already set), merging into the current values.
// `settings.path` is the path of the type key, such as "model.layers[2].dense".
void read_layer_settings(LayerConfig& layer, const Entry& settings, Reader& reader);

}  // namespace maas::config::detail
