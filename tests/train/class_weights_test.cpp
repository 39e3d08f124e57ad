// Class weights of the training loss against values worked out by hand.

#include "core/train/class_weights.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::train {
namespace {

const std::vector<std::string> kLabels = {"clean", "insult", "spam"};
// 6 rows: 3 clean, 2 insult, 1 spam.
const std::vector<std::int32_t> kClasses = {0, 0, 1, 0, 2, 1};

TEST(ClassWeights, NoneGivesOnes) {
  EXPECT_EQ(class_weights({}, kLabels, kClasses), (std::vector<float>{1.0f, 1.0f, 1.0f}));
}

TEST(ClassWeights, BalancedFollowsInverseFrequency) {
  // n / (k n_c) with n = 6, k = 3: 6 / 9, 6 / 6, 6 / 3.
  const std::vector<float> weights = class_weights({"balanced", {}}, kLabels, kClasses);
  ASSERT_EQ(weights.size(), 3u);
  EXPECT_FLOAT_EQ(weights[0], 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(weights[1], 1.0f);
  EXPECT_FLOAT_EQ(weights[2], 2.0f);
}

TEST(ClassWeights, BalancedGivesOneToClassWithoutRows) {
  const std::vector<float> weights = class_weights({"balanced", {}}, kLabels, std::vector<std::int32_t>{0, 1});
  // n = 2, k = 3: 2 / 3 for the two present classes.
  EXPECT_FLOAT_EQ(weights[0], 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(weights[1], 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(weights[2], 1.0f);
}

TEST(ClassWeights, MapSetsListedLabelsOnly) {
  const std::vector<float> weights = class_weights({"map", {{"spam", 4.5}, {"clean", 0.0}}}, kLabels, kClasses);
  EXPECT_EQ(weights, (std::vector<float>{0.0f, 1.0f, 4.5f}));
}

TEST(ClassWeights, MapRejectsUnknownLabel) {
  try {
    class_weights({"map", {{"toxic", 2.0}}}, kLabels, kClasses);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("training.class_weight"), std::string::npos) << message;
    EXPECT_NE(message.find("\"toxic\""), std::string::npos) << message;
    EXPECT_NE(message.find("clean\", \"insult\", \"spam"), std::string::npos) << message;
  }
}

TEST(ClassWeights, MapRejectsAllZero) {
  EXPECT_THROW(class_weights({"map", {{"clean", 0.0}, {"insult", 0.0}, {"spam", 0.0}}}, kLabels, kClasses),
               ConfigError);
}

}  // namespace
}  // namespace maas::train
