#include "core/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
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
#include "core/train/evaluate.h"
#include "core/train/model_builder.h"
#include "core/train/progress.h"
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
    set.classes[i] = class_of.at(examples[i].label);
  }
  return set;
}

// A seeded Fisher-Yates shuffle with our own index draw, so the order is the same with any standard library.
void shuffle_rows(std::vector<std::int64_t>& order, std::mt19937_64& rng) {
  for (std::size_t i = order.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(order[i - 1], order[j]);
  }
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

}  // namespace

TrainResult train_experiment(const config::ExperimentConfig& config, const TrainOptions& options) {
  kernels::set_num_threads(config.training.threads);
  const std::string source = config.source.string();

  data::Dataset train_set = read_split(config.data.train, config.data);
  std::vector<data::Example> validation;
  std::string validation_source;
  if (!config.data.validation.empty()) {
    data::Dataset validation_set = read_split(config.data.validation, config.data);
    validation = std::move(validation_set.examples);
    validation_source = validation_set.source;
  } else if (config.training.validation_split > 0.0) {
    // Keras semantics: the last fraction of the file, taken before any shuffling.
    const auto keep = static_cast<std::size_t>(static_cast<double>(train_set.examples.size()) *
                                               (1.0 - config.training.validation_split));
    validation.assign(std::make_move_iterator(train_set.examples.begin() + static_cast<std::ptrdiff_t>(keep)),
                      std::make_move_iterator(train_set.examples.end()));
    train_set.examples.resize(keep);
    validation_source = fmt::format("{} (last {:.0f}%)", train_set.source, 100.0 * config.training.validation_split);
  }
  if (train_set.examples.empty()) {
    throw InvalidArgument(fmt::format("{}: no training examples left; add data or lower training.validation_split",
                                      train_set.source));
  }

  std::set<std::string> label_set;
  for (const data::Example& example : train_set.examples) label_set.insert(example.label);
  const std::vector<std::string> labels(label_set.begin(), label_set.end());
  if (labels.size() < 2) {
    throw InvalidArgument(fmt::format("{}: column '{}' holds only the label '{}'; a classifier needs at least two labels",
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

  nn::Sequential network = nn::Sequential::from_json(
      build_architecture(config.model, encoder.vocab_size(), static_cast<int>(labels.size()), source));
  network.initialize(config.training.seed);
  network.set_seed(config.training.seed);
  std::unique_ptr<nn::Loss> loss = nn::make_loss(network.output_activation());
  const config::OptimizerConfig& optimizer_config = config.training.optimizer;
  std::unique_ptr<nn::Optimizer> optimizer =
      optimizer_config.name == "sgd"
          ? nn::make_sgd(static_cast<float>(optimizer_config.learning_rate), static_cast<float>(optimizer_config.momentum),
                         optimizer_config.nesterov)
          : nn::make_adam(static_cast<float>(optimizer_config.learning_rate), static_cast<float>(optimizer_config.beta_1),
                          static_cast<float>(optimizer_config.beta_2), static_cast<float>(optimizer_config.epsilon));

  const EncodedSet encoded = encode_examples(train_set.examples, encoder, class_of, train_set.source);

  TrainResult result;
  result.run_dir = config.output.dir;
  result.model_dir = config.output.dir / "model";
  fs::create_directories(result.run_dir);
  io::write_file_atomic(result.run_dir / "config.yaml", config::dump_config(config));

  const int outputs = network.outputs();
  const auto length = static_cast<std::int64_t>(encoder.max_length());
  const std::int64_t batch_size = config.training.batch_size;
  const std::int64_t batches = (encoded.rows + batch_size - 1) / batch_size;
  std::vector<std::int64_t> order(static_cast<std::size_t>(encoded.rows));
  for (std::int64_t i = 0; i < encoded.rows; ++i) order[static_cast<std::size_t>(i)] = i;
  std::mt19937_64 shuffle_rng(config.training.seed);
  Tensor batch_ids({batch_size, length}, DType::kInt32);
  std::vector<int32_t> batch_classes(static_cast<std::size_t>(batch_size));
  Progress progress(config.training.epochs, batches, options.show_progress);

  io::ModelManifest manifest;
  manifest.name = config.output.name;
  manifest.labels = labels;

  for (int epoch = 1; epoch <= config.training.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    if (config.training.shuffle) shuffle_rows(order, shuffle_rng);
    double loss_sum = 0.0;
    std::int64_t correct = 0;
    std::int64_t seen = 0;
    for (std::int64_t b = 0; b < batches; ++b) {
      const std::int64_t begin = b * batch_size;
      const std::int64_t rows = std::min(batch_size, encoded.rows - begin);
      batch_ids.resize({rows, length});
      int32_t* ids = batch_ids.data<int32_t>();
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t row = order[static_cast<std::size_t>(begin + r)];
        std::copy_n(encoded.ids.data() + row * length, length, ids + r * length);
        batch_classes[static_cast<std::size_t>(r)] = encoded.classes[static_cast<std::size_t>(row)];
      }
      const Tensor& logits = network.forward(batch_ids, /*training=*/true);
      const float batch_loss = loss->forward(logits, batch_classes.data(), nullptr);
      network.backward(loss->backward());
      optimizer->step(network.parameters());

      const float* logit_rows = logits.data<float>();
      for (std::int64_t r = 0; r < rows; ++r) {
        if (predicted_class(logit_rows + r * outputs, outputs) == batch_classes[static_cast<std::size_t>(r)]) ++correct;
      }
      loss_sum += static_cast<double>(batch_loss) * static_cast<double>(rows);
      seen += rows;
      progress.update(epoch, b + 1, loss_sum / static_cast<double>(seen),
                      static_cast<double>(correct) / static_cast<double>(seen), seen);
    }
    progress.finish_epoch();

    EpochMetrics metrics;
    metrics.epoch = epoch;
    metrics.loss = loss_sum / static_cast<double>(seen);
    metrics.accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    metrics.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    metrics.examples_per_second = metrics.seconds > 0 ? static_cast<double>(seen) / metrics.seconds : 0.0;
    if (!validation.empty()) {
      // The inference path, not the training one, so validation scores what a loaded model would give.
      const auto predict = [&](const std::vector<std::string>& texts) {
        return infer::predict_texts(network, encoder, texts);
      };
      const ClassificationReport report = evaluate(predict, labels, data::Dataset{validation_source, validation, 0});
      metrics.val_loss = report.loss();
      metrics.val_accuracy = report.accuracy();
      metrics.val_macro_f1 = report.macro_f1();
      spdlog::info("epoch {}/{}: loss {:.4f} accuracy {:.4f} val_loss {:.4f} val_accuracy {:.4f} val_macro_f1 {:.4f} ({:.1f}s, {:.0f} examples/s)",
                   epoch, config.training.epochs, metrics.loss, metrics.accuracy, *metrics.val_loss,
                   *metrics.val_accuracy, *metrics.val_macro_f1, metrics.seconds, metrics.examples_per_second);
    } else {
      spdlog::info("epoch {}/{}: loss {:.4f} accuracy {:.4f} ({:.1f}s, {:.0f} examples/s)", epoch,
                   config.training.epochs, metrics.loss, metrics.accuracy, metrics.seconds, metrics.examples_per_second);
    }
    result.history.push_back(metrics);
    io::write_file_atomic(result.run_dir / "metrics.jsonl", jsonl(result.history));
  }

  nlohmann::ordered_json final_metrics = result.history.back().to_json();
  const infer::Predictor predictor(io::Model{manifest, std::move(network), std::move(encoder)});
  if (!config.data.test.empty()) {
    const data::Dataset test_set = read_split(config.data.test, config.data);
    const ClassificationReport report = evaluate(predictor, test_set);
    result.test = report.to_json();
    final_metrics["test"] = *result.test;
    spdlog::info("{}: test loss {:.4f} accuracy {:.4f} macro-F1 {:.4f}", test_set.source, report.loss(),
                 report.accuracy(), report.macro_f1());
  }
  manifest.training = {{"config", config::to_json(config)}, {"metrics", final_metrics}};
  io::save_artifact(result.model_dir, manifest, predictor.model().network, predictor.model().encoder);
  spdlog::info("saved model to {}", result.model_dir.string());
  return result;
}

}  // namespace maas::train
