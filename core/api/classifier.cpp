// maas::Classifier: the public C++ API over infer::Predictor. Internal exceptions are turned into
// standard ones here, because the internal types are hidden inside libmaas and a caller could
// not name them.

#include "maas/classifier.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/common/task.h"
#include "core/infer/predictor.h"

namespace maas {

struct Classifier::Impl {
  std::shared_ptr<const infer::Predictor> predictor;
};

namespace {

ModelTask to_model_task(Task task) {
  switch (task) {
    case Task::kClassification: return ModelTask::kClassification;
    case Task::kMultiLabel: return ModelTask::kMultiLabel;
    case Task::kRegression: return ModelTask::kRegression;
  }
  throw std::logic_error("unknown task");
}

void check_threshold(float threshold) {
  // The negated test also rejects NaN.
  if (!(threshold >= 0.0f && threshold <= 1.0f)) {
    throw std::invalid_argument(fmt::format(
        "invalid threshold {}: expected a probability in [0, 1], such as Classifier::kDefaultThreshold (0.5)",
        threshold));
  }
}

void choose_label(Prediction& prediction, std::size_t index, const std::vector<std::string>& labels) {
  prediction.label_indices.push_back(index);
  prediction.labels.push_back(labels[index]);
}

Prediction to_prediction(const std::vector<float>& row, Task task, float threshold,
                         const std::vector<std::string>& labels) {
  Prediction prediction;
  if (task == Task::kRegression) {
    prediction.value = row.front();
    return prediction;
  }
  prediction.label_index = infer::top_class(row);
  prediction.label = labels[prediction.label_index];
  prediction.probability = row[prediction.label_index];
  prediction.probabilities = row;
  if (task == Task::kClassification) {
    choose_label(prediction, prediction.label_index, labels);
    return prediction;
  }
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] >= threshold) choose_label(prediction, i, labels);
  }
  return prediction;
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

Prediction Classifier::classify(std::string_view text) const { return classify(text, kDefaultThreshold); }

Prediction Classifier::classify(std::string_view text, float threshold) const {
  return classify(std::vector<std::string>{std::string(text)}, threshold).front();
}

std::vector<Prediction> Classifier::classify(const std::vector<std::string>& texts) const {
  return classify(texts, kDefaultThreshold);
}

std::vector<Prediction> Classifier::classify(const std::vector<std::string>& texts, float threshold) const {
  check_threshold(threshold);
  const infer::Predictor& predictor = *impl_->predictor;
  infer::Probabilities outputs;
  try {
    outputs = predictor.predict(texts);
  } catch (const InvalidArgument& error) {
    throw std::invalid_argument(error.what());
  } catch (const Error& error) {
    throw std::runtime_error(error.what());
  }
  std::vector<Prediction> predictions;
  predictions.reserve(outputs.size());
  for (const std::vector<float>& row : outputs) {
    predictions.push_back(to_prediction(row, predictor.task(), threshold, labels()));
  }
  return predictions;
}

ModelTask Classifier::task() const { return to_model_task(impl_->predictor->task()); }

const std::vector<std::string>& Classifier::labels() const { return impl_->predictor->labels(); }

const std::string& Classifier::name() const { return impl_->predictor->manifest().name; }

const char* version() noexcept { return MAAS_VERSION; }

}  // namespace maas
