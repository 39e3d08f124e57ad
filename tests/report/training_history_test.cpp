#include "core/report/training_history.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::report {
namespace {

using Points = std::vector<std::pair<int, double>>;

TEST(TrainingHistory, ReadsEveryCurveInOrder) {
  const std::string jsonl =
      R"({"epoch":1,"loss":0.9,"accuracy":0.5,"val_loss":1.0,"val_accuracy":0.4,"val_macro_f1":0.3,"seconds":1.0})"
      "\n"
      R"({"epoch":2,"loss":0.6,"accuracy":0.7,"val_loss":0.8,"val_accuracy":0.6,"val_macro_f1":0.5,"seconds":1.0})"
      "\n";
  const TrainingHistory history = parse_training_history(jsonl, "m.jsonl");
  EXPECT_EQ(history.epochs, 2);
  ASSERT_EQ(history.curves.size(), 5u);
  const std::vector<std::string> names = {"loss", "val_loss", "accuracy", "val_accuracy", "val_macro_f1"};
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(history.curves[i].name, names[i]);
  EXPECT_EQ(history.find("loss")->points, (Points{{1, 0.9}, {2, 0.6}}));
  EXPECT_EQ(history.find("val_macro_f1")->points, (Points{{1, 0.3}, {2, 0.5}}));
  EXPECT_EQ(history.find("seconds"), nullptr);
}

TEST(TrainingHistory, WithoutValidationHasTwoCurves) {
  const std::string jsonl = "{\"epoch\":1,\"loss\":0.9,\"accuracy\":0.5}\n\n  \n{\"epoch\":2,\"loss\":0.5,\"accuracy\":0.8}";
  const TrainingHistory history = parse_training_history(jsonl, "m.jsonl");
  EXPECT_EQ(history.epochs, 2);
  ASSERT_EQ(history.curves.size(), 2u);
  EXPECT_EQ(history.find("val_loss"), nullptr);
  EXPECT_EQ(history.find("accuracy")->points, (Points{{1, 0.5}, {2, 0.8}}));
}

TEST(TrainingHistory, NullLeavesGap) {
  const std::string jsonl =
      "{\"epoch\":1,\"loss\":0.9}\n{\"epoch\":2,\"loss\":null}\n{\"epoch\":3,\"loss\":0.4}\n";
  const TrainingHistory history = parse_training_history(jsonl, "m.jsonl");
  EXPECT_EQ(history.epochs, 3);
  EXPECT_EQ(history.find("loss")->points, (Points{{1, 0.9}, {3, 0.4}}));
}

TEST(TrainingHistory, EmptyTextHasNoCurves) {
  const TrainingHistory history = parse_training_history("", "m.jsonl");
  EXPECT_EQ(history.epochs, 0);
  EXPECT_TRUE(history.curves.empty());
}

TEST(TrainingHistory, RejectsMalformedLinesWithLineNumber) {
  struct Case {
    std::string jsonl;
    std::string expected;  // part of the message
  };
  const std::vector<Case> cases = {
      {"{\"epoch\":1,\"loss\":1}\n{\"epoch\":2,", "m.jsonl:2: invalid JSON"},
      {"{\"loss\":1}", "m.jsonl:1: expected an object with an integer \"epoch\""},
      {"[1,2]", "m.jsonl:1: expected an object"},
      {"{\"epoch\":1.5}", "m.jsonl:1: expected an object with an integer \"epoch\""},
      {"{\"epoch\":0}", "m.jsonl:1: epoch 0, expected 1 or more"},
      {"{\"epoch\":2}\n{\"epoch\":2}", "m.jsonl:2: epoch 2 after epoch 2"},
      {"{\"epoch\":1}\n\n{\"epoch\":2,\"loss\":\"high\"}", "m.jsonl:3: \"loss\" is \"high\", expected a number"},
  };
  for (const Case& c : cases) {
    try {
      parse_training_history(c.jsonl, "m.jsonl");
      ADD_FAILURE() << "no error for " << c.jsonl;
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(c.expected), std::string::npos) << e.what();
    }
  }
}

TEST(TrainingHistory, MissingFileThrowsIoError) {
  EXPECT_THROW(read_training_history("/nonexistent/maas/metrics.jsonl"), IoError);
}

}  // namespace
}  // namespace maas::report
