// maas::Classifier: the public C++ API over infer::Predictor. Internal exceptions are turned into
// standard ones here, because the internal types are hidden inside libmaas and a caller could
// not name them.

#include "maas/classifier.hpp"

#include <stdexcept>

#include "core/common/error.h"
#include "core/infer/predictor.h"

namespace maas {

struct Classifier::Impl {
  std::shared_ptr<const infer::Predictor> predictor;
};

namespace {

std::vector<Prediction> to_predictions(const infer::Probabilities& probabilities,
                                       const std::vector<std::string>& labels) {
  std::vector<Prediction> predictions;
  predictions.reserve(probabilities.size());
  for (const std::vector<float>& row : probabilities) {
    Prediction prediction;
    // TODO: the library API reports a top label for every task. For a multi-label or regression
    // model only `probabilities` (the per-label scores, or the value) is meaningful.
    prediction.label_index = infer::top_class(row);
    prediction.label = labels[prediction.label_index];
    prediction.probability = row[prediction.label_index];
    prediction.probabilities = row;
    predictions.push_back(std::move(prediction));
  }
  return predictions;
}

}  // namespace

Classifier Classifier::load(const std::string& model_dir) {
  try {
    return Classifier(std::make_shared<const Impl>(Impl{infer::Predictor::load(model_dir)}));
  } catch (const Error& error) {
    throw std::runtime_error(error.what());
  }
}

Classifier::Classifier(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Classifier::Classifier(const Classifier&) noexcept = default;
Classifier& Classifier::operator=(const Classifier&) noexcept = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;
Classifier::~Classifier() = default;

Prediction Classifier::classify(std::string_view text) const {
  return classify(std::vector<std::string>{std::string(text)}).front();
}

std::vector<Prediction> Classifier::classify(const std::vector<std::string>& texts) const {
  try {
    return to_predictions(impl_->predictor->predict(texts), labels());
  } catch (const InvalidArgument& error) {
    throw std::invalid_argument(error.what());
  } catch (const Error& error) {
    throw std::runtime_error(error.what());
  }
}

const std::vector<std::string>& Classifier::labels() const { return impl_->predictor->labels(); }

const std::string& Classifier::name() const { return impl_->predictor->manifest().name; }

const char* version() noexcept { return MAAS_VERSION; }

}  // namespace maas
