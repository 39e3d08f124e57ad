#include "core/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <new>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/infer/predictor.h"
#include "core/io/artifact.h"
#include "core/io/file_io.h"
#include "core/nn/loss.h"
#include "core/nn/optimizer.h"
#include "core/nn/sequential.h"
#include "core/io/sha256.h"
#include "core/nn/gradient_clipping.h"
#include "core/train/batch_plan.h"
#include "core/train/checkpoint.h"
#include "core/train/class_weights.h"
#include "core/train/early_stopping.h"
#include "core/train/evaluate.h"
#include "core/train/lr_schedule.h"
#include "core/train/model_builder.h"
#include "core/train/progress.h"
#include "core/train/run_folder.h"
#include "kernels/runtime.h"

namespace maas::train {
namespace fs = std::filesystem;

namespace {

// The optional metrics of EpochMetrics, in the order to_json() writes them.
constexpr std::pair<std::string_view, std::optional<double> EpochMetrics::*> kOptionalMetrics[] = {
    {"accuracy", &EpochMetrics::accuracy},
    {"val_loss", &EpochMetrics::val_loss},
    {"val_accuracy", &EpochMetrics::val_accuracy},
    {"val_macro_f1", &EpochMetrics::val_macro_f1},
    {"val_micro_f1", &EpochMetrics::val_micro_f1},
    {"val_subset_accuracy", &EpochMetrics::val_subset_accuracy},
    {"val_hamming_loss", &EpochMetrics::val_hamming_loss},
    {"val_mse", &EpochMetrics::val_mse},
    {"val_mae", &EpochMetrics::val_mae},
    {"val_r2", &EpochMetrics::val_r2},
};

}  // namespace

nlohmann::ordered_json EpochMetrics::to_json() const {
  nlohmann::ordered_json j;
  j["epoch"] = epoch;
  j["loss"] = loss;
  for (const auto& [name, member] : kOptionalMetrics) {
    if (this->*member) j[std::string(name)] = *(this->*member);
  }
  j["seconds"] = seconds;
  j["examples_per_second"] = examples_per_second;
  return j;
}

EpochMetrics EpochMetrics::from_json(const nlohmann::json& j) {
  EpochMetrics metrics;
  metrics.epoch = j.at("epoch").get<int>();
  metrics.loss = j.at("loss").get<double>();
  for (const auto& [name, member] : kOptionalMetrics) {
    const std::string key(name);
    if (j.contains(key)) metrics.*member = j[key].get<double>();
  }
  metrics.seconds = j.at("seconds").get<double>();
  metrics.examples_per_second = j.at("examples_per_second").get<double>();
  return metrics;
}

std::optional<double> EpochMetrics::validation_metric(std::string_view name) const {
  for (const auto& [metric, member] : kOptionalMetrics) {
    if (metric == name && metric.starts_with("val_")) return this->*member;
  }
  return std::nullopt;
}

namespace {

data::Dataset read_split(const fs::path& path, const config::DataConfig& config, Task task) {
  data::ReadOptions options;
  options.format = data::parse_format(config.format);
  options.text_column = config.text_column;
  options.label_column = config.label_column;
  options.label_kind = label_kind(task);
  options.label_separator = config.label_separator;
  data::Dataset dataset = data::read_dataset(path, options);
  if (dataset.blank_lines > 0) {
    spdlog::info("{}: skipped {} blank lines", dataset.source, dataset.blank_lines);
  }
  return dataset;
}

// Examples encoded once into one packed [rows, max_length] id matrix, with a class index per row
// (classification) or a [rows, outputs] target matrix (multi_label: 0 or 1 per label;
// regression: the value).
struct EncodedSet {
  std::vector<int32_t> ids;
  std::vector<int32_t> classes;
  std::vector<float> targets;
  std::int64_t rows = 0;
  // Labels outside the training labels and how often they occur (validation only).
  std::map<std::string, std::int64_t> unknown;
  // Rows with at least one such label.
  std::int64_t unknown_rows = 0;
};

// Fills set.targets for a multi_label or regression task. Unknown multi-label labels are counted
// and otherwise ignored.
void encode_targets(Task task, const std::vector<data::Example>& examples,
                    const std::unordered_map<std::string, int32_t>& class_of, EncodedSet& set) {
  const std::size_t outputs = task == Task::kRegression ? 1 : class_of.size();
  set.targets.assign(examples.size() * outputs, 0.0f);
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (task == Task::kRegression) {
      set.targets[i] = static_cast<float>(examples[i].value);
      continue;
    }
    bool unknown = false;
    for (const std::string& label : examples[i].labels) {
      const auto found = class_of.find(label);
      if (found == class_of.end()) {
        ++set.unknown[label];
        unknown = true;
      } else {
        set.targets[i * outputs + static_cast<std::size_t>(found->second)] = 1.0f;
      }
    }
    if (unknown) ++set.unknown_rows;
  }
}

// Rows whose label is not one of the training labels get class -1 (validation only).
EncodedSet encode_examples(const std::vector<data::Example>& examples, const text::TextEncoder& encoder,
                           const std::unordered_map<std::string, int32_t>& class_of, const std::string& source,
                           Task task) {
  EncodedSet set;
  const auto length = static_cast<std::size_t>(encoder.max_length());
  set.rows = static_cast<std::int64_t>(examples.size());
  set.ids.resize(examples.size() * length);
  set.classes.assign(examples.size(), 0);
  if (task != Task::kClassification) encode_targets(task, examples, class_of, set);
  for (std::size_t i = 0; i < examples.size(); ++i) {
    try {
      encoder.encode_into(examples[i].text, set.ids.data() + i * length);
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(fmt::format("{}:{}: {}", source, examples[i].line, e.what()));
    }
    if (task != Task::kClassification) continue;
    const auto found = class_of.find(examples[i].label);
    set.classes[i] = found == class_of.end() ? -1 : found->second;
    if (found == class_of.end()) {
      ++set.unknown[examples[i].label];
      ++set.unknown_rows;
    }
  }
  return set;
}

int predicted_class(const float* logits, int outputs) {
  if (outputs == 1) return logits[0] > 0.0f ? 1 : 0;
  return static_cast<int>(std::max_element(logits, logits + outputs) - logits);
}

// Whether a training row counts as right for the running accuracy: the top class for
// classification, every label decision at probability 0.5 (logit 0) for multi_label.
bool row_correct(Task task, const float* logits, int outputs, std::int32_t true_class, const float* targets) {
  if (task == Task::kClassification) return predicted_class(logits, outputs) == true_class;
  for (int o = 0; o < outputs; ++o) {
    if ((logits[o] >= 0.0f) != (targets[o] > 0.5f)) return false;
  }
  return true;
}

std::string jsonl(const std::vector<EpochMetrics>& history) {
  std::string out;
  for (const EpochMetrics& epoch : history) out += epoch.to_json().dump() + "\n";
  return out;
}

std::vector<EpochMetrics> parse_history(const std::string& text) {
  std::vector<EpochMetrics> history;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    history.push_back(EpochMetrics::from_json(nlohmann::json::parse(line)));
  }
  return history;
}

std::string rng_state(const std::mt19937_64& rng) {
  std::ostringstream out;
  out << rng;
  return out.str();
}

void restore_rng(std::mt19937_64& rng, const std::string& state, const fs::path& file) {
  std::istringstream in(state);
  in >> rng;
  if (in.fail()) {
    throw IoError(fmt::format("{}: invalid shuffle generator state; the checkpoint is damaged, so start the run "
                              "again without --resume",
                              file.string()));
  }
}

std::unique_ptr<nn::Optimizer> make_optimizer(const config::OptimizerConfig& config) {
  std::unique_ptr<nn::Optimizer> optimizer =
      config.name == "sgd"
          ? nn::make_sgd(static_cast<float>(config.learning_rate), static_cast<float>(config.momentum), config.nesterov)
          : nn::make_adam(static_cast<float>(config.learning_rate), static_cast<float>(config.beta_1),
                          static_cast<float>(config.beta_2), static_cast<float>(config.epsilon));
  optimizer->set_weight_decay(static_cast<float>(config.weight_decay));
  optimizer->set_sparse_update(config.embedding_update == "dense" ? nn::SparseUpdate::kDense : nn::SparseUpdate::kLazy);
  return optimizer;
}

// Runs `network` on pre-encoded rows through Sequential::predict, the inference path that a
// loaded model runs, and calls `score(row, outputs)` for every row. `spans` (of `set`) is null
// unless the network masks padding. Then each batch drops the columns that are padding in all its
// rows, as training does: the outputs stay the same and the work shrinks.
template <typename Score>
void for_each_validation_row(const nn::Sequential& network, const EncodedSet& set, std::int64_t length,
                             const TokenSpans* spans, Score score) {
  constexpr std::int64_t kBatch = 256;
  const std::int64_t outputs = network.outputs();
  Tensor ids;
  std::vector<std::int32_t> batch_rows;
  for (std::int64_t start = 0; start < set.rows; start += kBatch) {
    const std::int64_t rows = std::min(kBatch, set.rows - start);
    ColumnWindow window{0, length};
    if (spans != nullptr) {
      batch_rows.resize(static_cast<std::size_t>(rows));
      std::iota(batch_rows.begin(), batch_rows.end(), static_cast<std::int32_t>(start));
      window = batch_window(*spans, batch_rows, length);
    }
    const std::int64_t width = window.end - window.begin;
    ids.resize({rows, width}, DType::kInt32);
    for (std::int64_t r = 0; r < rows; ++r) {
      std::copy_n(set.ids.data() + (start + r) * length + window.begin, width, ids.data<std::int32_t>() + r * width);
    }
    const Tensor predictions = network.predict(ids);
    for (std::int64_t r = 0; r < rows; ++r) score(start + r, predictions.data<float>() + r * outputs);
  }
}

// Scores `network` on the validation rows. Classification rows of class -1 have a label the
// model does not know.
TaskReport validation_report(Task task, const nn::Sequential& network, const EncodedSet& set, std::int64_t length,
                             const TokenSpans* spans, const std::vector<std::string>& labels,
                             const std::vector<data::Example>& examples) {
  if (task == Task::kRegression) {
    RegressionReport report(labels.front());
    for_each_validation_row(network, set, length, spans, [&](std::int64_t row, const float* p) {
      report.add(set.targets[static_cast<std::size_t>(row)], p[0]);
    });
    return report;
  }
  if (task == Task::kMultiLabel) {
    MultiLabelReport report(labels);
    for (const auto& [label, count] : set.unknown) {
      for (std::int64_t i = 0; i < count; ++i) report.add_unknown(label);
    }
    std::vector<std::uint8_t> truth(labels.size());
    std::vector<float> row_outputs(labels.size());
    for_each_validation_row(network, set, length, spans, [&](std::int64_t row, const float* p) {
      const float* targets = set.targets.data() + row * static_cast<std::int64_t>(labels.size());
      for (std::size_t l = 0; l < labels.size(); ++l) truth[l] = targets[l] > 0.5f ? 1 : 0;
      row_outputs.assign(p, p + labels.size());
      report.add(truth, row_outputs);
    });
    return report;
  }
  ClassificationReport report(labels);
  const bool binary = network.outputs() == 1;
  std::vector<float> row_outputs(labels.size());
  for_each_validation_row(network, set, length, spans, [&](std::int64_t row, const float* p) {
    const std::int32_t true_class = set.classes[static_cast<std::size_t>(row)];
    if (true_class < 0) {
      report.add_unknown(examples[static_cast<std::size_t>(row)].label);
      return;
    }
    if (binary) {
      row_outputs = {1.0f - p[0], p[0]};
    } else {
      row_outputs.assign(p, p + labels.size());
    }
    report.add(static_cast<std::size_t>(true_class), row_outputs);
  });
  return report;
}

// Copies the validation metrics of `report` into `metrics` and returns them as "name value"
// pairs for the epoch log line.
std::string record_validation(const TaskReport& report, EpochMetrics& metrics) {
  metrics.val_loss = report_loss(report);
  if (const auto* classes = std::get_if<ClassificationReport>(&report)) {
    metrics.val_accuracy = classes->accuracy();
    metrics.val_macro_f1 = classes->macro_f1();
  } else if (const auto* multi = std::get_if<MultiLabelReport>(&report)) {
    metrics.val_micro_f1 = multi->micro_f1();
    metrics.val_macro_f1 = multi->macro_f1();
    metrics.val_subset_accuracy = multi->subset_accuracy();
    metrics.val_hamming_loss = multi->hamming_loss();
  } else if (const auto* values = std::get_if<RegressionReport>(&report)) {
    metrics.val_mse = values->mse();
    metrics.val_mae = values->mae();
    metrics.val_r2 = values->r2();
  }
  std::string text;
  const nlohmann::ordered_json values = metrics.to_json();
  for (const auto& [name, value] : values.items()) {
    if (name.starts_with("val_")) text += fmt::format(" {} {:.4f}", name, value.get<double>());
  }
  return text;
}

// Formats the numbers of a report summary as "loss 0.1234 macro_f1 0.5678 ...".
std::string summary_text(const nlohmann::ordered_json& summary) {
  std::string text;
  for (const auto& [name, value] : summary.items()) {
    if (!value.is_number_float()) continue;
    text += fmt::format("{}{} {:.4f}", text.empty() ? "" : " ", name, value.get<double>());
  }
  return text;
}

double monitored_value(const EpochMetrics& metrics, const std::string& monitor) {
  return metrics.validation_metric(monitor).value();
}

std::vector<Tensor> copy_values(const std::vector<nn::Parameter>& params) {
  std::vector<Tensor> values;
  values.reserve(params.size());
  for (const nn::Parameter& param : params) values.push_back(param.value);
  return values;
}

// Warns when examples of `source` carry labels the training data does not have: they count as
// errors, and when every example has one, loss and accuracy are meaningless.
void warn_unknown_labels(const std::string& source, const std::map<std::string, std::int64_t>& unknown,
                         std::int64_t count, std::int64_t examples) {
  std::string names;
  for (const auto& [label, n] : unknown) {
    if (names.size() < 60) names += (names.empty() ? "'" : ", '") + label + "'";
  }
  if (count == 0) return;
  if (names.size() >= 60) names += ", ...";
  if (count == examples) {
    spdlog::warn("{}: none of the {} examples has a label of the training data (got {}), so its loss and accuracy "
                 "mean nothing; check data.label_column and that both files use the same label names",
                 source, examples, names);
    return;
  }
  spdlog::warn("{}: {} of {} examples have labels the training data does not have ({}); they count as errors", source,
               count, examples, names);
}

// Returns the sorted class names of a classifier's training data. Throws InvalidArgument when
// fewer than two remain.
std::vector<std::string> classification_labels(const config::ExperimentConfig& config, const data::Dataset& train_set,
                                               const std::vector<data::Example>& validation) {
  const config::TrainingConfig& training = config.training;
  std::set<std::string> label_set;
  for (const data::Example& example : train_set.examples) label_set.insert(example.label);
  const std::vector<std::string> labels(label_set.begin(), label_set.end());
  if (labels.size() < 2) {
    std::set<std::string> held_out;
    if (config.data.validation.empty()) {
      for (const data::Example& example : validation) {
        if (!label_set.contains(example.label)) held_out.insert(example.label);
      }
    }
    if (!held_out.empty()) {
      throw InvalidArgument(fmt::format(
          "{}: training.validation_split {} moved the last {} examples to validation, which leaves only the label "
          "'{}' for training ({} other label(s) are only in the moved examples, such as '{}'); a classifier needs at "
          "least two labels, so lower validation_split, shuffle the file, or give data.validation",
          config.locations.find("training.validation_split"), training.validation_split, validation.size(), labels[0],
          held_out.size(), *held_out.begin()));
    }
    throw InvalidArgument(fmt::format("{}: column '{}' contains only the label '{}'; a classifier needs at least two "
                                      "labels, so check data.label_column",
                                      train_set.source, config.data.label_column, labels.empty() ? "" : labels[0]));
  }
  return labels;
}

// Returns the output names of `task`: the sorted class names of the training data, or the label
// column for regression. Throws InvalidArgument when the training data has too few labels.
std::vector<std::string> training_labels(Task task, const config::ExperimentConfig& config,
                                         const data::Dataset& train_set, const std::vector<data::Example>& validation) {
  if (task == Task::kClassification) return classification_labels(config, train_set, validation);
  if (task == Task::kRegression) return {config.data.label_column};
  std::set<std::string> label_set;
  for (const data::Example& example : train_set.examples) label_set.insert(example.labels.begin(), example.labels.end());
  if (label_set.empty()) {
    throw InvalidArgument(fmt::format("{}: no example has a label in column '{}', so a multi-label model has nothing "
                                      "to learn; check data.label_column and data.label_separator",
                                      train_set.source, config.data.label_column));
  }
  return {label_set.begin(), label_set.end()};
}

// Embedding tables above this many values (4 GiB of float32, about 16 GiB with the gradient and
// Adam's two moments) are rejected before allocation. NOTE: a guard against typos, not a
// measurement of the memory available.
constexpr std::int64_t kMaxEmbeddingValues = std::int64_t{1} << 30;

void check_embedding_sizes(const config::ExperimentConfig& config, int vocab_size) {
  const std::vector<config::LayerConfig>& layers = config.model.layers;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const config::LayerConfig& layer = layers[i];
    if (layer.type != "embedding") continue;
    const std::int64_t rows = layer.input_dim.value_or(vocab_size);
    if (rows * layer.dim <= kMaxEmbeddingValues) continue;
    throw ConfigError(fmt::format(
        "{}: model.layers[{}].embedding: the table of {} ids x {} dims has {} values, more than the {} allowed; lower "
        "dim, input_dim, tokenizer.num_words or tokenizer.ngram_buckets",
        layer.location, i, rows, layer.dim, rows * layer.dim, kMaxEmbeddingValues));
  }
}

// Builds the network and rewrites its layer-order errors to name the config layer and its
// location. nn::Sequential names a layer "architecture.layers[N]" by its index in the JSON, and
// build_architecture emits one JSON layer per config layer, so N is the config index too.
nn::Sequential build_network(const config::ExperimentConfig& config, int vocab_size, int classes, Task task) {
  const nlohmann::json architecture =
      build_architecture(config.model, vocab_size, classes, config.locations.file_label, task);
  try {
    return nn::Sequential::from_json(architecture);
  } catch (const InvalidArgument& e) {
    const std::string message = e.what();
    constexpr std::string_view kPrefix = "architecture.layers[";
    std::size_t index = 0;
    const std::size_t close = message.find("]: ");
    if (!message.starts_with(kPrefix) || close == std::string::npos) throw;
    try {
      index = std::stoul(message.substr(kPrefix.size(), close - kPrefix.size()));
    } catch (const std::exception&) {
      throw e;
    }
    if (index >= config.model.layers.size()) throw;
    const config::LayerConfig& layer = config.model.layers[index];
    throw ConfigError(fmt::format("{}: model.layers[{}].{}: {}", layer.location, index, layer.type,
                                  message.substr(close + 3)));
  }
}

// Stops a run whose loss or weights stopped being finite: saving it would give a model that
// predicts NaN for every text.
[[noreturn]] void throw_diverged(const config::ExperimentConfig& config, std::string_view what, int epoch,
                                 std::int64_t batch, std::int64_t batches, std::int64_t step) {
  const double rate = config.training.optimizer.learning_rate;
  throw InvalidArgument(fmt::format(
      "{}: training.optimizer.learning_rate: training diverged: {} at epoch {}, batch {} of {} (optimizer step {}) "
      "with learning_rate {:g}; lower the learning rate, such as to {:g}, or set training.optimizer.global_clipnorm: 1.0",
      config.locations.find("training.optimizer.learning_rate"), what, epoch, batch, batches, step, rate, rate / 10));
}

bool all_finite(const std::vector<nn::Parameter>& params) {
  for (const nn::Parameter& param : params) {
    const float* values = param.value.data<float>();
    for (std::int64_t i = 0; i < param.value.numel(); ++i) {
      if (!std::isfinite(values[i])) return false;
    }
  }
  return true;
}

TrainResult run_experiment(const config::ExperimentConfig& config, const TrainOptions& options);

}  // namespace

TrainResult train_experiment(const config::ExperimentConfig& config, const TrainOptions& options) {
  try {
    return run_experiment(config, options);
  } catch (const std::bad_alloc&) {
    throw InvalidArgument(fmt::format(
        "{}: out of memory while training (training.batch_size {}, tokenizer.max_length {}); lower the batch size, "
        "max_length, embedding dim, dense units or tokenizer.num_words",
        config.locations.file_label, config.training.batch_size, config.tokenizer.max_length));
  }
}

namespace {

TrainResult run_experiment(const config::ExperimentConfig& config, const TrainOptions& options) {
  kernels::set_num_threads(config.training.threads);
  const config::TrainingConfig& training = config.training;

  check_data_file(config, "data.train", config.data.train);
  if (!config.data.validation.empty()) check_data_file(config, "data.validation", config.data.validation);
  if (!config.data.test.empty()) check_data_file(config, "data.test", config.data.test);
  prepare_run_folder(config, options.resume);
  remove_stale_staging(config.output.dir);

  const Task task = parse_task(training.task);
  data::Dataset train_set = read_split(config.data.train, config.data, task);
  std::vector<data::Example> validation;
  std::string validation_source;
  if (!config.data.validation.empty()) {
    data::Dataset validation_set = read_split(config.data.validation, config.data, task);
    validation = std::move(validation_set.examples);
    validation_source = validation_set.source;
  } else if (training.validation_split > 0.0) {
    // Keras semantics: the last fraction of the file, taken before any shuffling.
    const auto keep = static_cast<std::size_t>(static_cast<double>(train_set.examples.size()) *
                                               (1.0 - training.validation_split));
    validation.assign(std::make_move_iterator(train_set.examples.begin() + static_cast<std::ptrdiff_t>(keep)),
                      std::make_move_iterator(train_set.examples.end()));
    train_set.examples.resize(keep);
    validation_source = fmt::format("{} (last {:.0f}%)", train_set.source, 100.0 * training.validation_split);
  }
  if (train_set.examples.empty()) {
    throw InvalidArgument(fmt::format("{}: no training examples left; add data or lower training.validation_split",
                                      train_set.source));
  }

  const std::vector<std::string> labels = training_labels(task, config, train_set, validation);
  std::unordered_map<std::string, int32_t> class_of;
  for (std::size_t c = 0; c < labels.size(); ++c) class_of.emplace(labels[c], static_cast<int32_t>(c));

  text::WordTokenizer tokenizer(tokenizer_options(config.tokenizer));
  {
    std::vector<std::string> texts;
    texts.reserve(train_set.examples.size());
    for (const data::Example& example : train_set.examples) texts.push_back(example.text);
    try {
      tokenizer.fit_on_texts(texts);
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(fmt::format("{}: {}", train_set.source, e.what()));
    }
  }
  text::TextEncoder encoder(std::move(tokenizer), pad_options(config.tokenizer), ngram_options(config.tokenizer));
  spdlog::info("{}: {} training examples, {} labels, vocabulary of {} ids ({} words, {} n-gram buckets)",
               train_set.source, train_set.examples.size(), labels.size(), encoder.vocab_size(),
               encoder.word_vocab_size(), encoder.vocab_size() - encoder.word_vocab_size());

  check_embedding_sizes(config, encoder.vocab_size());
  nn::Sequential network = build_network(config, encoder.vocab_size(), static_cast<int>(labels.size()), task);
  network.initialize(training.seed);
  network.set_seed(training.seed);
  std::unique_ptr<nn::Loss> loss =
      nn::make_loss(network.output_activation(), static_cast<float>(training.label_smoothing), task);
  std::unique_ptr<nn::Optimizer> optimizer = make_optimizer(training.optimizer);

  // Every text is encoded once; batches copy rows of these matrices.
  const EncodedSet encoded = encode_examples(train_set.examples, encoder, class_of, train_set.source, task);
  const EncodedSet validation_encoded = encode_examples(validation, encoder, class_of, validation_source, task);
  const auto length = static_cast<std::int64_t>(encoder.max_length());
  const TokenSpans spans = find_token_spans(encoded.ids, encoded.rows, length);
  const TokenSpans validation_spans = find_token_spans(validation_encoded.ids, validation_encoded.rows, length);
  const std::vector<float> weight_of_class = class_weights(training.class_weight, labels, encoded.classes);
  const bool weighted = training.class_weight.mode != "none";

  TrainResult result;
  result.run_dir = config.output.dir;
  result.model_dir = config.output.dir / "model";
  result.checkpoint = checkpoint_path(result.run_dir);
  if (!options.resume) {
    io::write_file_atomic(result.run_dir / "config.yaml", config::dump_config(config));
  }
  const std::string train_sha256 = io::sha256_hex(io::read_file(config.data.train));

  warn_unknown_labels(validation_source, validation_encoded.unknown, validation_encoded.unknown_rows,
                      validation_encoded.rows);

  std::optional<EarlyStopping> stopping;
  if (training.early_stopping) stopping.emplace(*training.early_stopping);
  const bool keep_best = stopping && stopping->config().restore_best;
  std::vector<Tensor> best_weights;

  const int outputs = network.outputs();
  // Buffers are sized for the largest batch that can occur, never for more rows than there are.
  const std::int64_t batch_size = std::min<std::int64_t>(training.batch_size, encoded.rows);
  const std::int64_t batches = (encoded.rows + batch_size - 1) / batch_size;
  const std::int64_t total_steps = batches * training.epochs;
  std::mt19937_64 shuffle_rng(training.seed);

  CheckpointState state;
  state.train_sha256 = train_sha256;
  if (options.resume) {
    state = load_checkpoint(result.run_dir, network.parameters(), *optimizer, keep_best ? &best_weights : nullptr);
    if (state.train_sha256 != train_sha256) {
      throw InvalidArgument(fmt::format("{}: the training data changed since the checkpoint was written (SHA-256 {} "
                                        "now, {} then); restore the data or start the run again without --resume",
                                        config.data.train.string(), train_sha256, state.train_sha256));
    }
    if (state.plan.rows.size() != static_cast<std::size_t>(encoded.rows)) {
      throw InvalidArgument(fmt::format("{}: the checkpoint plans {} training rows but the data has {}; start the "
                                        "run again without --resume",
                                        result.checkpoint.string(), state.plan.rows.size(), encoded.rows));
    }
    restore_rng(shuffle_rng, state.shuffle_rng, result.checkpoint);
    network.set_dropout_rng_state(state.dropout_rng);
    result.history = parse_history(state.history_jsonl);
    if (stopping) stopping->restore(state.best_value, state.best_epoch, state.epochs_without_improvement);
    spdlog::info("resuming {} at epoch {}, batch {} of {}", result.run_dir.string(), state.epoch, state.batches_done,
                 state.plan.batches());
  }

  CheckpointWriter checkpoints;
  auto last_checkpoint = std::chrono::steady_clock::now();
  const auto save_state = [&] {
    last_checkpoint = std::chrono::steady_clock::now();
    state.shuffle_rng = rng_state(shuffle_rng);
    state.dropout_rng = network.dropout_rng_state();
    state.history_jsonl = jsonl(result.history);
    if (stopping) {
      state.best_value = stopping->best_value();
      state.best_epoch = stopping->best_epoch();
      state.epochs_without_improvement = stopping->epochs_without_improvement();
    }
    // TODO: every checkpoint writes the whole embedding table and both Adam moments. With 2M
    // n-gram buckets at dim 64 that is 1.5 GB per checkpoint; only the interval limits how often.
    checkpoints.save(result.run_dir, state, network.parameters(), *optimizer,
                     keep_best && !best_weights.empty() ? &best_weights : nullptr);
  };
  const auto stop_requested = [&] { return options.stop_requested != nullptr && options.stop_requested->load(); };

  Tensor batch_ids({batch_size, length}, DType::kInt32);
  std::vector<int32_t> batch_classes(static_cast<std::size_t>(batch_size));
  std::vector<float> batch_weights(static_cast<std::size_t>(batch_size), 1.0f);
  const bool target_matrix = task != Task::kClassification;
  Tensor batch_targets({batch_size, outputs});
  Progress progress(training.epochs, batches, options.show_progress);

  io::ModelManifest manifest;
  manifest.name = config.output.name;
  manifest.task = task;
  manifest.labels = labels;

  int first_epoch = 1;
  if (options.resume) {
    first_epoch = state.epoch_finished ? state.epoch + 1 : state.epoch;
  }
  const bool resume_inside_epoch = options.resume && !state.epoch_finished;
  for (int epoch = first_epoch; epoch <= training.epochs && !state.stopped_early; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    if (!(resume_inside_epoch && epoch == first_epoch)) {
      plan_epoch(spans, batch_size, training.shuffle, training.bucket_by_length, shuffle_rng, state.plan);
      state.epoch = epoch;
      state.batches_done = 0;
      state.epoch_finished = false;
      state.loss_sum = 0.0;
      state.correct = 0;
      state.seen = 0;
    }
    const std::int64_t seen_at_start = state.seen;
    for (std::int64_t b = state.batches_done; b < state.plan.batches(); ++b) {
      const std::span<const std::int32_t> rows(state.plan.rows.data() + state.plan.starts[static_cast<std::size_t>(b)],
                                               state.plan.rows.data() + state.plan.starts[static_cast<std::size_t>(b) + 1]);
      const auto count = static_cast<std::int64_t>(rows.size());
      // A masked pooling layer ignores padding, so columns that are padding in every row of
      // the batch are cut: the result is the same bit for bit and the work shrinks.
      const ColumnWindow window = network.masks_padding() ? batch_window(spans, rows, length) : ColumnWindow{0, length};
      const std::int64_t width = window.end - window.begin;
      batch_ids.resize({count, width});
      batch_targets.resize({count, outputs});
      int32_t* ids = batch_ids.data<int32_t>();
      for (std::int64_t r = 0; r < count; ++r) {
        const std::int64_t row = rows[static_cast<std::size_t>(r)];
        std::copy_n(encoded.ids.data() + row * length + window.begin, width, ids + r * width);
        const std::int32_t true_class = encoded.classes[static_cast<std::size_t>(row)];
        batch_classes[static_cast<std::size_t>(r)] = true_class;
        batch_weights[static_cast<std::size_t>(r)] = weight_of_class[static_cast<std::size_t>(true_class)];
        if (target_matrix) {
          std::copy_n(encoded.targets.data() + row * outputs, outputs, batch_targets.data<float>() + r * outputs);
        }
      }

      optimizer->set_learning_rate(static_cast<float>(scheduled_learning_rate(
          training.lr_schedule, training.optimizer.learning_rate, optimizer->iterations(), total_steps)));
      const Tensor& logits = network.forward(batch_ids, /*training=*/true);
      const float* example_weights = weighted ? batch_weights.data() : nullptr;
      const float batch_loss = target_matrix ? loss->forward(logits, batch_targets, example_weights)
                                             : loss->forward(logits, batch_classes.data(), example_weights);
      if (!std::isfinite(batch_loss)) {
        throw_diverged(config, std::isnan(batch_loss) ? "the loss is NaN" : "the loss is infinite", epoch, b + 1,
                       state.plan.batches(),
                       optimizer->iterations() + 1);
      }
      network.backward(loss->backward());
      if (training.optimizer.global_clipnorm) {
        nn::clip_by_global_norm(network.parameters(), *training.optimizer.global_clipnorm);
      }
      optimizer->step(network.parameters());

      const float* logit_rows = logits.data<float>();
      for (std::int64_t r = 0; r < count && task != Task::kRegression; ++r) {
        if (row_correct(task, logit_rows + r * outputs, outputs, batch_classes[static_cast<std::size_t>(r)],
                        batch_targets.data<float>() + r * outputs)) {
          ++state.correct;
        }
      }
      state.loss_sum += static_cast<double>(batch_loss) * static_cast<double>(count);
      state.seen += count;
      state.batches_done = b + 1;
      std::optional<double> running_accuracy;
      if (task != Task::kRegression) {
        running_accuracy = static_cast<double>(state.correct) / static_cast<double>(state.seen);
      }
      progress.update(epoch, b + 1, state.loss_sum / static_cast<double>(state.seen), running_accuracy, state.seen);

      const bool checkpoint_due = training.checkpoint_every_steps > 0 &&
                                  optimizer->iterations() % training.checkpoint_every_steps == 0 &&
                                  state.batches_done < state.plan.batches();
      if (stop_requested()) {
        progress.finish_epoch();
        save_state();
        checkpoints.wait();
        result.interrupted = true;
        return result;
      }
      if (checkpoint_due) save_state();
    }
    progress.finish_epoch();

    EpochMetrics metrics;
    metrics.epoch = epoch;
    metrics.loss = state.loss_sum / static_cast<double>(state.seen);
    if (task != Task::kRegression) {
      metrics.accuracy = static_cast<double>(state.correct) / static_cast<double>(state.seen);
    }
    metrics.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    const std::int64_t seen_now = state.seen - seen_at_start;
    metrics.examples_per_second = metrics.seconds > 0 ? static_cast<double>(seen_now) / metrics.seconds : 0.0;
    std::string validation_text;
    if (!validation.empty()) {
      const TaskReport report = validation_report(task, network, validation_encoded, length,
                                                  network.masks_padding() ? &validation_spans : nullptr, labels,
                                                  validation);
      validation_text = record_validation(report, metrics);
    }
    const std::string accuracy_text = metrics.accuracy ? fmt::format(" accuracy {:.4f}", *metrics.accuracy) : "";
    spdlog::info("epoch {}/{}: loss {:.4f}{}{} ({:.1f}s, {:.0f} examples/s)", epoch, training.epochs, metrics.loss,
                 accuracy_text, validation_text, metrics.seconds, metrics.examples_per_second);
    result.history.push_back(metrics);
    if (stopping) {
      if (stopping->update(epoch, monitored_value(metrics, stopping->config().monitor)) && keep_best) {
        best_weights = copy_values(network.parameters());
      }
      if (stopping->should_stop() && epoch < training.epochs) {
        spdlog::info("early stopping after epoch {}: {} did not improve for {} epochs (best {:.4f} at epoch {})", epoch,
                     stopping->config().monitor, stopping->config().patience, *stopping->best_value(),
                     stopping->best_epoch());
        state.stopped_early = true;
      }
    }
    state.epoch_finished = true;
    io::write_file_atomic(result.run_dir / "metrics.jsonl", jsonl(result.history));
    // A checkpoint contains the embedding table and both Adam moments, so writing one after every
    // short epoch would cost more than the epoch. The interval bounds the work a crash loses.
    const double since_checkpoint =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_checkpoint).count();
    const bool interrupted = stop_requested() && epoch < training.epochs && !state.stopped_early;
    if (interrupted || since_checkpoint >= training.checkpoint_min_interval_seconds) save_state();
    if (interrupted) {
      checkpoints.wait();
      result.interrupted = true;
      return result;
    }
  }
  result.stopped_early = state.stopped_early;

  if (keep_best && !best_weights.empty()) {
    std::vector<nn::Parameter>& params = network.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].value = best_weights[i];
    result.best_epoch = stopping->best_epoch();
    spdlog::info("restored the weights of epoch {}, the best {} ({:.4f})", stopping->best_epoch(),
                 stopping->config().monitor, *stopping->best_value());
  }

  if (!all_finite(network.parameters())) {
    throw_diverged(config, "a weight is not finite", training.epochs, state.batches_done, state.plan.batches(),
                   optimizer->iterations());
  }

  nlohmann::ordered_json final_metrics = result.history.back().to_json();
  if (result.best_epoch) final_metrics = result.history[static_cast<std::size_t>(*result.best_epoch - 1)].to_json();
  const infer::Predictor predictor(io::Model{manifest, std::move(network), std::move(encoder)});
  if (!config.data.test.empty()) {
    const data::Dataset test_set = read_split(config.data.test, config.data, task);
    const TaskReport report = evaluate_task(predictor, test_set);
    if (const auto* classes = std::get_if<ClassificationReport>(&report)) {
      warn_unknown_labels(test_set.source, classes->unknown_labels(), classes->unknown_examples(),
                          classes->examples());
    }
    // The full report grows with the square of the label count, so it goes to its own file
    // and the manifest keeps the summary.
    result.test_report = result.run_dir / std::string(kTestReportFile);
    io::write_file_atomic(result.test_report, report_json(report).dump(2) + "\n");
    result.test = report_summary_json(report);
    (*result.test)["report"] = std::string(kTestReportFile);
    final_metrics["test"] = *result.test;
    spdlog::info("{}: test {}", test_set.source, summary_text(*result.test));
  }
  // The last checkpoint was written while the test set was scored.
  checkpoints.wait();
  manifest.training = {{"config", config::to_json(config)}, {"metrics", final_metrics}};
  io::save_artifact(result.model_dir, manifest, predictor.model().network, predictor.model().encoder);
  spdlog::info("saved model to {}", result.model_dir.string());
  return result;
}

}  // namespace
}  // namespace maas::train
