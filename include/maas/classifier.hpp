#pragma once
// The C++ API of libmaas: load a model folder written by `maas train` (or `maas export`) and
// run it on raw text. A model's task() determines how to read a Prediction: one class
// (classification), zero or more labels with a score each (multi-label), or a number
// (regression). Only standard library types cross this header, and the model lives behind
// a pointer to an implementation, so the library can change inside without recompiling callers.
//
// Thread safety: every const member function may run on many threads at once on the same
// Classifier. Copies share one loaded model, which stays alive while any copy exists.
//
// Errors: load() throws std::runtime_error, and classify() throws std::invalid_argument for a
// text that is not valid UTF-8 or a threshold outside [0, 1]. Each message names the file,
// tensor, text or value at fault.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maas/export.h"

namespace maas {

// The kind of output a model predicts, set by training.task of its training config.
enum class ModelTask {
  kClassification,  // one label per text: probabilities over the labels that sum to 1
  kMultiLabel,      // zero or more labels per text: one independent probability per label
  kRegression,      // one number per text
};

// The result for one text. Which fields are set depends on Classifier::task().
struct Prediction {
  // The label with the highest probability (first on ties): its position in Classifier::labels(),
  // its name and its probability. For a multi-label model the top probability may be below the
  // threshold. Regression: 0, empty and 0.
  std::size_t label_index = 0;
  std::string label;
  float probability = 0.0f;
  // One probability per label, in Classifier::labels() order: summing to 1 for classification,
  // independent for multi-label. Empty for regression.
  std::vector<float> probabilities;
  // The chosen labels, in Classifier::labels() order: the top label alone for classification,
  // every label whose probability is at or above the threshold for multi-label (possibly none),
  // and none for regression.
  std::vector<std::size_t> label_indices;
  std::vector<std::string> labels;
  // The predicted number for regression; 0 for the other tasks.
  float value = 0.0f;
};

class MAAS_API Classifier {
 public:
  // Loads and verifies the model folder `model_dir` (format version, SHA-256 of every file and
  // every tensor's shape). Throws std::runtime_error naming the folder, file and tensor at fault.
  static Classifier load(const std::string& model_dir);

  Classifier(const Classifier&) noexcept;
  Classifier& operator=(const Classifier&) noexcept;
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;
  ~Classifier();

  // The threshold at which a multi-label model chooses a label, as `maas predict` uses by default.
  static constexpr float kDefaultThreshold = 0.5f;

  // Runs the model on one UTF-8 text. `threshold` picks the labels of a multi-label model and is
  // ignored by the other tasks. Throws std::invalid_argument naming the byte offset of invalid
  // UTF-8, or naming a threshold outside [0, 1].
  Prediction classify(std::string_view text) const;
  Prediction classify(std::string_view text, float threshold) const;

  // Runs the model on every text, returning one Prediction per text in input order. With an int8
  // model a text gets bit-identical outputs in any batch. A float model's may differ by about 1e-7
  // between batch sizes, because oneDNN may sum in another order. Throws std::invalid_argument
  // naming the position of the first invalid text.
  std::vector<Prediction> classify(const std::vector<std::string>& texts) const;
  std::vector<Prediction> classify(const std::vector<std::string>& texts, float threshold) const;

  // The model's task, which determines the Prediction fields that are set.
  ModelTask task() const;

  // Labels in output order, as stored in the model's manifest: class names for classification
  // and multi-label, the name of the predicted number (one entry) for regression.
  const std::vector<std::string>& labels() const;

  // The model name stored in the manifest.
  const std::string& name() const;

 private:
  struct Impl;
  explicit Classifier(std::shared_ptr<const Impl> impl);

  std::shared_ptr<const Impl> impl_;
};

// The maas version that built this library, such as "0.1.0".
MAAS_API const char* version() noexcept;

}  // namespace maas
