// The C API (include/maas/maas.h) over maas::Classifier. Every entry point catches everything,
// so no C++ exception unwinds into C code.

#include "maas/maas.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "maas/classifier.hpp"

struct maas_classifier {
  maas::Classifier classifier;
};

namespace {

// Stores a malloc'd copy of `message` in *error when error is not NULL. A failed allocation
// leaves *error NULL: the status code still reports the failure.
void set_error(char** error, const std::string& message) {
  if (error == nullptr) return;
  *error = static_cast<char*>(std::malloc(message.size() + 1));
  if (*error != nullptr) std::memcpy(*error, message.c_str(), message.size() + 1);
}

void clear_error(char** error) {
  if (error != nullptr) *error = nullptr;
}

// Runs `body`, mapping each exception to a status and a message.
template <typename Body>
maas_status guarded(char** error, Body&& body) {
  clear_error(error);
  try {
    body();
    return MAAS_OK;
  } catch (const std::invalid_argument& e) {
    set_error(error, e.what());
    return MAAS_ERROR_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    set_error(error, "out of memory");
    return MAAS_ERROR_INTERNAL;
  } catch (const std::runtime_error& e) {
    set_error(error, e.what());
    return MAAS_ERROR_IO;
  } catch (const std::exception& e) {
    set_error(error, e.what());
    return MAAS_ERROR_INTERNAL;
  } catch (...) {
    set_error(error, "unknown error inside libmaas");
    return MAAS_ERROR_INTERNAL;
  }
}

void check_capacity(std::size_t needed, std::size_t capacity) {
  if (capacity < needed) {
    throw std::invalid_argument(fmt::format(
        "probability buffer too small: capacity {} floats, expected at least {} (texts times "
        "maas_classifier_label_count)",
        capacity, needed));
  }
}

// Rejects a call that does not fit the model's task, with `hint` saying which call fits.
void check_task(bool fits, const char* function, const char* hint) {
  if (!fits) throw std::invalid_argument(fmt::format("{}: {}", function, hint));
}

void check_not_null(const void* pointer, const char* name) {
  if (pointer == nullptr) throw std::invalid_argument(fmt::format("argument '{}' is NULL", name));
}

}  // namespace

extern "C" {

maas_status maas_classifier_load(const char* model_dir, maas_classifier** classifier, char** error) {
  if (classifier != nullptr) *classifier = nullptr;
  return guarded(error, [&] {
    check_not_null(classifier, "classifier");
    check_not_null(model_dir, "model_dir");
    *classifier = new maas_classifier{maas::Classifier::load(model_dir)};
  });
}

void maas_classifier_free(maas_classifier* classifier) { delete classifier; }

size_t maas_classifier_label_count(const maas_classifier* classifier) {
  return classifier == nullptr ? 0 : classifier->classifier.labels().size();
}

const char* maas_classifier_label(const maas_classifier* classifier, size_t index) {
  if (classifier == nullptr || index >= classifier->classifier.labels().size()) return nullptr;
  return classifier->classifier.labels()[index].c_str();
}

maas_status maas_classify(const maas_classifier* classifier, const char* text, float* probabilities,
                          size_t capacity, char** error) {
  if (text == nullptr) {
    return guarded(error, [] { check_not_null(nullptr, "text"); });
  }
  return maas_classify_batch(classifier, &text, 1, probabilities, capacity, error);
}

maas_status maas_classify_batch(const maas_classifier* classifier, const char* const* texts, size_t count,
                                float* probabilities, size_t capacity, char** error) {
  return guarded(error, [&] {
    check_not_null(classifier, "classifier");
    check_not_null(texts, "texts");
    check_not_null(probabilities, "probabilities");
    const std::size_t labels = classifier->classifier.labels().size();
    if (count > std::numeric_limits<std::size_t>::max() / labels) {
      throw std::invalid_argument(fmt::format("count {} times {} labels overflows size_t; pass fewer texts", count, labels));
    }
    check_capacity(count * labels, capacity);
    std::vector<std::string> batch;
    batch.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      if (texts[i] == nullptr) throw std::invalid_argument(fmt::format("texts[{}] is NULL", i));
      batch.emplace_back(texts[i]);
    }
    const std::vector<maas::Prediction> predictions = classifier->classifier.classify(batch);
    for (std::size_t i = 0; i < count; ++i) {
      const float* outputs = predictions[i].probabilities.empty() ? &predictions[i].value : predictions[i].probabilities.data();
      std::memcpy(probabilities + i * labels, outputs, labels * sizeof(float));
    }
  });
}

maas_task maas_classifier_task(const maas_classifier* classifier) {
  if (classifier == nullptr) return MAAS_TASK_CLASSIFICATION;
  switch (classifier->classifier.task()) {
    case maas::ModelTask::kClassification: return MAAS_TASK_CLASSIFICATION;
    case maas::ModelTask::kMultiLabel: return MAAS_TASK_MULTI_LABEL;
    case maas::ModelTask::kRegression: return MAAS_TASK_REGRESSION;
  }
  return MAAS_TASK_CLASSIFICATION;
}

maas_status maas_classify_labels(const maas_classifier* classifier, const char* text, float threshold,
                                 float* probabilities, unsigned char* chosen, size_t capacity, size_t* chosen_count,
                                 char** error) {
  return guarded(error, [&] {
    check_not_null(classifier, "classifier");
    check_not_null(text, "text");
    check_not_null(probabilities, "probabilities");
    check_not_null(chosen, "chosen");
    check_task(classifier->classifier.task() != maas::ModelTask::kRegression, "maas_classify_labels",
               "a regression model has no labels to choose; call maas_predict_value");
    const std::size_t labels = classifier->classifier.labels().size();
    check_capacity(labels, capacity);
    const maas::Prediction prediction = classifier->classifier.classify(text, threshold);
    std::memcpy(probabilities, prediction.probabilities.data(), labels * sizeof(float));
    std::memset(chosen, 0, labels);
    for (const std::size_t index : prediction.label_indices) chosen[index] = 1;
    if (chosen_count != nullptr) *chosen_count = prediction.label_indices.size();
  });
}

maas_status maas_predict_value(const maas_classifier* classifier, const char* text, float* value, char** error) {
  return guarded(error, [&] {
    check_not_null(classifier, "classifier");
    check_not_null(text, "text");
    check_not_null(value, "value");
    check_task(classifier->classifier.task() == maas::ModelTask::kRegression, "maas_predict_value",
               "the model predicts labels, not a number; call maas_classify_labels");
    *value = classifier->classifier.classify(text).value;
  });
}

void maas_string_free(char* text) { std::free(text); }

const char* maas_version(void) { return maas::version(); }

}  // extern "C"
