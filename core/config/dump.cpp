// dump_config() and to_json(). The YAML is written by hand rather than with YAML::Emitter so
// that numbers use the shortest text that reads back to the same double, and free-text strings
// are always double-quoted (an unquoted oov_token "null" would read back as null).

#include <charconv>
#include <cstdio>
#include <sstream>

#include "core/config/config.h"
#include "core/config/yaml_reader.h"

namespace maas::config {
namespace {

std::string format_double(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

std::string quote_path(const std::filesystem::path& path) {
  return path.empty() ? "null" : detail::yaml_double_quoted(path.string());
}

std::string format_bool(bool value) { return value ? "true" : "false"; }

std::string format_optional_int(const std::optional<int>& value, std::string_view when_empty) {
  return value ? std::to_string(*value) : std::string(when_empty);
}

// One layer as a flow map, such as "dense: {units: 64, activation: relu}". Enum values are
// identifiers from a fixed list, so they are written plain.
std::string format_layer(const LayerConfig& layer) {
  std::string settings;
  if (layer.type == "embedding") {
    settings = "dim: " + std::to_string(layer.dim) +
               ", input_dim: " + format_optional_int(layer.input_dim, "null");
  } else if (layer.type == "global_average_pooling1d" || layer.type == "global_max_pooling1d") {
    settings = "mask: " + format_bool(layer.mask);
  } else if (layer.type == "conv1d") {
    settings = "filters: " + std::to_string(layer.filters) +
               ", kernel_size: " + std::to_string(layer.kernel_size) +
               ", activation: " + layer.activation + ", padding: " + layer.padding;
  } else if (layer.type == "layer_normalization") {
    settings = "epsilon: " + format_double(layer.epsilon);
  } else if (layer.type == "transformer_encoder") {
    settings = "num_heads: " + std::to_string(layer.num_heads) + ", ff_dim: " + std::to_string(layer.ff_dim) +
               ", mask: " + format_bool(layer.mask) + ", epsilon: " + format_double(layer.epsilon);
  } else if (layer.type == "lstm" || layer.type == "gru") {
    settings = "units: " + format_optional_int(layer.units, "null") +
               ", bidirectional: " + format_bool(layer.bidirectional) +
               ", return_sequences: " + format_bool(layer.return_sequences);
  } else if (layer.type == "dense") {
    settings =
        "units: " + format_optional_int(layer.units, "auto") + ", activation: " + layer.activation;
  } else if (layer.type == "dropout") {
    settings = "rate: " + format_double(layer.rate);
  }
  return layer.type + ": {" + settings + "}";
}

void write_optimizer(std::ostream& out, const OptimizerConfig& optimizer) {
  out << "  optimizer:\n";
  out << "    name: " << optimizer.name << "\n";
  out << "    learning_rate: " << format_double(optimizer.learning_rate) << "\n";
  if (optimizer.name == "adam") {
    out << "    beta_1: " << format_double(optimizer.beta_1) << "\n";
    out << "    beta_2: " << format_double(optimizer.beta_2) << "\n";
    out << "    epsilon: " << format_double(optimizer.epsilon) << "\n";
  } else {
    out << "    momentum: " << format_double(optimizer.momentum) << "\n";
    out << "    nesterov: " << format_bool(optimizer.nesterov) << "\n";
  }
  out << "    weight_decay: " << format_double(optimizer.weight_decay) << "\n";
  out << "    global_clipnorm: "
      << (optimizer.global_clipnorm ? format_double(*optimizer.global_clipnorm) : "null") << "\n";
  out << "    embedding_update: " << optimizer.embedding_update << "\n";
}

// null, balanced, or a flow map with quoted labels, such as {"toxic": 3, "clean": 1}.
std::string format_class_weight(const ClassWeightConfig& class_weight) {
  if (class_weight.mode == "none") return "null";
  if (class_weight.mode == "balanced") return "balanced";
  std::string text = "{";
  for (const auto& [label, weight] : class_weight.weights) {
    if (text.size() > 1) text += ", ";
    text += detail::yaml_double_quoted(label) + ": " + format_double(weight);
  }
  return text + "}";
}

void write_training_extras(std::ostream& out, const TrainingConfig& training) {
  const LrScheduleConfig& schedule = training.lr_schedule;
  out << "  lr_schedule:\n";
  out << "    name: " << schedule.name << "\n";
  out << "    warmup_steps: " << schedule.warmup_steps << "\n";
  out << "    alpha: " << format_double(schedule.alpha) << "\n";
  out << "  class_weight: " << format_class_weight(training.class_weight) << "\n";
  out << "  label_smoothing: " << format_double(training.label_smoothing) << "\n";
  out << "  bucket_by_length: " << format_bool(training.bucket_by_length) << "\n";
  out << "  checkpoint_every_steps: " << training.checkpoint_every_steps << "\n";
  out << "  checkpoint_min_interval_seconds: " << format_double(training.checkpoint_min_interval_seconds) << "\n";
  if (!training.early_stopping) {
    out << "  early_stopping: null\n";
    return;
  }
  const EarlyStoppingConfig& stopping = *training.early_stopping;
  out << "  early_stopping:\n";
  out << "    monitor: " << stopping.monitor << "\n";
  out << "    patience: " << stopping.patience << "\n";
  out << "    min_delta: " << format_double(stopping.min_delta) << "\n";
  out << "    restore_best: " << format_bool(stopping.restore_best) << "\n";
}

nlohmann::json class_weight_to_json(const ClassWeightConfig& class_weight) {
  if (class_weight.mode == "none") return nullptr;
  if (class_weight.mode == "balanced") return "balanced";
  nlohmann::json weights = nlohmann::json::object();
  for (const auto& [label, weight] : class_weight.weights) weights[label] = weight;
  return weights;
}

nlohmann::json path_to_json(const std::filesystem::path& path) {
  return path.empty() ? nlohmann::json(nullptr) : nlohmann::json(path.string());
}

template <class T>
nlohmann::json optional_to_json(const std::optional<T>& value, nlohmann::json when_empty) {
  return value ? nlohmann::json(*value) : when_empty;
}

nlohmann::json layer_to_json(const LayerConfig& layer) {
  nlohmann::json settings = nlohmann::json::object();
  if (layer.type == "embedding") {
    settings["dim"] = layer.dim;
    settings["input_dim"] = optional_to_json(layer.input_dim, nullptr);
  } else if (layer.type == "global_average_pooling1d" || layer.type == "global_max_pooling1d") {
    settings["mask"] = layer.mask;
  } else if (layer.type == "conv1d") {
    settings["filters"] = layer.filters;
    settings["kernel_size"] = layer.kernel_size;
    settings["activation"] = layer.activation;
    settings["padding"] = layer.padding;
  } else if (layer.type == "layer_normalization") {
    settings["epsilon"] = layer.epsilon;
  } else if (layer.type == "transformer_encoder") {
    settings["num_heads"] = layer.num_heads;
    settings["ff_dim"] = layer.ff_dim;
    settings["mask"] = layer.mask;
    settings["epsilon"] = layer.epsilon;
  } else if (layer.type == "lstm" || layer.type == "gru") {
    settings["units"] = optional_to_json(layer.units, nullptr);
    settings["bidirectional"] = layer.bidirectional;
    settings["return_sequences"] = layer.return_sequences;
  } else if (layer.type == "dense") {
    settings["units"] = optional_to_json(layer.units, "auto");
    settings["activation"] = layer.activation;
  } else if (layer.type == "dropout") {
    settings["rate"] = layer.rate;
  }
  return {{layer.type, settings}};
}

}  // namespace

std::string dump_config(const ExperimentConfig& config) {
  std::ostringstream out;
  out << "# Effective maas experiment config: built-in defaults, then the file, then --set.\n";
  if (!config.source.empty()) out << "# Source: " << detail::yaml_double_quoted(config.source.string()) << "\n";

  const DataConfig& data = config.data;
  out << "data:\n";
  out << "  train: " << quote_path(data.train) << "\n";
  out << "  test: " << quote_path(data.test) << "\n";
  out << "  validation: " << quote_path(data.validation) << "\n";
  out << "  format: " << data.format << "\n";
  out << "  text_column: " << detail::yaml_double_quoted(data.text_column) << "\n";
  out << "  label_column: " << detail::yaml_double_quoted(data.label_column) << "\n";
  out << "  label_separator: " << detail::yaml_double_quoted(data.label_separator) << "\n";

  const TokenizerConfig& tokenizer = config.tokenizer;
  out << "tokenizer:\n";
  out << "  num_words: " << format_optional_int(tokenizer.num_words, "null") << "\n";
  out << "  max_length: " << tokenizer.max_length << "\n";
  out << "  padding: " << tokenizer.padding << "\n";
  out << "  truncating: " << tokenizer.truncating << "\n";
  out << "  lower: " << format_bool(tokenizer.lower) << "\n";
  out << "  filters: " << detail::yaml_double_quoted(tokenizer.filters) << "\n";
  out << "  split: " << detail::yaml_double_quoted(tokenizer.split) << "\n";
  out << "  char_level: " << format_bool(tokenizer.char_level) << "\n";
  out << "  oov_token: " << (tokenizer.oov_token ? detail::yaml_double_quoted(*tokenizer.oov_token) : "null") << "\n";
  out << "  split_cjk: " << format_bool(tokenizer.split_cjk) << "\n";
  out << "  ngrams: " << tokenizer.ngrams << "\n";
  out << "  ngram_buckets: " << tokenizer.ngram_buckets << "\n";

  out << "model:\n";
  out << "  layers:\n";
  for (const LayerConfig& layer : config.model.layers) {
    out << "    - " << format_layer(layer) << "\n";
  }

  const TrainingConfig& training = config.training;
  out << "training:\n";
  out << "  task: " << training.task << "\n";
  write_optimizer(out, training.optimizer);
  out << "  epochs: " << training.epochs << "\n";
  out << "  batch_size: " << training.batch_size << "\n";
  out << "  seed: " << training.seed << "\n";
  out << "  validation_split: " << format_double(training.validation_split) << "\n";
  out << "  shuffle: " << format_bool(training.shuffle) << "\n";
  out << "  threads: " << training.threads << "\n";
  write_training_extras(out, training);

  out << "output:\n";
  out << "  dir: " << quote_path(config.output.dir) << "\n";
  out << "  name: " << detail::yaml_double_quoted(config.output.name) << "\n";
  return out.str();
}

nlohmann::json to_json(const ExperimentConfig& config) {
  const DataConfig& data = config.data;
  const TokenizerConfig& tokenizer = config.tokenizer;
  const TrainingConfig& training = config.training;
  const OptimizerConfig& optimizer = training.optimizer;

  nlohmann::json optimizer_json = {{"name", optimizer.name},
                                   {"learning_rate", optimizer.learning_rate}};
  if (optimizer.name == "adam") {
    optimizer_json["beta_1"] = optimizer.beta_1;
    optimizer_json["beta_2"] = optimizer.beta_2;
    optimizer_json["epsilon"] = optimizer.epsilon;
  } else {
    optimizer_json["momentum"] = optimizer.momentum;
    optimizer_json["nesterov"] = optimizer.nesterov;
  }
  optimizer_json["weight_decay"] = optimizer.weight_decay;
  optimizer_json["global_clipnorm"] = optional_to_json(optimizer.global_clipnorm, nullptr);
  optimizer_json["embedding_update"] = optimizer.embedding_update;

  nlohmann::json early_stopping = nullptr;
  if (training.early_stopping) {
    early_stopping = {{"monitor", training.early_stopping->monitor},
                      {"patience", training.early_stopping->patience},
                      {"min_delta", training.early_stopping->min_delta},
                      {"restore_best", training.early_stopping->restore_best}};
  }

  nlohmann::json layers = nlohmann::json::array();
  for (const LayerConfig& layer : config.model.layers) layers.push_back(layer_to_json(layer));

  return {
      {"data",
       {{"train", path_to_json(data.train)},
        {"test", path_to_json(data.test)},
        {"validation", path_to_json(data.validation)},
        {"format", data.format},
        {"text_column", data.text_column},
        {"label_column", data.label_column},
        {"label_separator", data.label_separator}}},
      {"tokenizer",
       {{"num_words", optional_to_json(tokenizer.num_words, nullptr)},
        {"max_length", tokenizer.max_length},
        {"padding", tokenizer.padding},
        {"truncating", tokenizer.truncating},
        {"lower", tokenizer.lower},
        {"filters", tokenizer.filters},
        {"split", tokenizer.split},
        {"char_level", tokenizer.char_level},
        {"oov_token", optional_to_json(tokenizer.oov_token, nullptr)},
        {"split_cjk", tokenizer.split_cjk},
        {"ngrams", tokenizer.ngrams},
        {"ngram_buckets", tokenizer.ngram_buckets}}},
      {"model", {{"layers", layers}}},
      {"training",
       {{"task", training.task},
        {"optimizer", optimizer_json},
        {"epochs", training.epochs},
        {"batch_size", training.batch_size},
        {"seed", training.seed},
        {"validation_split", training.validation_split},
        {"shuffle", training.shuffle},
        {"threads", training.threads},
        {"lr_schedule",
         {{"name", training.lr_schedule.name},
          {"warmup_steps", training.lr_schedule.warmup_steps},
          {"alpha", training.lr_schedule.alpha}}},
        {"class_weight", class_weight_to_json(training.class_weight)},
        {"label_smoothing", training.label_smoothing},
        {"bucket_by_length", training.bucket_by_length},
        {"checkpoint_every_steps", training.checkpoint_every_steps},
        {"checkpoint_min_interval_seconds", training.checkpoint_min_interval_seconds},
        {"early_stopping", early_stopping}}},
      {"output", {{"dir", path_to_json(config.output.dir)}, {"name", config.output.name}}},
  };
}

}  // namespace maas::config
