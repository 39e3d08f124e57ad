#pragma once
// The C++ API of libmaas: load a model folder written by `maas train` (or `maas export`) and
// classify raw text. Only standard library types cross this header, and the model lives behind
// a pointer to an implementation, so the library can change inside without recompiling callers.
//
// Thread safety: every const member function may run on many threads at once on the same
// Classifier. Copies share one loaded model, which stays alive while any copy exists.
//
// Errors: load() throws std::runtime_error, and classify() throws std::invalid_argument for a
// text that is not valid UTF-8. Each message names the file, tensor or text at fault.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maas/export.h"

namespace maas {

// The result for one text.
struct Prediction {
  std::size_t label_index = 0;       // position of the top label in Classifier::labels()
  std::string label;                 // the label with the highest probability (first on ties)
  float probability = 0.0f;          // that label's probability
  std::vector<float> probabilities;  // one per label, in Classifier::labels() order, summing to 1
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

  // Classifies one UTF-8 text. Throws std::invalid_argument naming the byte offset of invalid
  // UTF-8.
  Prediction classify(std::string_view text) const;

  // Classifies every text, returning one Prediction per text in input order. With an int8 model a
  // text gets bit-identical probabilities in any batch. A float model's may differ by about 1e-7
  // between batch sizes, because oneDNN may sum in another order. Throws std::invalid_argument
  // naming the position of the first invalid text.
  std::vector<Prediction> classify(const std::vector<std::string>& texts) const;

  // Class labels in output order, as stored in the model's manifest.
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
