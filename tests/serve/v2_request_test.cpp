#include "core/serve/v2_request.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::serve {
namespace {

TEST(V2InferRequest, ParsesBytesInput) {
  const V2InferRequest request = parse_v2_infer_request(
      R"({"id": "r1", "inputs": [{"name": "text", "shape": [2], "datatype": "BYTES", "data": ["a", "b"]}]})", {});
  EXPECT_EQ(request.id, "r1");
  EXPECT_EQ(request.input.texts, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(request.want_probabilities);
  EXPECT_TRUE(request.want_label);
}

TEST(V2InferRequest, ParsesNestedBytesAndOutputs) {
  const V2InferRequest request = parse_v2_infer_request(
      R"({"inputs": [{"name": "t", "shape": [2, 1], "datatype": "BYTES", "data": [["a"], ["b"]]}],
          "outputs": [{"name": "label"}]})",
      {});
  EXPECT_FALSE(request.id.has_value());
  EXPECT_EQ(request.input.texts, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(request.want_probabilities);
  EXPECT_TRUE(request.want_label);
}

TEST(V2InferRequest, ParsesIntIdsFlatAndNested) {
  for (const char* datatype : {"INT32", "INT64"}) {
    SCOPED_TRACE(datatype);
    for (const char* data : {"[1, 2, 3, 4, 5, 6]", "[[1, 2, 3], [4, 5, 6]]"}) {
      const V2InferRequest request = parse_v2_infer_request(
          std::string(R"({"inputs": [{"name": "ids", "shape": [2, 3], "datatype": ")") + datatype +
              R"(", "data": )" + data + "}]}",
          {});
      ASSERT_TRUE(request.input.tokenized);
      EXPECT_EQ(request.input.ids, (std::vector<std::int32_t>{1, 2, 3, 4, 5, 6}));
      EXPECT_EQ(request.input.id_offsets, (std::vector<std::size_t>{0, 3, 6}));
    }
  }
}

TEST(V2InferRequest, EmptyBatchHasNoRows) {
  const V2InferRequest request =
      parse_v2_infer_request(R"({"inputs": [{"name": "text", "shape": [0], "datatype": "BYTES", "data": []}]})", {});
  EXPECT_EQ(request.input.rows(), 0u);
}

struct BadCase {
  const char* name;
  std::string body;
  const char* message_part;
};

std::string tensor(const std::string& shape, const std::string& datatype, const std::string& data) {
  return R"({"inputs": [{"name": "x", "shape": )" + shape + R"(, "datatype": ")" + datatype + R"(", "data": )" + data +
         "}]}";
}

TEST(V2InferRequest, RejectsBadBodies) {
  const std::vector<BadCase> cases = {
      {"invalid JSON", "{", "not valid JSON"},
      {"NaN", tensor("[1]", "INT32", "[NaN]"), "not valid JSON"},
      {"missing inputs", R"({"id": "a"})", "missing field /inputs"},
      {"two inputs", R"({"inputs": [{}, {}]})", "exactly one input tensor, got 2 tensors"},
      {"inputs object", R"({"inputs": {}})", "exactly one input tensor, got object"},
      {"missing data", R"({"inputs": [{"name": "x", "shape": [1], "datatype": "BYTES"}]})", "missing field /inputs/0/data"},
      {"id not string", R"({"id": 3, "inputs": []})", "/id must be a string"},
      {"unknown top field", R"({"inputs": [], "extra": 1})", "unexpected field /extra"},
      {"binary extension", R"({"inputs": [{"name": "x", "shape": [1], "datatype": "BYTES", "data": ["a"],
                                           "binary_data_size": 4}]})", "binary tensor data is not supported"},
      {"unknown datatype", tensor("[1]", "FP32", "[1.0]"), "datatype 'FP32' is not supported"},
      {"shape not list", tensor("2", "BYTES", R"(["a", "b"])"), "/inputs/0/shape must be a list"},
      {"negative dim", tensor("[-1]", "BYTES", R"(["a"])"), "/inputs/0/shape/0 must be a non-negative integer"},
      {"rank 3", tensor("[1, 1, 1]", "BYTES", R"(["a"])"), "1 or 2 dimensions"},
      {"bytes second dim", tensor("[1, 2]", "BYTES", R"(["a", "b"])"), "expected [N] or [N, 1]"},
      {"count too small", tensor("[2]", "BYTES", R"(["a"])"), "contains 1 elements but shape [2] needs 2"},
      {"count too large", tensor("[1]", "BYTES", R"(["a", "b"])"), "more than the 1 elements"},
      {"bytes not string", tensor("[1]", "BYTES", "[7]"), "/inputs/0/data/0 must be a string"},
      {"ids rank 1", tensor("[3]", "INT32", "[1, 2, 3]"), "must be [N, L]"},
      {"ids count", tensor("[2, 2]", "INT32", "[1, 2, 3]"), "contains 3 elements but shape [2,2] needs 4"},
      {"ids float", tensor("[1, 1]", "INT64", "[1.5]"), "must be a token id that fits in INT32, got 1.5"},
      {"ids overflow", tensor("[1, 1]", "INT64", "[3000000000]"), "fits in INT32"},
      {"ids string", tensor("[1, 1]", "INT32", R"(["1"])"), "fits in INT32"},
      {"data not list", tensor("[1]", "BYTES", R"("a")"), "/inputs/0/data must be a list"},
      {"unknown output", R"({"inputs": [], "outputs": [{"name": "logits"}]})", "unknown output 'logits'"},
      {"too many rows", tensor("[3]", "BYTES", R"(["a", "b", "c"])"), "limit of 2 per request"},
      {"text too long", tensor("[1]", "BYTES", R"(["abcdefghijk"])"), "limit of 10 bytes"},
      {"row too long", tensor("[1, 4]", "INT32", "[1, 2, 3, 4]"), "limit of 3"},
  };
  const RequestLimits limits{2, 10, 3};
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      parse_v2_infer_request(c.body, limits);
      ADD_FAILURE() << "accepted: " << c.body;
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace maas::serve
