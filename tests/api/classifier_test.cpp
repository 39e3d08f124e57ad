// The C++ API (include/maas/classifier.hpp) on the golden v1 models.

#include "maas/classifier.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/file_io.h"

namespace maas {
namespace {

namespace fs = std::filesystem;

const fs::path kIntents = fs::path(MAAS_SOURCE_DIR) / "tests" / "golden" / "v1" / "intents";

struct Golden {
  std::vector<std::string> texts;
  std::vector<std::vector<float>> probabilities;
};

// Reads tests/golden/NAME.expected.json, where NAME is "v1/intents" or similar.
Golden read_golden(const std::string& name) {
  const nlohmann::json j = nlohmann::json::parse(
      io::read_file(fs::path(MAAS_SOURCE_DIR) / "tests" / "golden" / (name + ".expected.json")));
  return {j.at("texts").get<std::vector<std::string>>(),
          j.at("probabilities").get<std::vector<std::vector<float>>>()};
}

TEST(Classifier, LoadReadsLabelsAndName) {
  const Classifier classifier = Classifier::load(kIntents.string());
  EXPECT_EQ(classifier.labels(), (std::vector<std::string>{"greet", "trade", "other"}));
  EXPECT_EQ(classifier.name(), "intents");
  EXPECT_STREQ(version(), MAAS_VERSION);
}

TEST(Classifier, BatchMatchesGoldenProbabilities) {
  // v2 and v3 models run on the int8 path (QuantizedNetwork). Their stored values came from the
  // dequantized float path, so this also checks that the two paths agree.
  for (const std::string name : {"v1/intents", "v1/toxic", "v2/intents", "v2/toxic", "v3/intents", "v3/toxic"}) {
    SCOPED_TRACE(name);
    const Classifier classifier = Classifier::load((kIntents.parent_path().parent_path() / name).string());
    const Golden golden = read_golden(name);
    const std::vector<Prediction> predictions = classifier.classify(golden.texts);
    ASSERT_EQ(predictions.size(), golden.texts.size());
    for (std::size_t row = 0; row < predictions.size(); ++row) {
      const Prediction& prediction = predictions[row];
      ASSERT_EQ(prediction.probabilities.size(), classifier.labels().size());
      for (std::size_t column = 0; column < prediction.probabilities.size(); ++column) {
        EXPECT_NEAR(prediction.probabilities[column], golden.probabilities[row][column], 1e-6);
      }
      EXPECT_EQ(prediction.label, classifier.labels()[prediction.label_index]);
      EXPECT_EQ(prediction.probability, prediction.probabilities[prediction.label_index]);
      for (const float p : prediction.probabilities) EXPECT_LE(p, prediction.probability);
    }
  }
}

TEST(Classifier, SingleTextMatchesItsRowInBatch) {
  const Classifier classifier = Classifier::load(kIntents.string());
  const Golden golden = read_golden("v1/intents");
  const std::vector<Prediction> batch = classifier.classify(golden.texts);
  for (std::size_t row = 0; row < golden.texts.size(); ++row) {
    const Prediction single = classifier.classify(golden.texts[row]);
    EXPECT_EQ(single.label_index, batch[row].label_index) << row;
    for (std::size_t column = 0; column < single.probabilities.size(); ++column) {
      EXPECT_FLOAT_EQ(single.probabilities[column], batch[row].probabilities[column]) << row;
    }
  }
}

TEST(Classifier, ConcurrentCallersGetSingleThreadResults) {
  const Classifier classifier = Classifier::load(kIntents.string());
  const Golden golden = read_golden("v1/intents");
  const std::vector<Prediction> reference = classifier.classify(golden.texts);

  constexpr int kThreads = 8;
  constexpr int kRounds = 50;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    // Each thread has its own copy, which shares the loaded model with the others.
    threads.emplace_back([&, t, copy = classifier] {
      for (int round = 0; round < kRounds; ++round) {
        const std::size_t row = static_cast<std::size_t>(t + round) % golden.texts.size();
        const std::vector<Prediction> got = (round % 2 == 0)
                                                ? std::vector<Prediction>{copy.classify(golden.texts[row])}
                                                : copy.classify(golden.texts);
        const Prediction& first = got.size() == 1 ? got[0] : got[row];
        for (std::size_t c = 0; c < first.probabilities.size(); ++c) {
          if (std::abs(first.probabilities[c] - reference[row].probabilities[c]) > 1e-6f) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(Classifier, MissingFolderThrowsRuntimeError) {
  try {
    Classifier::load("/nonexistent/maas-model");
    FAIL() << "loaded a missing folder";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/maas-model"), std::string::npos) << error.what();
  }
}

TEST(Classifier, InvalidUtf8ThrowsInvalidArgument) {
  const Classifier classifier = Classifier::load(kIntents.string());
  EXPECT_THROW(classifier.classify(std::string_view("gg \xff wp")), std::invalid_argument);
  EXPECT_THROW(classifier.classify(std::vector<std::string>{"gg", "\xc3"}), std::invalid_argument);
}

TEST(Classifier, CopiesOutliveTheOriginal) {
  std::vector<Classifier> copies;
  {
    const Classifier original = Classifier::load(kIntents.string());
    copies.push_back(original);
  }
  EXPECT_EQ(copies.front().classify("gg wp").probabilities.size(), 3u);
}

}  // namespace
}  // namespace maas
