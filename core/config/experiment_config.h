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
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maas::config {

// Characters the Keras Tokenizer strips by default (keras.preprocessing.text.Tokenizer,
// argument `filters`), with tab and newline.
inline constexpr std::string_view kKerasFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

// Upper bounds of the size keys. They reject typos such as a batch of 2147483647 before any
// memory is allocated; they are not a check that a model fits in memory.
inline constexpr int kMaxThreads = 1024;         // the cap of --threads in eval and predict
inline constexpr int kMaxBatchSize = 1 << 20;    // the trainer also clamps it to the training rows
inline constexpr int kMaxEmbeddingDim = 65536;   // embedding.dim
inline constexpr int kMaxUnits = 65536;          // dense.units
inline constexpr int kMaxInputDim = 100000000;   // embedding.input_dim (ids in the table)
// The same bounds as text::kMaxNgramOrder and text::kMaxNgramBuckets (the trainer checks that
// they agree), repeated because config does not depend on text.
inline constexpr int kMaxNgramOrder = 5;            // tokenizer.ngrams
inline constexpr int kMaxNgramBuckets = 10000000;   // tokenizer.ngram_buckets

// Dataset files. Paths are absolute and lexically normal; an empty path means "not given".
struct DataConfig {
  std::filesystem::path train;       // required
  std::filesystem::path test;        // optional
  std::filesystem::path validation;  // optional; exclusive with training.validation_split > 0
  std::string format = "auto";       // auto | csv | tsv | jsonl | fasttext
  std::string text_column = "text";
  std::string label_column = "label";
  // multi_label only: the characters between labels in one CSV or TSV field, or in a JSONL
  // string label, such as "sports|politics". Never empty. fastText lines repeat the label token,
  // and a JSONL label may also be an array of strings.
  std::string label_separator = "|";

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
  // Hashed word n-grams (text::NgramOptions): windows of 2 to `ngrams` words, 1 = off. Only
  // order-free models may use them: conv1d, lstm, gru and transformer_encoder are rejected.
  int ngrams = 1;                        // 1 to kMaxNgramOrder
  int ngram_buckets = 2000000;           // 1 to kMaxNgramBuckets; fastText's default -bucket

  bool operator==(const TokenizerConfig&) const = default;
};

// One layer of the sequential model. Only the fields of `type` are meaningful; the others keep
// their defaults.
struct LayerConfig {
  // embedding | global_average_pooling1d | global_max_pooling1d | conv1d | lstm | gru |
  // transformer_encoder | layer_normalization | dense | dropout
  std::string type;
  int dim = 0;                   // embedding: output dimension, 1 to kMaxEmbeddingDim, required
  std::optional<int> input_dim;  // embedding: 2 to kMaxInputDim; nullopt = tokenizer vocab size
  std::optional<int> units;      // dense: 1 to kMaxUnits; nullopt = auto (last layer only)
                                 // lstm, gru: 1 to kMaxUnits, required
  // Dense activation: linear | relu | tanh | sigmoid | softmax | auto (last layer only).
  // With units and activation both auto, the trainer uses 1 sigmoid unit for 2 classes and a
  // softmax over N units for N classes.
  std::string activation = "linear";
  // global_average_pooling1d, global_max_pooling1d and transformer_encoder: false counts
  // padding positions too.
  bool mask = true;
  double rate = 0.0;  // dropout: 0 <= rate < 1, required
  // conv1d: filters >= 1 and kernel_size >= 1 (both required), activation linear | relu |
  // tanh | sigmoid (default linear), padding same | valid.
  int filters = 0;
  int kernel_size = 0;
  std::string padding = "same";
  double epsilon = 1e-3;  // layer_normalization, transformer_encoder: > 0, added to the variance
  // transformer_encoder: attention heads (>= 1, dividing the input features) and the width of
  // the feed-forward block (>= 1), both required.
  int num_heads = 0;
  int ff_dim = 0;
  bool bidirectional = false;     // lstm, gru: also read the sequence backwards, doubling the output
  bool return_sequences = false;  // lstm, gru: output the state at every position, not the last
  int line = 0;           // 1-based line of the item in the file; 0 when set by --set
  // Position of the layer's last change, for messages: "file:line:column" of the item, or the
  // "--set ..." argument that replaced it or changed one of its settings.
  std::string location;

  // Compares the settings only: `line` and `location` record where a layer was written, not what
  // it is, so a config read back from dump_config() compares equal.
  bool operator==(const LayerConfig& other) const {
    return type == other.type && dim == other.dim && input_dim == other.input_dim &&
           units == other.units && activation == other.activation && mask == other.mask &&
           rate == other.rate && filters == other.filters && kernel_size == other.kernel_size &&
           padding == other.padding && epsilon == other.epsilon &&
           bidirectional == other.bidirectional && return_sequences == other.return_sequences &&
           num_heads == other.num_heads && ff_dim == other.ff_dim;
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
  double learning_rate = 0.001;  // 1e-30 to 1e30; when not given: 0.001 for adam, 0.01 for sgd
  double beta_1 = 0.9;           // 0 <= beta_1 < 1
  double beta_2 = 0.999;         // 0 <= beta_2 < 1
  double epsilon = 1e-7;         // 1e-30 to 1e30
  double momentum = 0.0;         // 0 <= momentum < 1
  bool nesterov = false;
  // The keys below apply to both optimizers.
  double weight_decay = 0.0;               // 0 to 1e30; decoupled (AdamW for adam), w -= lr * weight_decay * w
  std::optional<double> global_clipnorm;   // 1e-30 to 1e30; nullopt = no clipping
  std::string embedding_update = "lazy";   // lazy | dense: how the embedding table is updated

  bool operator==(const OptimizerConfig&) const = default;
};

// Learning-rate schedule over the optimizer steps of the whole run. During the first
// warmup_steps steps the rate rises linearly to learning_rate. After that "constant" keeps it,
// while "linear_decay" lowers it linearly and "cosine" along a half cosine to
// alpha * learning_rate at the end of the run (see train::scheduled_learning_rate).
struct LrScheduleConfig {
  std::string name = "constant";  // constant | linear_decay | cosine
  int warmup_steps = 0;           // >= 0
  double alpha = 0.0;             // 0 <= alpha <= 1: final rate as a fraction of learning_rate

  bool operator==(const LrScheduleConfig&) const = default;
};

// Per-class weights of the training loss (validation and test losses are not weighted).
struct ClassWeightConfig {
  // none | balanced | map. balanced gives class c the weight n / (classes * n_c), where n
  // counts the training examples and n_c those of class c (the Keras and scikit-learn rule).
  std::string mode = "none";
  // mode map: label -> weight >= 0. Labels not listed get weight 1.
  std::map<std::string, double> weights;

  bool operator==(const ClassWeightConfig&) const = default;
};

// Stops training when the monitored validation metric has not improved by more than
// min_delta for `patience` epochs in a row.
struct EarlyStoppingConfig {
  // val_loss for every task; val_accuracy, val_macro_f1 (classification); val_micro_f1,
  // val_macro_f1, val_subset_accuracy, val_hamming_loss (multi_label); val_mse, val_mae, val_r2
  // (regression). Lower is better for val_loss, val_hamming_loss, val_mse and val_mae.
  std::string monitor = "val_loss";
  int patience = 3;                  // >= 1
  double min_delta = 0.0;            // >= 0
  bool restore_best = true;          // save the weights of the best epoch as the model

  bool operator==(const EarlyStoppingConfig&) const = default;
};

struct TrainingConfig {
  // classification | multi_label | regression (see core/common/task.h). It decides how labels
  // are read, the output layer that `dense: {activation: auto}` becomes and the loss.
  std::string task = "classification";
  OptimizerConfig optimizer;
  int epochs = 5;       // >= 1
  int batch_size = 32;  // 1 to kMaxBatchSize
  std::uint64_t seed = 1;
  double validation_split = 0.0;  // 0 <= x < 1; fraction of train held out for validation
  bool shuffle = true;
  int threads = 0;  // 0 to kMaxThreads; 0 uses all cores
  LrScheduleConfig lr_schedule;
  ClassWeightConfig class_weight;
  double label_smoothing = 0.0;  // 0 <= x < 1, and below 1 in float32
  // Batches of similar length: see train::plan_batches for the rule.
  bool bucket_by_length = true;
  int checkpoint_every_steps = 0;  // >= 0; 0 = only at the end of each epoch
  // >= 0. An epoch end writes no checkpoint when the last one (or the start of training) is
  // less than this many seconds old. Step checkpoints and stop signals always write one.
  double checkpoint_min_interval_seconds = 60.0;
  std::optional<EarlyStoppingConfig> early_stopping;  // nullopt = train every epoch

  bool operator==(const TrainingConfig&) const = default;
};

// Run folder. When the config gives no output, dir is runs/<config stem> inside the config
// file's folder; when it gives no name, name is the config file's stem.
struct OutputConfig {
  std::filesystem::path dir;  // absolute and lexically normal
  std::string name;           // one path component: no '/' or '\', not "." or ".."

  bool operator==(const OutputConfig&) const = default;
};

// Positions of the given key paths: "file:line:column", or "--set KEY=VALUE" for an override. Later
// stages, such as the trainer, use it to point their messages at the value at fault. It is not
// part of the config's value, so it never makes two configs compare unequal.
struct KeyLocations {
  std::map<std::string, std::string, std::less<>> labels;
  std::string file_label;  // the config path as given, for keys that were not given

  // Returns the label of `key_path`, or of its nearest given parent, or else file_label.
  std::string find(std::string_view key_path) const;

  bool operator==(const KeyLocations&) const { return true; }
};

struct ExperimentConfig {
  std::filesystem::path source;  // absolute path of the config file; empty for a text without one
  KeyLocations locations;
  DataConfig data;
  TokenizerConfig tokenizer;
  ModelConfig model;
  TrainingConfig training;
  OutputConfig output;

  bool operator==(const ExperimentConfig&) const = default;
};

}  // namespace maas::config
