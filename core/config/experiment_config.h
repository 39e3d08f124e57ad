#pragma once
// Typed experiment config: what a YAML file such as configs/text.yaml contains after parsing,
// with every default filled in and every path absolute. The structs are plain data so that
// config depends on nothing of nn, text or data; the trainer maps them onto its own types.
//
// Contract of a config returned by parse_config() or load_config(): every value is inside
// the range documented next to its field, and the cross-field rules hold (for example,
// validation and validation_split > 0 are never both set).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maas::config {

// Characters the Keras Tokenizer strips by default (keras.preprocessing.text.Tokenizer,
// argument `filters`), with tab and newline.
inline constexpr std::string_view kKerasFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

// Dataset files. Paths are absolute and lexically normal; an empty path means "not given".
struct DataConfig {
  std::filesystem::path train;       // required
  std::filesystem::path test;        // optional
  std::filesystem::path validation;  // optional; exclusive with training.validation_split > 0
  std::string format = "auto";       // auto | csv | tsv | jsonl | fasttext
  std::string text_column = "text";
  std::string label_column = "label";

  bool operator==(const DataConfig&) const = default;
};

// Settings of a Keras-style word tokenizer, with Keras defaults unless noted.
struct TokenizerConfig {
  std::optional<int> num_words = 20000;  // nullopt keeps every word; otherwise >= 2
  int max_length = 64;                   // tokens per sequence after padding, 1 to 100000
  std::string padding = "pre";           // pre | post
  std::string truncating = "pre";        // pre | post
  bool lower = true;
  std::string filters = std::string(kKerasFilters);  // may be empty
  std::string split = " ";                           // never empty
  bool char_level = false;
  std::optional<std::string> oov_token;  // nullopt means none; never an empty string
  bool split_cjk = true;                 // split CJK text into single characters

  bool operator==(const TokenizerConfig&) const = default;
};

// One layer of the sequential model. Only the fields of `type` are meaningful; the others keep
// their defaults.
struct LayerConfig {
  std::string type;              // embedding | global_average_pooling1d | dense | dropout
  int dim = 0;                   // embedding: output dimension, >= 1, required
  std::optional<int> input_dim;  // embedding: >= 2; nullopt = tokenizer vocab size
  std::optional<int> units;      // dense: >= 1; nullopt = auto (last layer only)
  // Dense activation: linear | relu | tanh | sigmoid | softmax | auto (last layer only).
  // With units and activation both auto, the trainer uses 1 sigmoid unit for 2 classes and a
  // softmax over N units for N classes.
  std::string activation = "linear";
  bool mask = true;   // global_average_pooling1d: false averages padding positions too
  double rate = 0.0;  // dropout: 0 <= rate < 1, required
  int line = 0;       // 1-based line of the item in the file; 0 when set by --set

  // Compares the settings only: `line` records where a layer was written, not what it is, so a
  // config read back from dump_config() compares equal.
  bool operator==(const LayerConfig& other) const {
    return type == other.type && dim == other.dim && input_dim == other.input_dim &&
           units == other.units && activation == other.activation && mask == other.mask &&
           rate == other.rate;
  }
};

struct ModelConfig {
  std::vector<LayerConfig> layers;  // never empty

  bool operator==(const ModelConfig&) const = default;
};

// Optimizer with Keras defaults. beta_1, beta_2 and epsilon apply to adam only. momentum and
// nesterov apply to sgd only. Giving a key of the other optimizer is a config error.
struct OptimizerConfig {
  std::string name = "adam";     // adam | sgd
  double learning_rate = 0.001;  // > 0; when not given: 0.001 for adam, 0.01 for sgd
  double beta_1 = 0.9;           // 0 <= beta_1 < 1
  double beta_2 = 0.999;         // 0 <= beta_2 < 1
  double epsilon = 1e-7;         // > 0
  double momentum = 0.0;         // 0 <= momentum <= 1
  bool nesterov = false;

  bool operator==(const OptimizerConfig&) const = default;
};

struct TrainingConfig {
  OptimizerConfig optimizer;
  int epochs = 5;       // >= 1
  int batch_size = 32;  // >= 1
  std::uint64_t seed = 1;
  double validation_split = 0.0;  // 0 <= x < 1; fraction of train held out for validation
  bool shuffle = true;
  int threads = 0;  // >= 0; 0 uses all cores

  bool operator==(const TrainingConfig&) const = default;
};

// Run folder. When the config gives no output, dir is runs/<config stem> inside the config
// file's folder; when it gives no name, name is the config file's stem.
struct OutputConfig {
  std::filesystem::path dir;  // absolute and lexically normal
  std::string name;           // one path component: no '/' or '\', not "." or ".."

  bool operator==(const OutputConfig&) const = default;
};

struct ExperimentConfig {
  std::filesystem::path source;  // absolute path of the config file; empty for a text without one
  DataConfig data;
  TokenizerConfig tokenizer;
  ModelConfig model;
  TrainingConfig training;
  OutputConfig output;

  bool operator==(const ExperimentConfig&) const = default;
};

}  // namespace maas::config
