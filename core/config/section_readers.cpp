// Readers for the data, tokenizer, training, output and root maps. Layers are in
// layer_readers.cpp.

#include "core/config/section_readers.h"

#include <array>

namespace maas::config::detail {
namespace {

constexpr std::string_view kFormats[] = {"auto", "csv", "tsv", "jsonl", "fasttext"};
constexpr std::string_view kSides[] = {"pre", "post"};
constexpr std::string_view kOptimizers[] = {"adam", "sgd"};

constexpr Bounds kPositive{.min = 0.0, .min_inclusive = false};
constexpr Bounds kFraction{.min = 0.0, .max = 1.0, .max_inclusive = false};  // [0, 1)
constexpr Bounds kUnitInterval{.min = 0.0, .max = 1.0};                      // [0, 1]

void set_optional_path(std::filesystem::path& field, const Entry& entry, Reader& reader) {
  if (entry.value.IsNull()) {
    field.clear();
    return;
  }
  set_if_valid(field, reader.read_path(entry));
}

constexpr std::array<Field<DataConfig>, 6> kDataFields{{
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
}};

constexpr int kMaxSequenceLength = 100000;

constexpr std::array<Field<TokenizerConfig>, 10> kTokenizerFields{{
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
}};

constexpr std::array<Field<OptimizerConfig>, 7> kOptimizerFields{{
    {"name", [](OptimizerConfig& o, const Entry& e,
                Reader& r) { set_if_valid(o.name, r.read_enum(e, kOptimizers)); }},
    {"learning_rate",
     [](OptimizerConfig& o, const Entry& e, Reader& r) {
       set_if_valid(o.learning_rate, r.read_double(e, kPositive));
     }},
    {"beta_1", [](OptimizerConfig& o, const Entry& e,
                  Reader& r) { set_if_valid(o.beta_1, r.read_double(e, kFraction)); }},
    {"beta_2", [](OptimizerConfig& o, const Entry& e,
                  Reader& r) { set_if_valid(o.beta_2, r.read_double(e, kFraction)); }},
    {"epsilon", [](OptimizerConfig& o, const Entry& e,
                   Reader& r) { set_if_valid(o.epsilon, r.read_double(e, kPositive)); }},
    // Keras 2 SGD (tensorflow/python/keras/optimizer_v2/gradient_descent.py) rejects momentum
    // outside [0, 1].
    {"momentum", [](OptimizerConfig& o, const Entry& e,
                    Reader& r) { set_if_valid(o.momentum, r.read_double(e, kUnitInterval)); }},
    {"nesterov", [](OptimizerConfig& o, const Entry& e,
                    Reader& r) { set_if_valid(o.nesterov, r.read_bool(e)); }},
}};

// training.optimizer is a map, or a bare name ("optimizer: sgd") as shorthand for {name: sgd}.
void read_optimizer(TrainingConfig& training, const Entry& entry, Reader& reader) {
  if (entry.value.IsScalar()) {
    reader.mark_given(join_path(entry.path, "name"), reader.locate(entry));
    set_if_valid(training.optimizer.name, reader.read_enum(entry, kOptimizers));
    return;
  }
  if (!entry.value.IsNull() && !entry.value.IsMap()) {
    reader.reject(entry, "a map such as {name: adam, learning_rate: 0.001}, or an optimizer name");
    return;
  }
  read_fields<OptimizerConfig>(training.optimizer, entry, kOptimizerFields, reader);
}

constexpr std::array<Field<TrainingConfig>, 7> kTrainingFields{{
    {"optimizer", read_optimizer},
    {"epochs", [](TrainingConfig& t, const Entry& e,
                  Reader& r) { set_if_valid(t.epochs, r.read_int(e, 1)); }},
    {"batch_size", [](TrainingConfig& t, const Entry& e,
                      Reader& r) { set_if_valid(t.batch_size, r.read_int(e, 1)); }},
    {"seed",
     [](TrainingConfig& t, const Entry& e, Reader& r) { set_if_valid(t.seed, r.read_uint64(e)); }},
    {"validation_split",
     [](TrainingConfig& t, const Entry& e, Reader& r) {
       set_if_valid(t.validation_split, r.read_double(e, kFraction));
     }},
    {"shuffle",
     [](TrainingConfig& t, const Entry& e, Reader& r) { set_if_valid(t.shuffle, r.read_bool(e)); }},
    {"threads", [](TrainingConfig& t, const Entry& e,
                   Reader& r) { set_if_valid(t.threads, r.read_int(e, 0)); }},
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
    layers.push_back(read_layer_item(item_entry, reader));
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
