// Readers for the data, tokenizer, training, output and root maps. Layers are in
// layer_readers.cpp.

#include "core/config/section_readers.h"

#include <array>

namespace maas::config::detail {
namespace {

constexpr std::string_view kFormats[] = {"auto", "csv", "tsv", "jsonl", "fasttext"};
constexpr std::string_view kSides[] = {"pre", "post"};
constexpr std::string_view kOptimizers[] = {"adam", "sgd"};
constexpr std::string_view kEmbeddingUpdates[] = {"lazy", "dense"};
constexpr std::string_view kSchedules[] = {"constant", "linear_decay", "cosine"};
constexpr std::string_view kBalanced = "balanced";
constexpr std::string_view kMonitors[] = {"val_loss",         "val_accuracy", "val_macro_f1",
                                          "val_micro_f1",     "val_subset_accuracy", "val_hamming_loss",
                                          "val_mse",          "val_mae",      "val_r2"};
constexpr std::string_view kTasks[] = {"classification", "multi_label", "regression"};

constexpr Bounds kFraction{.min = 0.0, .max = 1.0, .max_inclusive = false};  // [0, 1)
constexpr Bounds kUnitInterval{.min = 0.0, .max = 1.0};                      // [0, 1]
constexpr Bounds kNonNegative{.min = 0.0};
// Optimizer settings are used as float32, whose range ends near 3.4e38 and whose smallest normal
// value is near 1.2e-38. Values outside these bounds are typos, and within them the conversion
// keeps a finite, non-zero value.
constexpr Bounds kFloatPositive{.min = 1e-30, .max = 1e30};
constexpr Bounds kFloatNonNegative{.min = 0.0, .max = 1e30};

// Reads a number in [0, 1) that is used as float32, where values just below 1 round to 1.
std::optional<double> read_float_fraction(const Entry& entry, Reader& reader) {
  const std::optional<double> value = reader.read_double(entry, kFraction);
  if (value && static_cast<float>(*value) >= 1.0f) {
    reader.error(entry, "got " + entry.value.Scalar() +
                            ", which rounds to 1 in float32; expected a number >= 0 and < 1, "
                            "such as 0.9999");
    return std::nullopt;
  }
  return value;
}

void set_optional_path(std::filesystem::path& field, const Entry& entry, Reader& reader) {
  if (entry.value.IsNull()) {
    field.clear();
    return;
  }
  set_if_valid(field, reader.read_path(entry));
}

constexpr std::array<Field<DataConfig>, 7> kDataFields{{
    {"train",
     [](DataConfig& d, const Entry& e, Reader& r) { set_if_valid(d.train, r.read_path(e)); }},
    {"test", [](DataConfig& d, const Entry& e, Reader& r) { set_optional_path(d.test, e, r); }},
    {"validation",
     [](DataConfig& d, const Entry& e, Reader& r) { set_optional_path(d.validation, e, r); }},
    {"format", [](DataConfig& d, const Entry& e,
                  Reader& r) { set_if_valid(d.format, r.read_enum(e, kFormats)); }},
    {"text_column", [](DataConfig& d, const Entry& e,
                       Reader& r) { set_if_valid(d.text_column, r.read_string(e, false)); }},
    {"label_column", [](DataConfig& d, const Entry& e,
                        Reader& r) { set_if_valid(d.label_column, r.read_string(e, false)); }},
    {"label_separator", [](DataConfig& d, const Entry& e,
                           Reader& r) { set_if_valid(d.label_separator, r.read_string(e, false)); }},
}};

constexpr int kMaxSequenceLength = 100000;

constexpr std::array<Field<TokenizerConfig>, 12> kTokenizerFields{{
    {"num_words",
     [](TokenizerConfig& t, const Entry& e, Reader& r) {
       if (e.value.IsNull()) {
         t.num_words.reset();
         return;
       }
       set_if_valid(t.num_words, r.read_int(e, 2, INT_MAX, "null"));
     }},
    {"max_length",
     [](TokenizerConfig& t, const Entry& e, Reader& r) {
       set_if_valid(t.max_length, r.read_int(e, 1, kMaxSequenceLength));
     }},
    {"padding", [](TokenizerConfig& t, const Entry& e,
                   Reader& r) { set_if_valid(t.padding, r.read_enum(e, kSides)); }},
    {"truncating", [](TokenizerConfig& t, const Entry& e,
                      Reader& r) { set_if_valid(t.truncating, r.read_enum(e, kSides)); }},
    {"lower",
     [](TokenizerConfig& t, const Entry& e, Reader& r) { set_if_valid(t.lower, r.read_bool(e)); }},
    {"filters", [](TokenizerConfig& t, const Entry& e,
                   Reader& r) { set_if_valid(t.filters, r.read_string(e, true)); }},
    {"split", [](TokenizerConfig& t, const Entry& e,
                 Reader& r) { set_if_valid(t.split, r.read_string(e, false)); }},
    {"char_level", [](TokenizerConfig& t, const Entry& e,
                      Reader& r) { set_if_valid(t.char_level, r.read_bool(e)); }},
    {"oov_token",
     [](TokenizerConfig& t, const Entry& e, Reader& r) {
       if (e.value.IsNull()) {
         t.oov_token.reset();
         return;
       }
       set_if_valid(t.oov_token, r.read_string(e, false));
     }},
    {"split_cjk", [](TokenizerConfig& t, const Entry& e,
                     Reader& r) { set_if_valid(t.split_cjk, r.read_bool(e)); }},
    {"ngrams", [](TokenizerConfig& t, const Entry& e,
                  Reader& r) { set_if_valid(t.ngrams, r.read_int(e, 1, kMaxNgramOrder)); }},
    {"ngram_buckets", [](TokenizerConfig& t, const Entry& e,
                         Reader& r) { set_if_valid(t.ngram_buckets, r.read_int(e, 1, kMaxNgramBuckets)); }},
}};

constexpr std::array<Field<OptimizerConfig>, 10> kOptimizerFields{{
    // Keras looks optimizer names up without regard to case ("Adam", "SGD").
    {"name", [](OptimizerConfig& o, const Entry& e,
                Reader& r) { set_if_valid(o.name, r.read_enum(e, kOptimizers, true)); }},
    {"learning_rate",
     [](OptimizerConfig& o, const Entry& e, Reader& r) {
       set_if_valid(o.learning_rate, r.read_double(e, kFloatPositive));
     }},
    {"beta_1", [](OptimizerConfig& o, const Entry& e,
                  Reader& r) { set_if_valid(o.beta_1, read_float_fraction(e, r)); }},
    {"beta_2", [](OptimizerConfig& o, const Entry& e,
                  Reader& r) { set_if_valid(o.beta_2, read_float_fraction(e, r)); }},
    {"epsilon", [](OptimizerConfig& o, const Entry& e,
                   Reader& r) { set_if_valid(o.epsilon, r.read_double(e, kFloatPositive)); }},
    // Momentum 1 never decays the velocity, so the SGD update (nn::make_sgd) takes [0, 1).
    {"momentum", [](OptimizerConfig& o, const Entry& e,
                    Reader& r) { set_if_valid(o.momentum, read_float_fraction(e, r)); }},
    {"nesterov", [](OptimizerConfig& o, const Entry& e,
                    Reader& r) { set_if_valid(o.nesterov, r.read_bool(e)); }},
    {"weight_decay", [](OptimizerConfig& o, const Entry& e,
                        Reader& r) { set_if_valid(o.weight_decay, r.read_double(e, kFloatNonNegative)); }},
    {"global_clipnorm",
     [](OptimizerConfig& o, const Entry& e, Reader& r) {
       if (e.value.IsNull()) {
         o.global_clipnorm.reset();
         return;
       }
       set_if_valid(o.global_clipnorm, r.read_double(e, kFloatPositive));
     }},
    {"embedding_update", [](OptimizerConfig& o, const Entry& e, Reader& r) {
       set_if_valid(o.embedding_update, r.read_enum(e, kEmbeddingUpdates));
     }},
}};

// training.optimizer is a map, or a bare name ("optimizer: sgd") as shorthand for {name: sgd}.
void read_optimizer(TrainingConfig& training, const Entry& entry, Reader& reader) {
  if (entry.value.IsScalar()) {
    reader.mark_given(join_path(entry.path, "name"), reader.locate(entry));
    set_if_valid(training.optimizer.name, reader.read_enum(entry, kOptimizers, true));
    return;
  }
  if (!entry.value.IsNull() && !entry.value.IsMap()) {
    reader.reject(entry, "a map such as {name: adam, learning_rate: 0.001}, or an optimizer name");
    return;
  }
  read_fields<OptimizerConfig>(training.optimizer, entry, kOptimizerFields, reader);
}

constexpr std::array<Field<LrScheduleConfig>, 3> kLrScheduleFields{{
    {"name", [](LrScheduleConfig& l, const Entry& e,
                Reader& r) { set_if_valid(l.name, r.read_enum(e, kSchedules)); }},
    {"warmup_steps", [](LrScheduleConfig& l, const Entry& e,
                        Reader& r) { set_if_valid(l.warmup_steps, r.read_int(e, 0)); }},
    {"alpha", [](LrScheduleConfig& l, const Entry& e,
                 Reader& r) { set_if_valid(l.alpha, r.read_double(e, kUnitInterval)); }},
}};

// training.lr_schedule is a map, or a bare name ("lr_schedule: cosine") as shorthand for {name: cosine}.
void read_lr_schedule(TrainingConfig& training, const Entry& entry, Reader& reader) {
  if (entry.value.IsScalar()) {
    reader.mark_given(join_path(entry.path, "name"), reader.locate(entry));
    set_if_valid(training.lr_schedule.name, reader.read_enum(entry, kSchedules));
    return;
  }
  if (!entry.value.IsNull() && !entry.value.IsMap()) {
    reader.reject(entry, "a map such as {name: cosine, warmup_steps: 100, alpha: 0}, or a schedule name");
    return;
  }
  read_fields<LrScheduleConfig>(training.lr_schedule, entry, kLrScheduleFields, reader);
}

// training.class_weight is null, "balanced", or a map from label to weight. A map replaces the
// previous one as a whole, so an override never mixes two sets of weights.
void read_class_weight(TrainingConfig& training, const Entry& entry, Reader& reader) {
  ClassWeightConfig& config = training.class_weight;
  reader.forget_given(entry.path);
  reader.mark_given(entry);
  if (entry.value.IsNull()) {
    config = ClassWeightConfig{};
    return;
  }
  if (entry.value.IsScalar() && entry.value.Scalar() == kBalanced) {
    config = ClassWeightConfig{std::string(kBalanced), {}};
    return;
  }
  if (!entry.value.IsMap()) {
    reader.reject(entry, "null, balanced, or a map from label to weight such as {toxic: 3, clean: 1}");
    return;
  }
  ClassWeightConfig weights{"map", {}};
  bool valid = true;
  for (const Entry& item : reader.entries(entry.value, entry.path)) {
    reader.mark_given(item);
    const std::optional<double> weight = reader.read_double(item, kNonNegative);
    if (!weight) {
      valid = false;
      continue;
    }
    weights.weights[item.key] = *weight;
  }
  if (weights.weights.empty() && valid) {
    reader.reject(entry, "at least one label: weight pair, or null for no class weights");
    return;
  }
  if (valid) config = std::move(weights);
}

constexpr std::array<Field<EarlyStoppingConfig>, 4> kEarlyStoppingFields{{
    {"monitor", [](EarlyStoppingConfig& s, const Entry& e,
                   Reader& r) { set_if_valid(s.monitor, r.read_enum(e, kMonitors)); }},
    {"patience", [](EarlyStoppingConfig& s, const Entry& e,
                    Reader& r) { set_if_valid(s.patience, r.read_int(e, 1)); }},
    {"min_delta", [](EarlyStoppingConfig& s, const Entry& e,
                     Reader& r) { set_if_valid(s.min_delta, r.read_double(e, kNonNegative)); }},
    {"restore_best", [](EarlyStoppingConfig& s, const Entry& e,
                        Reader& r) { set_if_valid(s.restore_best, r.read_bool(e)); }},
}};

// training.early_stopping is null (off) or a map; a map turns it on with defaults for the keys it
// leaves out.
void read_early_stopping(TrainingConfig& training, const Entry& entry, Reader& reader) {
  if (entry.value.IsNull()) {
    training.early_stopping.reset();
    return;
  }
  if (!entry.value.IsMap()) {
    reader.reject(entry, "null, or a map such as {monitor: val_loss, patience: 3}");
    return;
  }
  if (!training.early_stopping) training.early_stopping.emplace();
  read_fields<EarlyStoppingConfig>(*training.early_stopping, entry, kEarlyStoppingFields, reader);
}

constexpr std::array<Field<TrainingConfig>, 15> kTrainingFields{{
    {"task", [](TrainingConfig& t, const Entry& e, Reader& r) { set_if_valid(t.task, r.read_enum(e, kTasks)); }},
    {"optimizer", read_optimizer},
    {"epochs", [](TrainingConfig& t, const Entry& e,
                  Reader& r) { set_if_valid(t.epochs, r.read_int(e, 1)); }},
    {"batch_size", [](TrainingConfig& t, const Entry& e,
                      Reader& r) { set_if_valid(t.batch_size, r.read_int(e, 1, kMaxBatchSize)); }},
    {"seed",
     [](TrainingConfig& t, const Entry& e, Reader& r) { set_if_valid(t.seed, r.read_uint64(e)); }},
    {"validation_split",
     [](TrainingConfig& t, const Entry& e, Reader& r) {
       set_if_valid(t.validation_split, r.read_double(e, kFraction));
     }},
    {"shuffle",
     [](TrainingConfig& t, const Entry& e, Reader& r) { set_if_valid(t.shuffle, r.read_bool(e)); }},
    {"threads", [](TrainingConfig& t, const Entry& e,
                   Reader& r) { set_if_valid(t.threads, r.read_int(e, 0, kMaxThreads)); }},
    {"lr_schedule", read_lr_schedule},
    {"class_weight", read_class_weight},
    {"label_smoothing", [](TrainingConfig& t, const Entry& e, Reader& r) {
       set_if_valid(t.label_smoothing, read_float_fraction(e, r));
     }},
    {"bucket_by_length", [](TrainingConfig& t, const Entry& e,
                            Reader& r) { set_if_valid(t.bucket_by_length, r.read_bool(e)); }},
    {"checkpoint_every_steps", [](TrainingConfig& t, const Entry& e, Reader& r) {
       set_if_valid(t.checkpoint_every_steps, r.read_int(e, 0));
     }},
    {"checkpoint_min_interval_seconds", [](TrainingConfig& t, const Entry& e, Reader& r) {
       set_if_valid(t.checkpoint_min_interval_seconds, r.read_double(e, kNonNegative));
     }},
    {"early_stopping", read_early_stopping},
}};

// The run name becomes a folder or file name, so it must be a single path component.
void read_output_name(OutputConfig& output, const Entry& entry, Reader& reader) {
  std::optional<std::string> name = reader.read_string(entry, false);
  if (!name) return;
  if (name->find_first_of("/\\") != std::string::npos || *name == "." || *name == "..") {
    reader.error(entry, "expected a name without '/' or '\\' that is not '.' or '..', got \"" +
                            *name + "\"; put the folder in output.dir");
    return;
  }
  output.name = *name;
}

constexpr std::array<Field<OutputConfig>, 2> kOutputFields{{
    {"dir",
     [](OutputConfig& o, const Entry& e, Reader& r) { set_if_valid(o.dir, r.read_path(e)); }},
    {"name", read_output_name},
}};

// output is a folder path, or a map {dir, name}.
void read_output(ExperimentConfig& config, const Entry& entry, Reader& reader) {
  if (entry.value.IsScalar()) {
    reader.mark_given(join_path(entry.path, "dir"), reader.locate(entry));
    set_if_valid(config.output.dir, reader.read_path(entry));
    return;
  }
  if (!entry.value.IsMap()) {
    reader.reject(entry, "a folder path, or a map such as {dir: runs/text, name: text}");
    return;
  }
  read_fields<OutputConfig>(config.output, entry, kOutputFields, reader);
}

void read_model(ExperimentConfig& config, const Entry& entry, Reader& reader);

constexpr std::array<Field<ExperimentConfig>, 5> kRootFields{{
    {"data", [](ExperimentConfig& c, const Entry& e,
                Reader& r) { read_fields<DataConfig>(c.data, e, kDataFields, r); }},
    {"tokenizer",
     [](ExperimentConfig& c, const Entry& e, Reader& r) {
       read_fields<TokenizerConfig>(c.tokenizer, e, kTokenizerFields, r);
     }},
    {"model", read_model},
    {"training", [](ExperimentConfig& c, const Entry& e,
                    Reader& r) { read_fields<TrainingConfig>(c.training, e, kTrainingFields, r); }},
    {"output", read_output},
}};

// model.layers replaces the whole list: layers do not merge item by item.
void read_layers(ModelConfig& model, const Entry& entry, Reader& reader) {
  reader.forget_given(entry.path);
  reader.mark_given(entry);
  if (!entry.value.IsSequence()) {
    reader.reject(entry, "a list of layers, such as [{embedding: {dim: 64}}, {dense: {units: 1}}]");
    return;
  }
  std::vector<LayerConfig> layers;
  for (std::size_t i = 0; i < entry.value.size(); ++i) {
    const YAML::Node item = entry.value[i];
    const Entry item_entry{"", entry.path + "[" + std::to_string(i) + "]", item, item};
    LayerConfig layer = read_layer_item(item_entry, reader);
    layer.location = reader.locate(item).label;
    layers.push_back(std::move(layer));
  }
  model.layers = std::move(layers);
}

constexpr std::array<Field<ModelConfig>, 1> kModelFields{{{"layers", read_layers}}};

void read_model(ExperimentConfig& config, const Entry& entry, Reader& reader) {
  read_fields<ModelConfig>(config.model, entry, kModelFields, reader);
}

}  // namespace

void read_root(ExperimentConfig& config, const Entry& root, Reader& reader) {
  read_fields<ExperimentConfig>(config, root, kRootFields, reader);
}

}  // namespace maas::config::detail
