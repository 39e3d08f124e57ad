#include "core/serve/predict_request.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::serve {
namespace {

TEST(PredictRequest, ParsesInstances) {
  const auto texts = parse_predict_request(R"({"instances": ["hello", "", "我爱游戏"]})", {});
  EXPECT_EQ(texts, (std::vector<std::string>{"hello", "", "我爱游戏"}));
}

TEST(PredictRequest, AcceptsSignatureName) {
  EXPECT_EQ(parse_predict_request(R"({"signature_name": "serving_default", "instances": ["a"]})", {}).size(), 1u);
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
      {"instances object", R"({"instances": {"a": 1}})", "/instances must be an array"},
      {"nested list", R"({"instances": [["a"]]})", "/instances/0 must be a string"},
      {"null instance", R"({"instances": ["a", null]})", "/instances/1 must be a string"},
      {"too many", R"({"instances": ["a", "b", "c"]})", "limit of 2"},
      {"too long", R"({"instances": ["abcdefghijk"]})", "limit of 10 bytes"},
  };
  const RequestLimits limits{2, 10};
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

}  // namespace
}  // namespace maas::serve
