// The HTTP API against an in-process server on an ephemeral loopback port: every endpoint's happy
// path, bad inputs with their statuses and JSON errors, and the agreement of the routes with the
// OpenAPI document.

#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/serve/openapi.h"
#include "core/serve/routes.h"
#include "tests/serve/serve_fixture.h"

namespace maas::serve {
namespace {

nlohmann::json parse_json_response(const httplib::Result& response) {
  EXPECT_EQ(response->get_header_value("Content-Type"), "application/json") << response->body;
  return nlohmann::json::parse(response->body);  // strict: throws on NaN, trailing text or invalid UTF-8
}

class HttpApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repository_ = std::make_unique<testing::ScratchDir>();
    testing::publish_version(repository_->path(), "intents", 1);
    testing::publish_version(repository_->path(), "intents", 2);
    std::ofstream(repository_->path() / "models.yaml") << "models: {intents: {version_policy: all}}\n";
    ServerOptions options;
    options.max_body_bytes = 4096;
    options.max_text_bytes = 512;
    options.max_instances = 8;
    server_ = std::make_unique<testing::TestServer>(repository_->path(), options);
  }
  static void TearDownTestSuite() {
    server_.reset();
    repository_.reset();
  }
  static httplib::Result post(const std::string& path, const std::string& body) {
    return server_->client().Post(path.c_str(), body, "application/json");
  }
  static httplib::Result get(const std::string& path) { return server_->client().Get(path.c_str()); }

  static std::unique_ptr<testing::ScratchDir> repository_;
  static std::unique_ptr<testing::TestServer> server_;
};

std::unique_ptr<testing::ScratchDir> HttpApiTest::repository_;
std::unique_ptr<testing::TestServer> HttpApiTest::server_;

TEST_F(HttpApiTest, PredictRowAndColumnarAgree) {
  const auto rows = post("/v1/models/intents:predict", R"({"instances": ["wts ore", "hello"]})");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->status, 200) << rows->body;
  const auto columnar = post("/v1/models/intents/versions/1:predict", R"({"inputs": {"text": ["wts ore", "hello"]}})");
  ASSERT_TRUE(columnar);
  ASSERT_EQ(columnar->status, 200) << columnar->body;
  const auto predictions = parse_json_response(rows)["predictions"];
  const auto outputs = parse_json_response(columnar)["outputs"];
  ASSERT_EQ(predictions.size(), 2u);
  ASSERT_EQ(predictions[0].size(), 6u);
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t c = 0; c < 6; ++c) EXPECT_NEAR(predictions[i][c].get<double>(), outputs[i][c].get<double>(), 1e-6);
  }
}

TEST_F(HttpApiTest, ClassifyReturnsLabelsWithScores) {
  const auto response = post("/v1/models/intents:classify", R"({"examples": [{"text": "gg ez noob"}]})");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const auto results = parse_json_response(response)["results"];
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(results[0].size(), 6u);
  EXPECT_EQ(results[0][0][0], "attack");
  double sum = 0;
  for (const auto& pair : results[0]) sum += pair[1].get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-5);
}

TEST_F(HttpApiTest, StatusAndMetadata) {
  const auto status = parse_json_response(get("/v1/models/intents"));
  ASSERT_EQ(status["model_version_status"].size(), 2u);
  EXPECT_EQ(status["model_version_status"][1]["version"], "2");
  EXPECT_EQ(status["model_version_status"][1]["state"], "AVAILABLE");
  EXPECT_EQ(parse_json_response(get("/v1/models/intents/versions/1"))["model_version_status"].size(), 1u);

  const auto metadata = parse_json_response(get("/v1/models/intents/versions/1/metadata"));
  EXPECT_EQ(metadata["model_spec"]["version"], "1");
  EXPECT_EQ(metadata["labels"].size(), 6u);
  EXPECT_EQ(metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]["outputs"]["probabilities"]
                    ["dtype"],
            "DT_FLOAT");
  EXPECT_EQ(parse_json_response(get("/v1/models/intents/metadata"))["model_spec"]["version"], "2");

  const auto list = parse_json_response(get("/v1/models"));
  ASSERT_EQ(list["models"].size(), 1u);
  EXPECT_EQ(list["models"][0]["name"], "intents");
  EXPECT_EQ(list["models"][0]["versions"], nlohmann::json({"1", "2"}));
  EXPECT_EQ(list["models"][0]["labels"].size(), 6u);
}

TEST_F(HttpApiTest, V2HealthMetadataAndInfer) {
  EXPECT_EQ(parse_json_response(get("/v2/health/live"))["live"], true);
  EXPECT_EQ(parse_json_response(get("/v2/health/ready"))["ready"], true);
  EXPECT_EQ(parse_json_response(get("/v2"))["name"], "maas");
  const auto metadata = parse_json_response(get("/v2/models/intents"));
  EXPECT_EQ(metadata["versions"], nlohmann::json({"1", "2"}));
  EXPECT_EQ(metadata["outputs"][0]["shape"], nlohmann::json({-1, 6}));
  EXPECT_EQ(parse_json_response(get("/v2/models/intents/versions/1/ready"))["ready"], true);
  EXPECT_EQ(parse_json_response(get("/v2/models/intents/ready"))["ready"], true);

  const auto response = post("/v2/models/intents/versions/2/infer",
                             R"({"id": "req-7", "inputs": [{"name": "text", "shape": [2], "datatype": "BYTES",
                                                            "data": ["wts ore", "hello"]}]})");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const auto body = parse_json_response(response);
  EXPECT_EQ(body["id"], "req-7");
  EXPECT_EQ(body["model_name"], "intents");
  EXPECT_EQ(body["model_version"], "2");
  ASSERT_EQ(body["outputs"].size(), 2u);
  EXPECT_EQ(body["outputs"][0]["name"], "probabilities");
  EXPECT_EQ(body["outputs"][0]["datatype"], "FP32");
  EXPECT_EQ(body["outputs"][0]["shape"], nlohmann::json({2, 6}));
  EXPECT_EQ(body["outputs"][0]["data"].size(), 12u);
  EXPECT_EQ(body["outputs"][1]["datatype"], "BYTES");
  EXPECT_EQ(body["outputs"][1]["shape"], nlohmann::json({2}));

  // The same texts through TF Serving's API give the same probabilities.
  const auto tf = parse_json_response(
      post("/v1/models/intents/versions/2:predict", R"({"instances": ["wts ore", "hello"]})"))["predictions"];
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_NEAR(body["outputs"][0]["data"][i].get<double>(), tf[i / 6][i % 6].get<double>(), 1e-6);
  }
}

TEST_F(HttpApiTest, TokenIdsInBothProtocols) {
  const auto v2 = post("/v2/models/intents/infer", R"({"inputs": [{"name": "input_ids", "shape": [1, 3],
                                                        "datatype": "INT32", "data": [3, 4, 5]}],
                                                        "outputs": [{"name": "probabilities"}]})");
  ASSERT_TRUE(v2);
  ASSERT_EQ(v2->status, 200) << v2->body;
  const auto tf = post("/v1/models/intents:predict", R"({"instances": [[3, 4, 5]]})");
  ASSERT_TRUE(tf);
  ASSERT_EQ(tf->status, 200) << tf->body;
  const auto v2_body = parse_json_response(v2);
  ASSERT_EQ(v2_body["outputs"].size(), 1u);
  const auto tf_row = parse_json_response(tf)["predictions"][0];
  for (std::size_t c = 0; c < 6; ++c) {
    EXPECT_NEAR(v2_body["outputs"][0]["data"][c].get<double>(), tf_row[c].get<double>(), 1e-6);
  }
}

TEST_F(HttpApiTest, EmptyBatchesReturnEmptyResults) {
  EXPECT_EQ(parse_json_response(post("/v1/models/intents:predict", R"({"instances": []})")),
            nlohmann::json::parse(R"({"predictions": []})"));
  EXPECT_EQ(parse_json_response(post("/v1/models/intents:classify", R"({"examples": []})")),
            nlohmann::json::parse(R"({"results": []})"));
  const auto v2 = parse_json_response(
      post("/v2/models/intents/infer", R"({"inputs": [{"name": "t", "shape": [0], "datatype": "BYTES", "data": []}]})"));
  EXPECT_EQ(v2["outputs"][0]["shape"], nlohmann::json({0, 6}));
  EXPECT_EQ(v2["outputs"][0]["data"], nlohmann::json::array());
}

struct ErrorCase {
  const char* name;
  std::string method;
  std::string path;
  std::string body;
  int status;
  const char* message_part;
};

TEST_F(HttpApiTest, BadRequestsGetJsonErrors) {
  const std::string predict = "/v1/models/intents:predict";
  const std::string infer = "/v2/models/intents/infer";
  const std::vector<ErrorCase> cases = {
      {"invalid JSON", "POST", predict, R"({"instances": [)", 400, "not valid JSON"},
      {"NaN literal", "POST", predict, R"({"instances": [NaN]})", 400, "not valid JSON"},
      {"invalid UTF-8", "POST", predict, "{\"instances\": [\"\xff\xfe\"]}", 400, "not valid JSON"},
      {"wrong field type", "POST", predict, R"({"instances": "hello"})", 400, "/instances must be an array"},
      {"over-long text", "POST", predict, nlohmann::json{{"instances", {std::string(600, 'a')}}}.dump(), 400,
       "limit of 512 bytes"},
      {"too many rows", "POST", predict, R"({"instances": ["1","2","3","4","5","6","7","8","9"]})", 400, "limit of 8"},
      {"id outside vocabulary", "POST", predict, R"({"instances": [[99999999]]})", 400, "outside the model's vocabulary"},
      {"negative id", "POST", predict, R"({"instances": [[-1]]})", 400, "outside the model's vocabulary"},
      {"v2 wrong shape", "POST", infer,
       R"({"inputs": [{"name": "t", "shape": [2], "datatype": "BYTES", "data": ["a"]}]})", 400, "needs 2"},
      {"v2 wrong datatype", "POST", infer,
       R"({"inputs": [{"name": "t", "shape": [1], "datatype": "FP32", "data": [1.0]}]})", 400, "'FP32' is not supported"},
      {"v2 unknown output", "POST", infer,
       R"({"inputs": [{"name": "t", "shape": [1], "datatype": "BYTES", "data": ["a"]}], "outputs": [{"name": "x"}]})",
       400, "unknown output 'x'"},
      {"classify wrong shape", "POST", "/v1/models/intents:classify", R"({"examples": ["a"]})", 400,
       "/examples/0 must be an object"},
      {"body too large", "POST", predict, nlohmann::json{{"instances", {std::string(5000, 'a')}}}.dump(), 413,
       "limit is 4096 bytes"},
      {"unknown model", "POST", "/v1/models/nope:predict", R"({"instances": ["a"]})", 404, "model 'nope' not found"},
      {"unknown version", "POST", "/v1/models/intents/versions/7:predict", R"({"instances": ["a"]})", 404,
       "no version 7"},
      {"v2 unknown model", "POST", "/v2/models/nope/infer", "{}", 404, "model 'nope' not found"},
      {"unknown model status", "GET", "/v1/models/nope", "", 404, "model 'nope' not found"},
      {"unknown version status", "GET", "/v1/models/intents/versions/9", "", 404, "no version 9"},
      {"unknown v2 version", "GET", "/v2/models/intents/versions/9/ready", "", 404, "no version 9"},
      {"dot-dot name", "POST", "/v1/models/..:predict", R"({"instances": ["a"]})", 404, "no route"},
      {"encoded dot-dot", "POST", "/v1/models/%2e%2e:predict", R"({"instances": ["a"]})", 404, "no route"},
      {"slash in name", "GET", "/v1/models/intents/../../etc", "", 404, "no route"},
      {"hidden name", "GET", "/v2/models/.intents", "", 404, "no route"},
      {"version not numeric", "GET", "/v1/models/intents/versions/-1", "", 404, "no route"},
      {"version too long", "GET", "/v1/models/intents/versions/1234567890123456789", "", 404, "no route"},
      {"unknown route", "POST", "/v1/other", "{}", 404, "no route"},
      {"wrong method", "GET", predict, "", 405, "method GET is not allowed"},
      {"number out of double range", "POST", predict, R"({"instances": [1e400]})", 400, "not valid JSON"},
      {"duplicate key", "POST", predict, R"({"instances": ["a"], "instances": [[1]]})", 400,
       "key \"instances\" twice"},
      {"duplicate nested key", "POST", predict, R"({"instances": [{"text": "a", "text": "b"}]})", 400,
       "key \"text\" twice"},
      {"version 0", "POST", "/v1/models/intents/versions/0:predict", R"({"instances": ["a"]})", 404, "no version 0"},
      {"version 00 status", "GET", "/v1/models/intents/versions/00", "", 404, "no version 0"},
      {"v2 version 0", "POST", "/v2/models/intents/versions/0/infer", "{}", 404, "no version 0"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    const auto response = c.method == "GET" ? get(c.path) : post(c.path, c.body);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, c.status) << response->body;
    nlohmann::json body;
    ASSERT_NO_THROW(body = parse_json_response(response)) << response->body;
    ASSERT_TRUE(body.contains("error")) << response->body;
    EXPECT_NE(body["error"].get<std::string>().find(c.message_part), std::string::npos) << body["error"];
  }
  EXPECT_EQ(get("/healthz")->status, 200);
}

TEST_F(HttpApiTest, OversizedBodiesGet413) {
  const std::string big = nlohmann::json{{"instances", {std::string(5000, 'a')}}}.dump();
  // Without a Content-Type header.
  const auto plain = server_->client().Post("/v1/models/intents:predict", big, "");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 413);
  EXPECT_NO_THROW(parse_json_response(plain));
  // Chunked: the size is only known while reading.
  std::size_t sent = 0;
  const auto chunked = server_->client().Post(
      "/v1/models/intents:predict",
      [&](std::size_t, httplib::DataSink& sink) {
        if (sent < big.size()) {
          const std::size_t n = std::min<std::size_t>(1000, big.size() - sent);
          sink.write(big.data() + sent, n);
          sent += n;
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413) << chunked->body;
  EXPECT_NO_THROW(parse_json_response(chunked));
  EXPECT_EQ(get("/healthz")->status, 200);
}

TEST_F(HttpApiTest, ChunkedBodyWithinLimitIsServed) {
  const std::string body = R"({"instances": ["wts ore"]})";
  bool done = false;
  const auto response = server_->client().Post(
      "/v1/models/intents:predict",
      [&](std::size_t, httplib::DataSink& sink) {
        if (!done) {
          sink.write(body.data(), body.size());
          done = true;
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
}

TEST_F(HttpApiTest, MetricsCountRequests) {
  ASSERT_EQ(post("/v1/models/intents/versions/1:predict", R"({"instances": ["a", "b"]})")->status, 200);
  // The server counts a request after sending its response, so the count can trail the client by
  // a moment; poll a bounded number of times.
  const std::string counted = R"(maas_requests_total{model="intents",version="1",code="200"})";
  httplib::Result response = get("/metrics");
  for (int attempt = 0; attempt < 200 && response && response->body.find(counted) == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    response = get("/metrics");
  }
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* part : {R"(maas_requests_total{model="intents",version="1",code="200"})",
                           R"(maas_batch_size_bucket{model="intents",version="1",le="2"})",
                           R"(maas_queue_duration_seconds_count{model="intents",version="1"})",
                           R"(maas_model_loads_total{model="intents",result="success"} 2)",
                           R"(maas_model_versions_loaded{model="intents"} 2)"}) {
    EXPECT_NE(response->body.find(part), std::string::npos) << part;
  }
}

TEST_F(HttpApiTest, RequestIdIsReturned) {
  httplib::Headers headers = {{"X-Request-Id", "abc-123"}};
  const auto echoed = server_->client().Get("/healthz", headers);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->get_header_value("X-Request-Id"), "abc-123");
  const auto generated = get("/healthz");
  EXPECT_EQ(generated->get_header_value("X-Request-Id").size(), 16u);
}

TEST_F(HttpApiTest, HomePageIsHtml) {
  const auto response = get("/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type").rfind("text/html", 0), 0u);
}

// Replaces each {parameter} of an OpenAPI path with a model and version the test server has loaded.
std::string example_path(std::string path) {
  path = std::regex_replace(path, std::regex(R"(\{name\})"), "intents");
  return std::regex_replace(path, std::regex(R"(\{version\})"), "1");
}

TEST_F(HttpApiTest, RoutesMatchOpenApiDocument) {
  std::ifstream file(MAAS_SOURCE_DIR "/docs/openapi.json");
  ASSERT_TRUE(file) << "docs/openapi.json is missing";
  const nlohmann::json document = nlohmann::json::parse(file);
  EXPECT_EQ(nlohmann::json::parse(openapi_document()), document)
      << "the compiled-in OpenAPI document differs from docs/openapi.json; re-run cmake";
  EXPECT_EQ(parse_json_response(get("/openapi.json")), document);

  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.emplace(upper, path);
    }
  }
  std::set<std::pair<std::string, std::string>> served;
  for (const Route& route : routes()) served.emplace(std::string(route.method), std::string(route.path));
  EXPECT_EQ(served, documented);

  // Every documented route reaches its handler, not the "no route" fallback.
  for (const auto& [method, path] : documented) {
    SCOPED_TRACE(method + " " + path);
    const std::string url = example_path(path);
    EXPECT_TRUE(std::regex_match(url, std::regex(std::string([&] {
      for (const Route& route : routes()) {
        if (route.method == method && route.path == path) return route.pattern;
      }
      return std::string_view("^$");
    }()))));
    const auto response = method == "GET" ? get(url) : post(url, "{}");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body.find("no route"), std::string::npos) << response->body;
  }
}

}  // namespace
}  // namespace maas::serve
