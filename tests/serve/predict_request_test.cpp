#include "core/serve/predict_request.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::serve {
namespace {

TEST(PredictRequest, ParsesInstances) {
  const PredictRequest request = parse_predict_request(R"({"instances": ["hello", "", "我爱游戏"]})", {});
  EXPECT_EQ(request.format, PredictFormat::kRow);
  EXPECT_FALSE(request.input.tokenized);
  EXPECT_EQ(request.input.texts, (std::vector<std::string>{"hello", "", "我爱游戏"}));
}

TEST(PredictRequest, AcceptsSignatureName) {
  EXPECT_EQ(parse_predict_request(R"({"signature_name": "serving_default", "instances": ["a"]})", {}).input.rows(), 1u);
}

TEST(PredictRequest, ParsesIdRowsOfDifferentLengths) {
  const PredictRequest request = parse_predict_request(R"({"instances": [[4, 5, 6], [], [7]]})", {});
  ASSERT_TRUE(request.input.tokenized);
  EXPECT_EQ(request.input.rows(), 3u);
  EXPECT_EQ(request.input.ids, (std::vector<std::int32_t>{4, 5, 6, 7}));
  EXPECT_EQ(request.input.id_offsets, (std::vector<std::size_t>{0, 3, 3, 4}));
}

TEST(PredictRequest, ParsesNamedAndColumnarInputs) {
  struct Case {
    const char* body;
    PredictFormat format;
    bool tokenized;
    std::size_t rows;
  };
  const std::vector<Case> cases = {
      {R"({"instances": [{"text": "a"}, {"text": "b"}]})", PredictFormat::kRow, false, 2},
      {R"({"instances": [{"input_ids": [1, 2]}]})", PredictFormat::kRow, true, 1},
      {R"({"inputs": ["a", "b", "c"]})", PredictFormat::kColumnar, false, 3},
      {R"({"inputs": {"text": ["a"]}})", PredictFormat::kColumnar, false, 1},
      {R"({"inputs": {"input_ids": [[1], [2, 3]]}})", PredictFormat::kColumnar, true, 2},
      {R"({"inputs": []})", PredictFormat::kColumnar, false, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    const PredictRequest request = parse_predict_request(c.body, {});
    EXPECT_EQ(request.format, c.format);
    EXPECT_EQ(request.input.tokenized, c.tokenized);
    EXPECT_EQ(request.input.rows(), c.rows);
  }
}

struct BadCase {
  const char* name;
  std::string body;
  const char* message_part;
};

TEST(PredictRequest, RejectsBadBodies) {
  const std::vector<BadCase> cases = {
      {"empty body", "", "not valid JSON"},
      {"truncated", R"({"instances": ["a")", "not valid JSON"},
      {"NaN", R"({"instances": [NaN]})", "not valid JSON"},
      {"invalid UTF-8", "{\"instances\": [\"\xc3\x28\"]}", "not valid JSON"},
      {"array body", R"(["a"])", "JSON object"},
      {"missing instances", R"({})", "missing field /instances"},
      {"unexpected field", R"({"instances": [], "extra": 1})", "/extra"},
      {"both layouts", R"({"instances": [], "inputs": []})", "both /instances and /inputs"},
      {"instances object", R"({"instances": {"a": 1}})", "/instances must be an array"},
      {"nested text list", R"({"instances": [["a"]]})", "/instances/0/0 must be an integer token id"},
      {"float id", R"({"instances": [[1.5]]})", "/instances/0/0 must be an integer token id, got 1.5"},
      {"id over int32", R"({"instances": [[4294967296]]})", "/instances/0/0 must be an integer token id"},
      {"boolean id", R"({"instances": [[true]]})", "/instances/0/0 must be an integer token id, got boolean"},
      {"null instance", R"({"instances": ["a", null]})", "/instances/1 must be a string"},
      {"texts then ids", R"({"instances": ["a", [1]]})", "send either raw texts or token id lists"},
      {"ids then text", R"({"instances": [[1], "a"]})", "send either raw texts or token id lists"},
      {"object with two inputs", R"({"instances": [{"text": "a", "input_ids": [1]}]})", "exactly one input"},
      {"text field not string", R"({"instances": [{"text": 3}]})", "/instances/0/text must be a string"},
      {"unknown signature", R"({"signature_name": "other", "instances": []})", "'other' not found"},
      {"signature not string", R"({"signature_name": 1, "instances": []})", "/signature_name must be a string"},
      {"columnar unknown input", R"({"inputs": {"pixels": [1]}})", "/inputs must be a list of rows or an object"},
      {"columnar not list", R"({"inputs": {"text": "a"}})", "/inputs/text must be a list"},
      {"columnar id row not list", R"({"inputs": {"input_ids": [1]}})", "/inputs/input_ids/0 must be a list"},
      {"too many", R"({"instances": ["a", "b", "c"]})", "limit of 2"},
      {"too long", R"({"instances": ["abcdefghijk"]})", "limit of 10 bytes"},
      {"too many ids", R"({"instances": [[1, 2, 3, 4]]})", "limit of 3 per row"},
  };
  const RequestLimits limits{2, 10, 3};
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      parse_predict_request(c.body, limits);
      ADD_FAILURE() << "accepted: " << c.body;
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

TEST(ClassifyRequest, ParsesExamples) {
  EXPECT_EQ(parse_classify_request(R"({"examples": [{"text": "a"}, {"text": "bc"}], "context": {}})", {}),
            (std::vector<std::string>{"a", "bc"}));
}

TEST(ClassifyRequest, RejectsBadBodies) {
  const std::vector<BadCase> cases = {
      {"missing examples", R"({})", "missing field /examples"},
      {"examples not list", R"({"examples": {"text": "a"}})", "/examples must be an array"},
      {"example not object", R"({"examples": ["a"]})", "/examples/0 must be an object"},
      {"example without text", R"({"examples": [{"body": "a"}]})", "exactly one feature"},
      {"text not string", R"({"examples": [{"text": 1}]})", "/examples/0/text must be a string"},
      {"context with text", R"({"examples": [], "context": {"text": "a"}})", "/context must be an object"},
      {"unexpected field", R"({"examples": [], "instances": []})", "unexpected field /instances"},
      {"too many", R"({"examples": [{"text": "a"}, {"text": "b"}, {"text": "c"}]})", "limit of 2"},
  };
  const RequestLimits limits{2, 10, 3};
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      parse_classify_request(c.body, limits);
      ADD_FAILURE() << "accepted: " << c.body;
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace maas::serve
