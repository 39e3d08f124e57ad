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

nlohmann::ordered_json EpochMetrics::to_json() const {
  nlohmann::ordered_json j;
  j["epoch"] = epoch;
  j["loss"] = loss;
  j["accuracy"] = accuracy;
  if (val_loss) j["val_loss"] = *val_loss;
  if (val_accuracy) j["val_accuracy"] = *val_accuracy;
  if (val_macro_f1) j["val_macro_f1"] = *val_macro_f1;
  j["seconds"] = seconds;
  j["examples_per_second"] = examples_per_second;
  return j;
}

namespace {

data::Dataset read_split(const fs::path& path, const config::DataConfig& config) {
  data::ReadOptions options;
  options.format = data::parse_format(config.format);
  options.text_column = config.text_column;
  options.label_column = config.label_column;
  data::Dataset dataset = data::read_dataset(path, options);
  if (dataset.blank_lines > 0) {
    spdlog::info("{}: skipped {} blank lines", dataset.source, dataset.blank_lines);
  }
  return dataset;
}

// Examples encoded once into one packed [rows, max_length] id matrix with a class index per row.
struct EncodedSet {
  std::vector<int32_t> ids;
  std::vector<int32_t> classes;
  std::int64_t rows = 0;
};

// Rows whose label is not one of the training labels get class -1 (validation only).
EncodedSet encode_examples(const std::vector<data::Example>& examples, const text::TextEncoder& encoder,
                           const std::unordered_map<std::string, int32_t>& class_of, const std::string& source) {
  EncodedSet set;
  const auto length = static_cast<std::size_t>(encoder.max_length());
  set.rows = static_cast<std::int64_t>(examples.size());
  set.ids.resize(examples.size() * length);
  set.classes.resize(examples.size());
  for (std::size_t i = 0; i < examples.size(); ++i) {
    try {
      encoder.encode_into(examples[i].text, set.ids.data() + i * length);
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(fmt::format("{}:{}: {}", source, examples[i].line, e.what()));
    }
    const auto found = class_of.find(examples[i].label);
    set.classes[i] = found == class_of.end() ? -1 : found->second;
  }
  return set;
}

int predicted_class(const float* logits, int outputs) {
  if (outputs == 1) return logits[0] > 0.0f ? 1 : 0;
  return static_cast<int>(std::max_element(logits, logits + outputs) - logits);
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
    const auto j = nlohmann::json::parse(line);
    EpochMetrics metrics;
    metrics.epoch = j.at("epoch").get<int>();
    metrics.loss = j.at("loss").get<double>();
    metrics.accuracy = j.at("accuracy").get<double>();
    if (j.contains("val_loss")) metrics.val_loss = j["val_loss"].get<double>();
    if (j.contains("val_accuracy")) metrics.val_accuracy = j["val_accuracy"].get<double>();
    if (j.contains("val_macro_f1")) metrics.val_macro_f1 = j["val_macro_f1"].get<double>();
    metrics.seconds = j.at("seconds").get<double>();
    metrics.examples_per_second = j.at("examples_per_second").get<double>();
    history.push_back(metrics);
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

// Scores `network` on pre-encoded rows through Sequential::predict, the inference path that
// a loaded model runs. Rows of class -1 have a label the model does not know. `spans` (of `set`)
// is null unless the network masks padding. Then each batch drops the columns that are padding
// in all its rows, as training does: the probabilities stay the same and the work shrinks.
ClassificationReport validation_report(const nn::Sequential& network, const EncodedSet& set, std::int64_t length,
                                       const TokenSpans* spans, const std::vector<std::string>& labels,
                                       const std::vector<data::Example>& examples) {
  constexpr std::int64_t kBatch = 256;
  ClassificationReport report(labels);
  const auto outputs = static_cast<std::size_t>(network.outputs());
  Tensor ids;
  std::vector<float> row(labels.size());
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
    const Tensor probabilities = network.predict(ids);
    const float* p = probabilities.data<float>();
    for (std::int64_t r = 0; r < rows; ++r) {
      const std::int32_t true_class = set.classes[static_cast<std::size_t>(start + r)];
      if (true_class < 0) {
        report.add_unknown(examples[static_cast<std::size_t>(start + r)].label);
        continue;
      }
      if (outputs == 1) {
        row = {1.0f - p[r], p[r]};
      } else {
        row.assign(p + r * static_cast<std::int64_t>(outputs), p + (r + 1) * static_cast<std::int64_t>(outputs));
      }
      report.add(static_cast<std::size_t>(true_class), row);
    }
  }
  return report;
}

double monitored_value(const EpochMetrics& metrics, const std::string& monitor) {
  if (monitor == "val_accuracy") return *metrics.val_accuracy;
  if (monitor == "val_macro_f1") return *metrics.val_macro_f1;
  return *metrics.val_loss;
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
                         std::int64_t examples) {
  std::int64_t count = 0;
  std::string names;
  for (const auto& [label, n] : unknown) {
    count += n;
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
        "dim, input_dim or tokenizer.num_words",
        layer.location, i, rows, layer.dim, rows * layer.dim, kMaxEmbeddingValues));
  }
}

// Builds the network and rewrites its layer-order errors to name the config layer and its
// location. nn::Sequential names a layer "architecture.layers[N]" by its index in the JSON, and
// build_architecture emits one JSON layer per config layer, so N is the config index too.
nn::Sequential build_network(const config::ExperimentConfig& config, int vocab_size, int classes) {
  const nlohmann::json architecture =
      build_architecture(config.model, vocab_size, classes, config.locations.file_label);
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

  data::Dataset train_set = read_split(config.data.train, config.data);
  std::vector<data::Example> validation;
  std::string validation_source;
  if (!config.data.validation.empty()) {
    data::Dataset validation_set = read_split(config.data.validation, config.data);
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
  text::TextEncoder encoder(std::move(tokenizer), pad_options(config.tokenizer));
  spdlog::info("{}: {} training examples, {} labels, vocabulary of {} ids", train_set.source, train_set.examples.size(),
               labels.size(), encoder.vocab_size());

  check_embedding_sizes(config, encoder.vocab_size());
  nn::Sequential network = build_network(config, encoder.vocab_size(), static_cast<int>(labels.size()));
  network.initialize(training.seed);
  network.set_seed(training.seed);
  std::unique_ptr<nn::Loss> loss =
      nn::make_loss(network.output_activation(), static_cast<float>(training.label_smoothing));
  std::unique_ptr<nn::Optimizer> optimizer = make_optimizer(training.optimizer);

  // Every text is encoded once; batches copy rows of these matrices.
  const EncodedSet encoded = encode_examples(train_set.examples, encoder, class_of, train_set.source);
  const EncodedSet validation_encoded = encode_examples(validation, encoder, class_of, validation_source);
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

  {
    std::map<std::string, std::int64_t> unknown;
    for (std::size_t i = 0; i < validation.size(); ++i) {
      if (validation_encoded.classes[i] < 0) ++unknown[validation[i].label];
    }
    warn_unknown_labels(validation_source, unknown, validation_encoded.rows);
  }

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
  const auto save_state = [&] {
    state.shuffle_rng = rng_state(shuffle_rng);
    state.dropout_rng = network.dropout_rng_state();
    state.history_jsonl = jsonl(result.history);
    if (stopping) {
      state.best_value = stopping->best_value();
      state.best_epoch = stopping->best_epoch();
      state.epochs_without_improvement = stopping->epochs_without_improvement();
    }
    checkpoints.save(result.run_dir, state, network.parameters(), *optimizer,
                     keep_best && !best_weights.empty() ? &best_weights : nullptr);
  };
  const auto stop_requested = [&] { return options.stop_requested != nullptr && options.stop_requested->load(); };

  Tensor batch_ids({batch_size, length}, DType::kInt32);
  std::vector<int32_t> batch_classes(static_cast<std::size_t>(batch_size));
  std::vector<float> batch_weights(static_cast<std::size_t>(batch_size), 1.0f);
  Progress progress(training.epochs, batches, options.show_progress);

  io::ModelManifest manifest;
  manifest.name = config.output.name;
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
      int32_t* ids = batch_ids.data<int32_t>();
      for (std::int64_t r = 0; r < count; ++r) {
        const std::int64_t row = rows[static_cast<std::size_t>(r)];
        std::copy_n(encoded.ids.data() + row * length + window.begin, width, ids + r * width);
        const std::int32_t true_class = encoded.classes[static_cast<std::size_t>(row)];
        batch_classes[static_cast<std::size_t>(r)] = true_class;
        batch_weights[static_cast<std::size_t>(r)] = weight_of_class[static_cast<std::size_t>(true_class)];
      }

      optimizer->set_learning_rate(static_cast<float>(scheduled_learning_rate(
          training.lr_schedule, training.optimizer.learning_rate, optimizer->iterations(), total_steps)));
      const Tensor& logits = network.forward(batch_ids, /*training=*/true);
      const float batch_loss = loss->forward(logits, batch_classes.data(), weighted ? batch_weights.data() : nullptr);
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
      for (std::int64_t r = 0; r < count; ++r) {
        if (predicted_class(logit_rows + r * outputs, outputs) == batch_classes[static_cast<std::size_t>(r)]) {
          ++state.correct;
        }
      }
      state.loss_sum += static_cast<double>(batch_loss) * static_cast<double>(count);
      state.seen += count;
      state.batches_done = b + 1;
      progress.update(epoch, b + 1, state.loss_sum / static_cast<double>(state.seen),
                      static_cast<double>(state.correct) / static_cast<double>(state.seen), state.seen);

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
    metrics.accuracy = static_cast<double>(state.correct) / static_cast<double>(state.seen);
    metrics.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    const std::int64_t seen_now = state.seen - seen_at_start;
    metrics.examples_per_second = metrics.seconds > 0 ? static_cast<double>(seen_now) / metrics.seconds : 0.0;
    if (!validation.empty()) {
      const ClassificationReport report = validation_report(
          network, validation_encoded, length, network.masks_padding() ? &validation_spans : nullptr, labels, validation);
      metrics.val_loss = report.loss();
      metrics.val_accuracy = report.accuracy();
      metrics.val_macro_f1 = report.macro_f1();
      spdlog::info("epoch {}/{}: loss {:.4f} accuracy {:.4f} val_loss {:.4f} val_accuracy {:.4f} val_macro_f1 {:.4f} ({:.1f}s, {:.0f} examples/s)",
                   epoch, training.epochs, metrics.loss, metrics.accuracy, *metrics.val_loss, *metrics.val_accuracy,
                   *metrics.val_macro_f1, metrics.seconds, metrics.examples_per_second);
    } else {
      spdlog::info("epoch {}/{}: loss {:.4f} accuracy {:.4f} ({:.1f}s, {:.0f} examples/s)", epoch, training.epochs,
                   metrics.loss, metrics.accuracy, metrics.seconds, metrics.examples_per_second);
    }
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
    save_state();
    if (stop_requested() && epoch < training.epochs && !state.stopped_early) {
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
    const data::Dataset test_set = read_split(config.data.test, config.data);
    const ClassificationReport report = evaluate(predictor, test_set);
    warn_unknown_labels(test_set.source, report.unknown_labels(), report.examples());
    // The full report grows with the square of the label count, so it goes to its own file
    // and the manifest keeps the summary.
    result.test_report = result.run_dir / std::string(kTestReportFile);
    io::write_file_atomic(result.test_report, report.to_json().dump(2) + "\n");
    result.test = report.summary_json();
    (*result.test)["report"] = std::string(kTestReportFile);
    final_metrics["test"] = *result.test;
    spdlog::info("{}: test loss {:.4f} accuracy {:.4f} macro-F1 {:.4f}", test_set.source, report.loss(),
                 report.accuracy(), report.macro_f1());
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
