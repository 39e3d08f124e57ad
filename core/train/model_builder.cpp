#include "core/train/model_builder.h"

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::train {

text::TokenizerOptions tokenizer_options(const config::TokenizerConfig& config) {
  text::TokenizerOptions options;
  options.num_words = config.num_words;
  options.filters = config.filters;
  options.lower = config.lower;
  options.split = config.split;
  options.char_level = config.char_level;
  options.oov_token = config.oov_token;
  options.split_cjk = config.split_cjk;
  return options;
}

static_assert(config::kMaxNgramOrder == text::kMaxNgramOrder);
static_assert(config::kMaxNgramBuckets == text::kMaxNgramBuckets);

text::NgramOptions ngram_options(const config::TokenizerConfig& config) {
  text::NgramOptions options;
  options.order = config.ngrams;
  options.buckets = config.ngram_buckets;
  return options;
}

text::PadOptions pad_options(const config::TokenizerConfig& config) {
  text::PadOptions options;
  options.max_length = config.max_length;
  options.padding = text::parse_pad_side(config.padding);
  options.truncating = text::parse_pad_side(config.truncating);
  return options;
}

namespace {

struct OutputLayer {
  int units = 0;
  std::string activation;
};

// The output layer `task` needs for `outputs` labels (or regression targets). `requested` is the
// config's activation, because two labels may also train as a Keras-style 2-unit softmax.
OutputLayer expected_output(Task task, int outputs, const config::LayerConfig& requested) {
  if (task == Task::kMultiLabel) return {outputs, "sigmoid"};
  if (task == Task::kRegression) return {outputs, "linear"};
  const bool binary = outputs == 2;
  const bool binary_softmax = binary && requested.activation == "softmax" && requested.units.value_or(2) == 2;
  if (binary && !binary_softmax) return {1, "sigmoid"};
  return {outputs, "softmax"};
}

std::string describe_outputs(Task task, int outputs) {
  if (task == Task::kRegression) return fmt::format("regression has {} target(s)", outputs);
  if (task == Task::kMultiLabel) return fmt::format("the multi-label data has {} labels", outputs);
  return fmt::format("the data has {} labels", outputs);
}

}  // namespace

nlohmann::json build_architecture(const config::ModelConfig& model, int vocab_size, int classes,
                                  const std::string& config_source, Task task) {
  const auto where = [&](const config::LayerConfig& layer, std::size_t index) {
    // location names the --set argument when an override changed the layer.
    const std::string location =
        layer.location.empty() ? fmt::format("{}:{}", config_source, layer.line) : layer.location;
    return fmt::format("{}: model.layers[{}].{}", location, index, layer.type);
  };
  if (model.layers.empty() || model.layers.front().type != "embedding") {
    throw ConfigError(fmt::format("{}: model.layers must start with an embedding layer, since the model reads token ids",
                                  config_source));
  }
  // False once a conv1d with padding valid shortens the sequence, so that positions no longer
  // line up with the ids that a pooling mask reads.
  bool positions_match_ids = true;
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const config::LayerConfig& layer = model.layers[i];
    const bool last = i + 1 == model.layers.size();
    if (layer.type == "embedding") {
      const int input_dim = layer.input_dim.value_or(vocab_size);
      if (input_dim < vocab_size) {
        throw ConfigError(fmt::format(
            "{}: input_dim {} is smaller than the tokenizer's vocabulary of {} ids; raise it or lower tokenizer.num_words",
            where(layer, i), input_dim, vocab_size));
      }
      layers.push_back({{"type", "embedding"}, {"input_dim", input_dim}, {"output_dim", layer.dim}});
    } else if (layer.type == "global_average_pooling1d") {
      if (layer.mask && !positions_match_ids) {
        throw ConfigError(fmt::format(
            "{}.mask: a conv1d with padding valid before this layer shortens the sequence, so the padding mask "
            "no longer lines up with the tokens; set mask: false or use padding: same",
            where(layer, i)));
      }
      layers.push_back({{"type", "global_average_pooling1d"}, {"mask", layer.mask}});
    } else if (layer.type == "global_max_pooling1d") {
      if (layer.mask && !positions_match_ids) {
        throw ConfigError(fmt::format(
            "{}.mask: a conv1d with padding valid before this layer shortens the sequence, so the padding mask "
            "no longer lines up with the tokens; set mask: false or use padding: same",
            where(layer, i)));
      }
      layers.push_back({{"type", "global_max_pooling1d"}, {"mask", layer.mask}});
    } else if (layer.type == "conv1d") {
      if (layer.padding == "valid" && layer.kernel_size > 1) positions_match_ids = false;
      layers.push_back({{"type", "conv1d"},
                        {"filters", layer.filters},
                        {"kernel_size", layer.kernel_size},
                        {"activation", layer.activation},
                        {"padding", layer.padding}});
    } else if (layer.type == "transformer_encoder") {
      if (layer.mask && !positions_match_ids) {
        throw ConfigError(fmt::format(
            "{}.mask: a conv1d with padding valid before this layer shortens the sequence, so the padding mask "
            "no longer lines up with the tokens; set mask: false or use padding: same",
            where(layer, i)));
      }
      layers.push_back({{"type", "transformer_encoder"},
                        {"num_heads", layer.num_heads},
                        {"ff_dim", layer.ff_dim},
                        {"mask", layer.mask},
                        {"epsilon", layer.epsilon}});
    } else if (layer.type == "lstm" || layer.type == "gru") {
      layers.push_back({{"type", layer.type},
                        {"units", layer.units.value_or(0)},
                        {"bidirectional", layer.bidirectional},
                        {"return_sequences", layer.return_sequences}});
    } else if (layer.type == "layer_normalization") {
      layers.push_back({{"type", "layer_normalization"}, {"epsilon", layer.epsilon}});
    } else if (layer.type == "dropout") {
      layers.push_back({{"type", "dropout"}, {"rate", layer.rate}});
    } else if (layer.type == "dense") {
      int units = layer.units.value_or(0);
      std::string activation = layer.activation;
      if (last) {
        const OutputLayer expected = expected_output(task, classes, layer);
        if (!layer.units) units = expected.units;
        if (activation == "auto") activation = expected.activation;
        if (units != expected.units || activation != expected.activation) {
          throw ConfigError(fmt::format(
              "{}: the output layer has {} units with activation '{}', but {}, which needs {} unit(s) with '{}' "
              "(training.task {}); write `dense: {{activation: auto}}` to have it chosen",
              where(layer, i), units, activation, describe_outputs(task, classes), expected.units,
              expected.activation, task_name(task)));
        }
      } else if (!layer.units || activation == "auto") {
        throw ConfigError(fmt::format("{}: only the last dense layer may leave units or activation as auto; set both",
                                      where(layer, i)));
      }
      layers.push_back({{"type", "dense"}, {"units", units}, {"activation", activation}});
    } else {
      throw ConfigError(fmt::format("{}: unknown layer type '{}'", where(layer, i), layer.type));
    }
    if (last && layer.type != "dense") {
      throw ConfigError(fmt::format("{}: the last layer must be dense, e.g. `dense: {{activation: auto}}`", where(layer, i)));
    }
  }
  return {{"layers", layers}};
}

}  // namespace maas::train
