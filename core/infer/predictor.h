#pragma once
// Raw text in, model outputs out: class probabilities for classification, one independent
// probability per label for multi_label, the predicted numbers for regression. A Predictor owns one loaded model artifact and is safe to
// call from many threads at once: predict() only reads the model.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/infer/quantized_network.h"
#include "core/io/artifact.h"

namespace maas::infer {

// Outputs per text, one row per input in input order, one column per label (or regression target).
using Probabilities = std::vector<std::vector<float>>;

class Predictor {
 public:
  // A model with int8 weights (format version 2 or 3) runs on QuantizedNetwork when that covers
  // its layers (QuantizedNetwork::runs), every other model on its float network, which contains
  // the dequantized weights of an int8 model.
  explicit Predictor(io::Model model);

  // Loads and verifies the artifact folder `dir` (see io::load_artifact).
  static std::shared_ptr<const Predictor> load(const std::filesystem::path& dir);

  // Returns one output per label for each text. A binary classifier's single sigmoid output p is
  // returned as {1 - p, p} so every classifier reports a distribution over its labels. Multi-label
  // and regression outputs are returned as the network computes them, one column per label.
  // Texts are run in batches of at most `max_batch` rows. Throws InvalidArgument for invalid UTF-8,
  // naming the text's 0-based position and the byte offset.
  Probabilities predict(const std::vector<std::string>& texts, int max_batch = 256) const;

  // Returns the probabilities [batch, outputs] for ids int32 [batch, seq], on the same path as
  // predict() (a binary model has one column, p). For callers that encode texts themselves.
  Tensor predict_ids(const Tensor& ids) const;

  // True when the model runs on its int8 weights (QuantizedNetwork), false when it runs on float
  // weights, dequantized or not.
  bool quantized() const { return quantized_ != nullptr; }

  // Returns the padded ids the model receives as input for `text`.
  std::vector<int32_t> encode(const std::string& text) const;

  const std::vector<std::string>& labels() const { return model_.manifest.labels; }
  Task task() const { return model_.manifest.task; }
  const io::ModelManifest& manifest() const { return model_.manifest; }
  const text::TextEncoder& encoder() const { return model_.encoder; }
  const io::Model& model() const { return model_; }

 private:
  io::Model model_;
  std::shared_ptr<const QuantizedNetwork> quantized_;  // null when the float network runs
};

// Runs `network` on `texts` encoded by `encoder`, in batches of at most `max_batch` rows, and
// returns one output per label (for classification a single sigmoid output p becomes
// {1 - p, p}). Thread-safe.
Probabilities predict_texts(const nn::Sequential& network, const text::TextEncoder& encoder,
                            const std::vector<std::string>& texts, int max_batch = 256,
                            Task task = Task::kClassification);

// Returns the index of the largest probability in `row` (the first one on ties).
std::size_t top_class(const std::vector<float>& row);

}  // namespace maas::infer
