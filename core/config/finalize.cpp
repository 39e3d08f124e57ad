#include "core/config/finalize.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

namespace maas::config::detail {
namespace {

constexpr double kAdamLearningRate = 0.001;  // Keras Adam default
constexpr double kSgdLearningRate = 0.01;    // Keras SGD default

class Checker {
 public:
  Checker(const FinalizeContext& context, const GivenKeys& given, Diagnostics& diagnostics)
      : context_(context), given_(given), diagnostics_(diagnostics) {}

  bool given(const std::string& path) const { return given_.contains(path); }
  bool has_error_at(const std::string& path) const { return diagnostics_.has_error_at(path); }

  // Returns the position where `path` was given. For a key not given, returns the position of
  // its nearest given parent, or else the file without a line.
  Location where(std::string path) const {
    while (true) {
      const auto it = given_.find(path);
      if (it != given_.end()) return it->second;
      const std::size_t cut = path.find_last_of(".[");
      if (cut == std::string::npos) return {context_.file_label};
      path.resize(cut);
    }
  }

  void error(const std::string& path, std::string_view message) {
    diagnostics_.add(where(path), path, message);
  }

 private:
  const FinalizeContext& context_;
  const GivenKeys& given_;
  Diagnostics& diagnostics_;
};

std::string format_number(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

void check_required(const ExperimentConfig& config, Checker& checker) {
  if (config.data.train.empty() && !checker.given("data.train")) {
    checker.error("data.train",
                  "missing required key; give the training data file, such as "
                  "data: {train: data/train.csv}");
  }
  if (config.model.layers.empty() && !checker.has_error_at("model.layers")) {
    checker.error("model.layers", checker.given("model.layers")
                                      ? "expected at least one layer, got an empty list"
                                      : "missing required key; give the list of layers, such as "
                                        "model: {layers: [{embedding: {dim: 64}}, "
                                        "{global_average_pooling1d: {}}, {dense: {activation: auto}}]}");
  }
}

// The readers bound sizes by the int range only; these bounds catch typos such as dim 100000000
// before the trainer tries to allocate the layer.
void check_size(std::optional<int> value, int max, const std::string& path, Checker& checker) {
  if (!value || *value <= max || checker.has_error_at(path)) return;
  checker.error(path, "got " + std::to_string(*value) + ", which is out of range; expected an "
                          "integer up to " + std::to_string(max) + ", so lower it");
}

void check_layer_sizes(const LayerConfig& layer, const std::string& type_path, Checker& checker) {
  if (layer.type == "embedding") {
    check_size(layer.dim, kMaxEmbeddingDim, type_path + ".dim", checker);
    check_size(layer.input_dim, kMaxInputDim, type_path + ".input_dim", checker);
  } else if (layer.type == "dense") {
    check_size(layer.units, kMaxUnits, type_path + ".units", checker);
  }
}

void check_layers(const ExperimentConfig& config, Checker& checker) {
  const std::vector<LayerConfig>& layers = config.model.layers;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerConfig& layer = layers[i];
    if (layer.type.empty()) continue;  // an invalid item, already reported
    const std::string type_path = "model.layers[" + std::to_string(i) + "]." + layer.type;
    const bool is_last = i + 1 == layers.size();

    if (layer.type == "embedding" && !checker.given(type_path + ".dim")) {
      checker.error(type_path + ".dim",
                    "missing required key; give the embedding size, such as dim: 64");
    }
    if (layer.type == "dropout" && !checker.given(type_path + ".rate")) {
      checker.error(type_path + ".rate",
                    "missing required key; give the fraction of inputs to drop, such as rate: 0.5");
    }
    check_layer_sizes(layer, type_path, checker);
    if ((layer.type == "lstm" || layer.type == "gru") && !layer.units &&
        !checker.has_error_at(type_path + ".units")) {
      checker.error(type_path + ".units", "missing required key; give the state size, such as " + layer.type +
                                              ": {units: 64, bidirectional: true}");
    }
    if (layer.type == "transformer_encoder") {
      for (const char* key : {"num_heads", "ff_dim"}) {
        if (!checker.given(type_path + "." + key) && !checker.has_error_at(type_path + "." + key)) {
          checker.error(type_path + "." + key,
                        std::string("missing required key; give both num_heads and ff_dim, such as "
                                    "transformer_encoder: {num_heads: 4, ff_dim: 128}"));
        }
      }
    }
    if (layer.type == "conv1d") {
      for (const char* key : {"filters", "kernel_size"}) {
        if (!checker.given(type_path + "." + key) && !checker.has_error_at(type_path + "." + key)) {
          checker.error(type_path + "." + key,
                        std::string("missing required key; give both filters and kernel_size, such as "
                                    "conv1d: {filters: 128, kernel_size: 5, activation: relu}"));
        }
      }
    }
    if (layer.type != "dense" || is_last) continue;

    const std::string units_path = type_path + ".units";
    if (!layer.units && !checker.has_error_at(units_path)) {
      checker.error(units_path, checker.given(units_path)
                                    ? "auto is allowed only on the last layer; give units >= 1"
                                    : "missing; only the last layer may leave units out (auto), "
                                      "so give units >= 1");
    }
    if (layer.activation == "auto") {
      checker.error(type_path + ".activation",
                    "auto is allowed only on the last layer; expected one of linear, relu, tanh, "
                    "sigmoid, softmax");
    }
  }
}

// Hashed n-gram ids follow their word in the sequence (text::TextEncoder), which only a model that
// ignores order reads correctly: a convolution, RNN or attention layer would see each n-gram as
// a token between two words.
void check_ngrams(const ExperimentConfig& config, Checker& checker) {
  if (config.tokenizer.ngrams <= 1) return;
  const std::vector<LayerConfig>& layers = config.model.layers;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string& type = layers[i].type;
    if (type != "conv1d" && type != "lstm" && type != "gru" && type != "transformer_encoder") continue;
    checker.error("tokenizer.ngrams",
                  "is " + std::to_string(config.tokenizer.ngrams) + ", but model.layers[" + std::to_string(i) +
                      "] is " + type + ", which reads token order, and n-gram ids sit between the words; use "
                      "ngrams: 1 with this model, or pool the embeddings (global_average_pooling1d)");
    return;
  }
}

// Buckets without n-grams change nothing, which is worth a warning but not an error. A
// --dump-config output lists every key with its default, so only another value is reported.
void warn_unused_ngram_buckets(const ExperimentConfig& config, const Checker& checker) {
  const int fallback = TokenizerConfig{}.ngram_buckets;
  if (config.tokenizer.ngrams > 1 || config.tokenizer.ngram_buckets == fallback ||
      !checker.given("tokenizer.ngram_buckets")) {
    return;
  }
  spdlog::warn("{}: tokenizer.ngram_buckets is {}, but tokenizer.ngrams is {}, so no n-gram is hashed and the "
               "buckets are unused; set ngrams: 2 or more to hash word n-grams, or remove ngram_buckets",
               checker.where("tokenizer.ngram_buckets").label, config.tokenizer.ngram_buckets,
               config.tokenizer.ngrams);
}

// Keys of one optimizer given while the other is selected are errors, because they would
// silently do nothing.
void check_optimizer(OptimizerConfig& optimizer, Checker& checker) {
  const bool adam = optimizer.name == "adam";
  const std::string_view other = adam ? "sgd" : "adam";
  const std::vector<std::string_view> foreign_keys =
      adam ? std::vector<std::string_view>{"momentum", "nesterov"}
           : std::vector<std::string_view>{"beta_1", "beta_2", "epsilon"};
  for (std::string_view key : foreign_keys) {
    const std::string path = "training.optimizer." + std::string(key);
    if (!checker.given(path)) continue;
    checker.error(path, "applies only to " + std::string(other) +
                            ", but training.optimizer.name is " + optimizer.name +
                            "; remove it or set name: " + std::string(other));
  }
  if (!checker.given("training.optimizer.learning_rate")) {
    optimizer.learning_rate = adam ? kAdamLearningRate : kSgdLearningRate;
  }
}

void check_columns(const DataConfig& data, Checker& checker) {
  if (data.text_column != data.label_column) return;
  checker.error("data.label_column",
                "is \"" + data.label_column + "\", the same column as data.text_column; set "
                "label_column to the column that contains the labels");
}

void check_validation(const ExperimentConfig& config, Checker& checker) {
  if (config.data.validation.empty() || config.training.validation_split <= 0.0) return;
  checker.error("data.validation",
                "a validation file cannot be combined with training.validation_split " +
                    format_number(config.training.validation_split) + " (set at " +
                    checker.where("training.validation_split").label +
                    "); remove one of them or set validation_split: 0");
}

// Early stopping watches a validation metric, so it needs validation data.
void check_early_stopping(const ExperimentConfig& config, Checker& checker) {
  if (!config.training.early_stopping) return;
  if (!config.data.validation.empty() || config.training.validation_split > 0.0) return;
  checker.error("training.early_stopping",
                "needs validation data to monitor " + config.training.early_stopping->monitor +
                    "; set data.validation or training.validation_split (such as 0.1), or set "
                    "early_stopping: null");
}

// The monitors each task reports on its validation data.
std::vector<std::string_view> task_monitors(const std::string& task) {
  if (task == "multi_label") {
    return {"val_loss", "val_micro_f1", "val_macro_f1", "val_subset_accuracy", "val_hamming_loss"};
  }
  if (task == "regression") return {"val_loss", "val_mse", "val_mae", "val_r2"};
  return {"val_loss", "val_accuracy", "val_macro_f1"};
}

// Rejects settings that do not apply to training.task.
void check_task(const ExperimentConfig& config, Checker& checker) {
  const TrainingConfig& training = config.training;
  const std::string& task = training.task;
  if (task != "classification" && training.class_weight.mode != "none") {
    checker.error("training.class_weight",
                  "weights classes of a single-label classifier, but training.task is " + task +
                      "; set class_weight: null");
  }
  if (task == "regression" && training.label_smoothing > 0.0) {
    checker.error("training.label_smoothing",
                  "is " + format_number(training.label_smoothing) +
                      ", but label smoothing applies to class targets, not to regression; set label_smoothing: 0");
  }
  if (training.early_stopping) {
    const std::vector<std::string_view> monitors = task_monitors(task);
    const std::string& monitor = training.early_stopping->monitor;
    if (std::find(monitors.begin(), monitors.end(), monitor) == monitors.end()) {
      std::string names;
      for (std::string_view name : monitors) names += (names.empty() ? "" : ", ") + std::string(name);
      checker.error("training.early_stopping.monitor",
                    "is " + monitor + ", which training.task " + task + " does not report; expected one of " + names);
    }
  }
}

}  // namespace

void finalize_config(ExperimentConfig& config, const FinalizeContext& context,
                     const GivenKeys& given, Diagnostics& diagnostics) {
  Checker checker(context, given, diagnostics);
  if (context.root_is_map) check_required(config, checker);
  check_layers(config, checker);
  check_ngrams(config, checker);
  warn_unused_ngram_buckets(config, checker);
  check_optimizer(config.training.optimizer, checker);
  check_columns(config.data, checker);
  check_validation(config, checker);
  check_early_stopping(config, checker);
  check_task(config, checker);

  if (config.output.dir.empty()) {
    config.output.dir = (context.config_dir / "runs" / context.config_stem).lexically_normal();
  }
  if (config.output.name.empty()) config.output.name = context.config_stem;
}

}  // namespace maas::config::detail
