// The C API (include/maas/maas.h): results, and every error path returning a status and a
// message instead of throwing.

#include "maas/maas.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "maas/classifier.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kIntents = MAAS_SOURCE_DIR "/tests/golden/v1/intents";

// Owns a message from an error out-parameter.
struct Message {
  char* text = nullptr;
  ~Message() { maas_string_free(text); }
  std::string str() const { return text == nullptr ? "" : text; }
};

// Owns a handle.
struct Handle {
  maas_classifier* classifier = nullptr;
  ~Handle() { maas_classifier_free(classifier); }
};

TEST(CApi, LoadAndClassifyMatchCppApi) {
  Handle handle;
  Message error;
  ASSERT_EQ(maas_classifier_load(kIntents.c_str(), &handle.classifier, &error.text), MAAS_OK) << error.str();
  EXPECT_EQ(error.text, nullptr);
  ASSERT_EQ(maas_classifier_label_count(handle.classifier), 3u);
  EXPECT_STREQ(maas_classifier_label(handle.classifier, 0), "greet");
  EXPECT_STREQ(maas_classifier_label(handle.classifier, 2), "other");
  EXPECT_EQ(maas_classifier_label(handle.classifier, 3), nullptr);

  const maas::Classifier reference = maas::Classifier::load(kIntents);
  const char* texts[] = {"gg wp team", "buy sword cheap"};
  float batch[6] = {};
  ASSERT_EQ(maas_classify_batch(handle.classifier, texts, 2, batch, 6, nullptr), MAAS_OK);
  float single[3] = {};
  ASSERT_EQ(maas_classify(handle.classifier, texts[1], single, 3, nullptr), MAAS_OK);
  for (int row = 0; row < 2; ++row) {
    const maas::Prediction expected = reference.classify(texts[row]);
    for (int c = 0; c < 3; ++c) EXPECT_FLOAT_EQ(batch[row * 3 + c], expected.probabilities[c]);
  }
  for (int c = 0; c < 3; ++c) EXPECT_FLOAT_EQ(single[c], batch[3 + c]);
  EXPECT_STREQ(maas_version(), MAAS_VERSION);
}

struct LoadErrorCase {
  const char* name;
  const char* model_dir;
  maas_status status;
  const char* message_part;
};

TEST(CApi, LoadErrorsReturnStatusAndMessage) {
  const std::vector<LoadErrorCase> cases = {
      {"missing folder", "/nonexistent/maas-model", MAAS_ERROR_IO, "/nonexistent/maas-model"},
      {"not a model", MAAS_SOURCE_DIR "/docs", MAAS_ERROR_IO, "manifest.json"},
      {"null path", nullptr, MAAS_ERROR_INVALID_ARGUMENT, "model_dir"},
  };
  for (const LoadErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    maas_classifier* classifier = reinterpret_cast<maas_classifier*>(0x1);
    Message error;
    EXPECT_EQ(maas_classifier_load(c.model_dir, &classifier, &error.text), c.status);
    EXPECT_EQ(classifier, nullptr);
    EXPECT_NE(error.str().find(c.message_part), std::string::npos) << error.str();
  }
}

TEST(CApi, DamagedWeightsNameTheFile) {
  char name[] = "/tmp/maas-c-api-XXXXXX";
  ASSERT_NE(::mkdtemp(name), nullptr);
  const fs::path model = fs::path(name) / "model";
  fs::copy(kIntents, model, fs::copy_options::recursive);
  fs::resize_file(model / "weights.safetensors", fs::file_size(model / "weights.safetensors") - 4);

  maas_classifier* classifier = nullptr;
  Message error;
  EXPECT_EQ(maas_classifier_load(model.c_str(), &classifier, &error.text), MAAS_ERROR_IO);
  EXPECT_EQ(classifier, nullptr);
  EXPECT_NE(error.str().find("weights.safetensors"), std::string::npos) << error.str();
  fs::remove_all(name);
}

TEST(CApi, NullOutParameterIsInvalidArgument) {
  Message error;
  EXPECT_EQ(maas_classifier_load(kIntents.c_str(), nullptr, &error.text), MAAS_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(error.str().find("classifier"), std::string::npos) << error.str();
}

struct ClassifyErrorCase {
  const char* name;
  const char* text;
  std::size_t capacity;
  bool null_buffer;
  const char* message_part;
};

TEST(CApi, ClassifyErrorsReturnInvalidArgument) {
  Handle handle;
  ASSERT_EQ(maas_classifier_load(kIntents.c_str(), &handle.classifier, nullptr), MAAS_OK);
  const std::vector<ClassifyErrorCase> cases = {
      {"invalid UTF-8", "gg \xff", 3, false, "UTF-8"},
      {"buffer too small", "gg", 2, false, "capacity 2"},
      {"null text", nullptr, 3, false, "text"},
      {"null buffer", "gg", 3, true, "probabilities"},
  };
  for (const ClassifyErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    float probabilities[3] = {-1.0f, -1.0f, -1.0f};
    Message error;
    EXPECT_EQ(maas_classify(handle.classifier, c.text, c.null_buffer ? nullptr : probabilities, c.capacity,
                            &error.text),
              MAAS_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(error.str().find(c.message_part), std::string::npos) << error.str();
    EXPECT_EQ(probabilities[0], -1.0f) << "the buffer must stay untouched on error";
  }
}

TEST(CApi, BatchWithOneBadTextWritesNothing) {
  Handle handle;
  ASSERT_EQ(maas_classifier_load(kIntents.c_str(), &handle.classifier, nullptr), MAAS_OK);
  const char* texts[] = {"gg", "\xc3", nullptr};
  std::vector<float> probabilities(9, -1.0f);
  Message error;
  EXPECT_EQ(maas_classify_batch(handle.classifier, texts, 2, probabilities.data(), 9, &error.text),
            MAAS_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(error.str().find("text 1"), std::string::npos) << error.str();
  for (const float p : probabilities) EXPECT_EQ(p, -1.0f);

  Message null_error;
  EXPECT_EQ(maas_classify_batch(handle.classifier, texts, 3, probabilities.data(), 9, &null_error.text),
            MAAS_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(null_error.str().find("texts[2]"), std::string::npos) << null_error.str();
}

TEST(CApi, NullHandleIsHandled) {
  Message error;
  float probabilities[3];
  EXPECT_EQ(maas_classify(nullptr, "gg", probabilities, 3, &error.text), MAAS_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(error.str().find("classifier"), std::string::npos) << error.str();
  EXPECT_EQ(maas_classifier_label_count(nullptr), 0u);
  EXPECT_EQ(maas_classifier_label(nullptr, 0), nullptr);
  maas_classifier_free(nullptr);
  maas_string_free(nullptr);
}

TEST(CApi, EmptyBatchSucceeds) {
  Handle handle;
  ASSERT_EQ(maas_classifier_load(kIntents.c_str(), &handle.classifier, nullptr), MAAS_OK);
  const char* texts[] = {nullptr};
  float probabilities[1];
  EXPECT_EQ(maas_classify_batch(handle.classifier, texts, 0, probabilities, 0, nullptr), MAAS_OK);
}

}  // namespace
