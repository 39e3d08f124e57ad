// Invalid configs: each error kind names the file, line, column, key path, value and what is
// expected; all errors of a file come back together.

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/config/config_test_helpers.h"

namespace maas::config {
namespace {

using testing::config_error;
using testing::kMinimalYaml;

struct ErrorCase {
  std::string name;
  std::string yaml;
  std::string location;  // "text.yaml:LINE:COLUMN: key.path: " that starts the error line
  std::string message;   // a fragment of the rest of the line
};

// kMinimalYaml has 7 lines, so text appended to it starts on line 8.
std::string with_tail(std::string_view tail) {
  return std::string(kMinimalYaml) + std::string(tail);
}

// A config whose data map is "{<data_keys>}" on line 1, with `tail` from line 3.
std::string with_data(std::string_view data_keys, std::string_view tail = {}) {
  return "data: {" + std::string(data_keys) +
         "}\nmodel: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: {}}, "
         "{dense: {units: 2}}]}\n" +
         std::string(tail);
}

std::string with_layers(std::string_view layers) {
  return "data:\n  train: t.csv\nmodel:\n  layers:\n" + std::string(layers);
}

const std::vector<ErrorCase>& error_cases() {
  static const std::vector<ErrorCase> cases = {
      {"typo in key", with_tail("training:\n  epoch: 5\n"), "text.yaml:9:3: training.epoch: ",
       "unknown key 'epoch'; did you mean 'epochs'? Accepted: task, optimizer, epochs, batch_size"},
      {"unknown top-level key", with_tail("trainer: {}\n"), "text.yaml:8:1: trainer: ",
       "unknown key 'trainer'; accepted: data, tokenizer, model, training, output"},
      {"unknown key in layer", with_layers("    - dense: {units: 2, rate: 0.5}\n"),
       "text.yaml:5:25: model.layers[0].dense.rate: ",
       "unknown key 'rate'; accepted: units, activation"},
      {"duplicate key", with_tail("training:\n  epochs: 3\n  epochs: 4\n"),
       "text.yaml:10:3: training.epochs: ", "duplicate key 'epochs', first given on line 9"},
      {"duplicate section", with_tail("training: {}\ntraining: {}\n"),
       "text.yaml:9:1: training: ", "duplicate key 'training', first given on line 8"},
      {"string for integer", with_tail("training:\n  epochs: abc\n"),
       "text.yaml:9:11: training.epochs: ", "expected an integer >= 1, got abc"},
      {"quoted integer", with_tail("training:\n  epochs: \"5\"\n"),
       "text.yaml:9:11: training.epochs: ",
       "expected an integer >= 1, got \"5\" (a quoted string); write numbers, true, false and "
       "null without quotes"},
      {"list for map", with_tail("training: [1, 2]\n"),
       "text.yaml:8:11: training: ", "expected a map of keys, got a list"},
      {"map for integer", with_tail("training:\n  epochs: {a: 1}\n"),
       "text.yaml:9:11: training.epochs: ", "expected an integer >= 1, got a map"},
      {"null for integer", with_tail("training:\n  epochs:\n"),
       "text.yaml:9:3: training.epochs: ", "expected an integer >= 1, got null"},
      {"negative integer", with_tail("training:\n  batch_size: -4\n"),
       "text.yaml:9:15: training.batch_size: ", "expected an integer from 1 to 1048576, got -4"},
      {"batch_size above limit", with_tail("training:\n  batch_size: 2147483647\n"),
       "text.yaml:9:15: training.batch_size: ",
       "got 2147483647, which is out of range; expected an integer from 1 to 1048576"},
      {"negative threads", with_tail("training:\n  threads: -1\n"),
       "text.yaml:9:12: training.threads: ", "expected an integer from 0 to 1024, got -1"},
      {"threads above limit", with_tail("training:\n  threads: 70000\n"),
       "text.yaml:9:12: training.threads: ",
       "got 70000, which is out of range; expected an integer from 0 to 1024"},
      {"integer overflowing int64", with_tail("training:\n  epochs: 99999999999999999999\n"),
       "text.yaml:9:11: training.epochs: ",
       "got 99999999999999999999, which is out of range; expected an integer from 1 to 2147483647"},
      {"integer overflowing int", with_tail("training:\n  epochs: 2147483648\n"),
       "text.yaml:9:11: training.epochs: ", "got 2147483648, which is out of range"},
      {"seed overflowing uint64", with_tail("training:\n  seed: 18446744073709551616\n"),
       "text.yaml:9:9: training.seed: ",
       "got 18446744073709551616, which is out of range; expected an integer from 0 to "
       "18446744073709551615"},
      {"negative seed", with_tail("training:\n  seed: -1\n"), "text.yaml:9:9: training.seed: ",
       "expected an integer from 0 to 18446744073709551615, got -1"},
      {"float for integer", with_tail("training:\n  epochs: 5.0\n"),
       "text.yaml:9:11: training.epochs: ",
       "expected an integer >= 1, got the floating-point number 5.0"},
      {"exponent for integer", with_tail("tokenizer:\n  max_length: 1e3\n"),
       "text.yaml:9:15: tokenizer.max_length: ",
       "expected an integer from 1 to 100000, got the floating-point number 1e3"},
      {"bad enum", with_tail("tokenizer:\n  padding: middle\n"),
       "text.yaml:9:12: tokenizer.padding: ", "expected one of pre, post, got \"middle\""},
      {"enum is case sensitive", with_tail("tokenizer:\n  padding: Pre\n"),
       "text.yaml:9:12: tokenizer.padding: ", "expected one of pre, post, got \"Pre\""},
      {"unknown optimizer in any case", with_tail("training:\n  optimizer: {name: RMSprop}\n"),
       "text.yaml:9:21: training.optimizer.name: ", "expected one of adam, sgd, got \"RMSprop\""},
      {"bad format", with_data("train: t.csv, format: xml"), "text.yaml:1:30: data.format: ",
       "expected one of auto, csv, tsv, jsonl, fasttext, got \"xml\""},
      {"bad activation", with_layers("    - dense: {units: 2, activation: gelu}\n"),
       "text.yaml:5:37: model.layers[0].dense.activation: ",
       "expected one of linear, relu, tanh, sigmoid, softmax, auto, got \"gelu\""},
      {"yes is not a boolean", with_tail("tokenizer:\n  lower: yes\n"),
       "text.yaml:9:10: tokenizer.lower: ", "expected true or false, got yes"},
      {"max_length above limit", with_tail("tokenizer:\n  max_length: 100001\n"),
       "text.yaml:9:15: tokenizer.max_length: ",
       "got 100001, which is out of range; expected an integer from 1 to 100000"},
      {"num_words below 2", with_tail("tokenizer:\n  num_words: 1\n"),
       "text.yaml:9:14: tokenizer.num_words: ", "expected an integer >= 2 or null, got 1"},
      {"ngrams below 1", with_tail("tokenizer:\n  ngrams: 0\n"), "text.yaml:9:11: tokenizer.ngrams: ",
       "expected an integer from 1 to 5, got 0"},
      {"ngrams above limit", with_tail("tokenizer:\n  ngrams: 6\n"), "text.yaml:9:11: tokenizer.ngrams: ",
       "got 6, which is out of range; expected an integer from 1 to 5"},
      {"ngram_buckets below 1", with_tail("tokenizer:\n  ngrams: 2\n  ngram_buckets: 0\n"),
       "text.yaml:10:18: tokenizer.ngram_buckets: ", "expected an integer from 1 to 10000000, got 0"},
      {"ngram_buckets above limit", with_tail("tokenizer:\n  ngrams: 2\n  ngram_buckets: 20000000\n"),
       "text.yaml:10:18: tokenizer.ngram_buckets: ",
       "got 20000000, which is out of range; expected an integer from 1 to 10000000"},
      {"ngrams with conv1d",
       with_layers("    - embedding: {dim: 4}\n    - conv1d: {filters: 4, kernel_size: 3}\n"
                   "    - global_max_pooling1d: {}\n    - dense: {activation: auto}\ntokenizer:\n  ngrams: 2\n"),
       "text.yaml:10:3: tokenizer.ngrams: ",
       "is 2, but model.layers[1] is conv1d, which reads token order, and n-gram ids sit between the words"},
      {"empty oov_token", with_tail("tokenizer:\n  oov_token: \"\"\n"),
       "text.yaml:9:14: tokenizer.oov_token: ", "expected a non-empty string, got an empty string"},
      {"empty split", with_tail("tokenizer:\n  split: ''\n"),
       "text.yaml:9:10: tokenizer.split: ", "expected a non-empty string, got an empty string"},
      {"validation_split of 1", with_tail("training:\n  validation_split: 1\n"),
       "text.yaml:9:21: training.validation_split: ", "expected a number >= 0 and < 1, got 1"},
      {"zero learning rate", with_tail("training:\n  optimizer: {learning_rate: 0}\n"),
       "text.yaml:9:30: training.optimizer.learning_rate: ",
       "expected a number from 1e-30 to 1e+30, got 0"},
      {"infinite learning rate", with_tail("training:\n  optimizer: {learning_rate: .inf}\n"),
       "text.yaml:9:30: training.optimizer.learning_rate: ",
       "got .inf, which is not a finite number; expected a number from 1e-30 to 1e+30"},
      {"nan learning rate", with_tail("training:\n  optimizer: {learning_rate: nan}\n"),
       "text.yaml:9:30: training.optimizer.learning_rate: ",
       "got nan, which is not a finite number; expected a number from 1e-30 to 1e+30"},
      {"learning rate beyond float", with_tail("training:\n  optimizer: {learning_rate: 1e308}\n"),
       "text.yaml:9:30: training.optimizer.learning_rate: ",
       "expected a number from 1e-30 to 1e+30, got 1e308"},
      {"learning rate rounding to zero", with_tail("training:\n  optimizer: {learning_rate: 1e-50}\n"),
       "text.yaml:9:30: training.optimizer.learning_rate: ",
       "expected a number from 1e-30 to 1e+30, got 1e-50"},
      {"epsilon rounding to zero", with_tail("training:\n  optimizer: {epsilon: 1e-50}\n"),
       "text.yaml:9:24: training.optimizer.epsilon: ",
       "expected a number from 1e-30 to 1e+30, got 1e-50"},
      {"momentum above 1", with_tail("training:\n  optimizer: {name: sgd, momentum: 1.5}\n"),
       "text.yaml:9:36: training.optimizer.momentum: ", "expected a number >= 0 and < 1, got 1.5"},
      {"momentum of 1", with_tail("training:\n  optimizer: {name: sgd, momentum: 1}\n"),
       "text.yaml:9:36: training.optimizer.momentum: ", "expected a number >= 0 and < 1, got 1"},
      {"beta rounding to 1 in float", with_tail("training:\n  optimizer: {beta_2: 0.999999999999}\n"),
       "text.yaml:9:23: training.optimizer.beta_2: ",
       "got 0.999999999999, which rounds to 1 in float32; expected a number >= 0 and < 1"},
      {"label column equal to text column", with_data("train: t.csv, label_column: text"),
       "text.yaml:1:22: data.label_column: ",
       "is \"text\", the same column as data.text_column; set label_column to the column that "
       "contains the labels"},
      {"embedding dim above limit", with_layers("    - embedding: {dim: 100000000}\n"),
       "text.yaml:5:19: model.layers[0].embedding.dim: ",
       "got 100000000, which is out of range; expected an integer up to 65536"},
      {"input_dim above limit", with_layers("    - embedding: {dim: 4, input_dim: 2000000000}\n"),
       "text.yaml:5:27: model.layers[0].embedding.input_dim: ",
       "got 2000000000, which is out of range; expected an integer up to 100000000"},
      {"units above limit", with_layers("    - dense: {units: 1000000}\n"),
       "text.yaml:5:15: model.layers[0].dense.units: ",
       "got 1000000, which is out of range; expected an integer up to 65536"},
      {"dropout rate of 1", with_layers("    - dropout: {rate: 1.0}\n"),
       "text.yaml:5:23: model.layers[0].dropout.rate: ", "expected a number >= 0 and < 1, got 1.0"},
      {"embedding dim of 0", with_layers("    - embedding: {dim: 0}\n"),
       "text.yaml:5:24: model.layers[0].embedding.dim: ", "expected an integer >= 1, got 0"},
      {"input_dim of 1", with_layers("    - embedding: {dim: 4, input_dim: 1}\n"),
       "text.yaml:5:38: model.layers[0].embedding.input_dim: ",
       "expected an integer >= 2 or null, got 1"},
      {"units of 0", with_layers("    - dense: {units: 0}\n"),
       "text.yaml:5:22: model.layers[0].dense.units: ", "expected an integer >= 1 or auto, got 0"},
      {"auto units on a non-last layer",
       with_layers("    - dense: {units: auto}\n    - dense: {units: 2}\n"),
       "text.yaml:5:15: model.layers[0].dense.units: ", "auto is allowed only on the last layer"},
      {"auto activation on a non-last layer",
       with_layers("    - dense: {units: 3, activation: auto}\n    - dense: {units: 2}\n"),
       "text.yaml:5:25: model.layers[0].dense.activation: ",
       "auto is allowed only on the last layer"},
      {"units left out on a non-last layer",
       with_layers("    - dense: {}\n    - dense: {units: 2}\n"),
       "text.yaml:5:7: model.layers[0].dense.units: ",
       "missing; only the last layer may leave units out (auto)"},
      {"empty layers", "data: {train: t.csv}\nmodel:\n  layers: []\n",
       "text.yaml:3:3: model.layers: ", "expected at least one layer, got an empty list"},
      {"null layers", "data: {train: t.csv}\nmodel:\n  layers:\n",
       "text.yaml:3:3: model.layers: ", "expected a list of layers"},
      {"missing layers", "data: {train: t.csv}\nmodel: {}\n",
       "text.yaml:2:1: model.layers: ", "missing required key"},
      {"missing model", "data: {train: t.csv}\n",
       "text.yaml: model.layers: ", "missing required key"},
      {"missing train", "data: {test: t.csv}\nmodel: {layers: [{dense: {units: 2}}]}\n",
       "text.yaml:1:1: data.train: ", "missing required key; give the training data file"},
      {"null train", with_data("train: null"),
       "text.yaml:1:8: data.train: ", "expected a file or folder path, got null"},
      {"unexpanded home", with_data("train: ~/t.csv"),
       "text.yaml:1:15: data.train: ", "got \"~/t.csv\", but maas does not expand ~"},
      {"embedding without dim", with_layers("    - embedding: {input_dim: 9}\n"),
       "text.yaml:5:7: model.layers[0].embedding.dim: ",
       "missing required key; give the embedding size"},
      {"dropout without rate", with_layers("    - dropout:\n    - dense: {units: 2}\n"),
       "text.yaml:5:7: model.layers[0].dropout.rate: ", "missing required key"},
      {"unknown layer type", with_layers("    - dens: {units: 2}\n"),
       "text.yaml:5:7: model.layers[0].dens: ",
       "unknown layer type 'dens'; did you mean 'dense'? Accepted: embedding, "
       "global_average_pooling1d"},
      {"layer item with two keys", with_layers("    - embedding:\n      dim: 4\n"),
       "text.yaml:5:7: model.layers[0]: ",
       "expected one key, the layer type, got 2 keys: embedding, dim"},
      {"layer item as a bare name", with_layers("    - global_average_pooling1d\n"),
       "text.yaml:5:7: model.layers[0]: ",
       "expected a one-key map from layer type to settings, such as {dense: {units: 64}}, got "
       "global_average_pooling1d"},
      {"validation file with validation_split",
       with_data("train: t.csv, validation: v.csv", "training: {validation_split: 0.1}\n"),
       "text.yaml:1:22: data.validation: ",
       "a validation file cannot be combined with training.validation_split 0.1 (set at "
       "/work/exp/configs/text.yaml:3:12)"},
      {"adam key with sgd", with_tail("training:\n  optimizer: {name: sgd, beta_1: 0.8}\n"),
       "text.yaml:9:26: training.optimizer.beta_1: ",
       "applies only to adam, but training.optimizer.name is sgd"},
      {"sgd key with adam", with_tail("training:\n  optimizer: {momentum: 0.9}\n"),
       "text.yaml:9:15: training.optimizer.momentum: ",
       "applies only to sgd, but training.optimizer.name is adam"},
      {"run name with slash", with_tail("output: {name: a/b}\n"),
       "text.yaml:8:16: output.name: ", "expected a name without '/' or '\\'"},
      {"output as list", with_tail("output: [a]\n"), "text.yaml:8:9: output: ",
       "expected a folder path, or a map such as {dir: runs/text, name: text}, got a list"},
      {"root is a list", "- data\n", "text.yaml:1:1: ",
       "expected a map with keys data, tokenizer, model, training and output, got a list"},
      {"two documents", with_tail("---\nepochs: 3\n"),
       "text.yaml:9:1: ", "expected one YAML document, got 2"},
  };
  return cases;
}

TEST(ParseConfigErrors, EachKindNamesLocationPathAndValue) {
  for (const ErrorCase& c : error_cases()) {
    SCOPED_TRACE(c.name);
    const std::string message = config_error(c.yaml);
    EXPECT_NE(message.find("(1 error):\n"), std::string::npos) << message;
    EXPECT_NE(message.find("\n/work/exp/configs/" + c.location + c.message), std::string::npos)
        << message;
  }
}

TEST(ParseConfigErrors, CollectsEveryErrorInFileOrder) {
  const std::string yaml = R"yaml(data:
  train: t.csv
  format: xml
model:
  layers:
    - embedding: {dim: -1}
    - dense: {units: 2}
training:
  epoch: 5
  epochs: 0
  epochs: 3
extra: true
)yaml";
  const std::string message = config_error(yaml);
  const std::string expected =
      "invalid config /work/exp/configs/text.yaml (6 errors):\n"
      "/work/exp/configs/text.yaml:3:11: data.format: expected one of auto, csv, tsv, jsonl, "
      "fasttext, got \"xml\"\n"
      "/work/exp/configs/text.yaml:6:24: model.layers[0].embedding.dim: expected an integer >= 1, "
      "got -1\n"
      "/work/exp/configs/text.yaml:9:3: training.epoch: unknown key 'epoch'; did you mean "
      "'epochs'? Accepted: task, optimizer, epochs, batch_size, seed, validation_split, shuffle, "
      "threads, lr_schedule, class_weight, label_smoothing, bucket_by_length, checkpoint_every_steps, "
      "checkpoint_min_interval_seconds, early_stopping\n"
      "/work/exp/configs/text.yaml:10:11: training.epochs: expected an integer >= 1, got 0\n"
      "/work/exp/configs/text.yaml:11:3: training.epochs: duplicate key 'epochs', first given on "
      "line 10; keep only one of them\n"
      "/work/exp/configs/text.yaml:12:1: extra: unknown key 'extra'; accepted: data, tokenizer, "
      "model, training, output";
  EXPECT_EQ(message, expected);
}

TEST(ParseConfigErrors, InvalidValueDoesNotAlsoReportAuto) {
  // units "5" keeps the default (auto); only the type error is reported, not an auto error.
  const std::string message =
      config_error(with_layers("    - dense: {units: \"5\"}\n    - dense: {units: 2}\n"));
  EXPECT_NE(message.find("(1 error)"), std::string::npos) << message;
}

TEST(ParseConfigErrors, SyntaxErrorReportsLine) {
  const std::string message = config_error("data:\n  train: [a, b\nmodel: {}\n");
  EXPECT_NE(message.find("(1 error):\n/work/exp/configs/text.yaml:3:"), std::string::npos)
      << message;
  EXPECT_NE(message.find("invalid YAML: end of sequence flow not found"), std::string::npos)
      << message;
}

TEST(ParseConfigErrors, SyntaxErrorInIndentationReportsLine) {
  const std::string message = config_error("data:\n  train: t.csv\n test: x\n");
  EXPECT_NE(message.find("/work/exp/configs/text.yaml:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("invalid YAML"), std::string::npos) << message;
}

TEST(ParseConfigErrors, EmptyFileReportsBothRequiredKeys) {
  const std::string message = config_error("");
  EXPECT_NE(message.find("(2 errors)"), std::string::npos) << message;
  EXPECT_NE(message.find("/work/exp/configs/text.yaml: data.train: missing required key"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("/work/exp/configs/text.yaml: model.layers: missing required key"),
            std::string::npos)
      << message;
}

TEST(LoadConfig, ReadsFileAndResolvesAgainstItsFolder) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("maas_config_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder / "configs");
  const std::filesystem::path file = folder / "configs" / "quick.yaml";
  {
    std::ofstream out(file);
    out << "data: {train: ../data/train.csv}\n"
           "model: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: {}}, "
           "{dense: {units: auto, activation: auto}}]}\n";
  }
  const ExperimentConfig config = load_config(file);
  EXPECT_EQ(config.source, file);
  EXPECT_EQ(config.data.train, folder / "data" / "train.csv");
  EXPECT_EQ(config.output.dir, folder / "configs" / "runs" / "quick");
  EXPECT_EQ(config.output.name, "quick");

  EXPECT_THROW(load_config(folder / "configs"), IoError);
  std::filesystem::remove_all(folder);
}

TEST(LoadConfig, MissingFileThrowsIoErrorNamingPath) {
  try {
    load_config("/nonexistent/maas/config.yaml");
    FAIL() << "expected an IoError";
  } catch (const IoError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("/nonexistent/maas/config.yaml"), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace maas::config
