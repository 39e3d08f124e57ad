// End to end: train a small model with the maas binary, then check `maas serve` over real HTTP
// on an ephemeral loopback port against `maas predict` for the same texts, and every error status.

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTexts = {
    "wts frostvein ore 20g each",
    "help pls stuck in the cave",
    "hello everyone",
    "uninstall noob",
    "",
    "我爱游戏 gg",
};

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    workspace_ = std::make_unique<TempDir>();
    const std::string run = workspace_->path() + "/run";
    const RunResult trained = run_maas({"train", MAAS_SOURCE_DIR "/configs/text.yaml", "--no-progress", "--set",
                                        "training.epochs=5", "--set", "output=" + run});
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
    model_ = run + "/model";
    repository_ = workspace_->path() + "/models";
    const RunResult exported = run_maas({"export", model_, "--output", repository_, "--name", "intents"});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "serve", "--model-dir", repository_, "--port", "0", "--max-body-bytes", "4096", "--max-text-bytes", "512"});
  }

  static void TearDownTestSuite() {
    server_.reset();
    workspace_.reset();
  }

  static httplib::Client client() {
    httplib::Client http("127.0.0.1", server_->port());
    http.set_connection_timeout(5);
    http.set_read_timeout(10);
    return http;
  }

  static httplib::Result post_predict(const std::string& body, const std::string& path = "/v1/models/intents:predict") {
    return client().Post(path.c_str(), body, "application/json");
  }

  static std::unique_ptr<TempDir> workspace_;
  static std::unique_ptr<ServerProcess> server_;
  static std::string model_;
  static std::string repository_;
};

std::unique_ptr<TempDir> ServeTest::workspace_;
std::unique_ptr<ServerProcess> ServeTest::server_;
std::string ServeTest::model_;
std::string ServeTest::repository_;

TEST_F(ServeTest, PredictMatchesCliPredict) {
  std::string input;
  for (const std::string& text : kTexts) input += text + "\n";
  const RunResult cli = run_maas({"predict", model_}, input);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;

  const auto response = post_predict(nlohmann::json{{"instances", kTexts}}.dump());
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->get_header_value("Content-Type"), "application/json");
  const auto predictions = nlohmann::json::parse(response->body).at("predictions");
  ASSERT_EQ(predictions.size(), kTexts.size());

  std::istringstream lines(cli.out);
  std::string line;
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    ASSERT_TRUE(std::getline(lines, line)) << "maas predict wrote fewer lines than inputs";
    const auto expected = nlohmann::json::parse(line).at("probabilities");
    ASSERT_EQ(predictions[i].size(), expected.size());
    std::size_t column = 0;
    float sum = 0.0f;
    for (const auto& [label, probability] : expected.items()) {
      EXPECT_NEAR(predictions[i][column].get<float>(), probability.get<float>(), 1e-6) << "text " << i << " label " << label;
      sum += predictions[i][column].get<float>();
      ++column;
    }
    EXPECT_NEAR(sum, 1.0f, 1e-5);
  }
}

TEST_F(ServeTest, VersionedPredictAndStatus) {
  const auto predict = post_predict(R"({"instances": ["hello"]})", "/v1/models/intents/versions/1:predict");
  ASSERT_TRUE(predict);
  EXPECT_EQ(predict->status, 200) << predict->body;

  const auto status = client().Get("/v1/models/intents");
  ASSERT_TRUE(status);
  ASSERT_EQ(status->status, 200);
  const auto body = nlohmann::json::parse(status->body);
  EXPECT_EQ(body["model_version_status"][0]["version"], "1");
  EXPECT_EQ(body["model_version_status"][0]["state"], "AVAILABLE");

  const auto health = client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(ServeTest, EmptyBatchReturnsEmptyPredictions) {
  const auto response = post_predict(R"({"instances": []})");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(nlohmann::json::parse(response->body), nlohmann::json::parse(R"({"predictions": []})"));
}

struct ErrorCase {
  const char* name;
  std::string path;
  std::string body;
  int status;
  const char* message_part;
};

TEST_F(ServeTest, BadRequestsGetJsonErrors) {
  const std::vector<ErrorCase> cases = {
      {"invalid JSON", "/v1/models/intents:predict", R"({"instances": [)", 400, "not valid JSON"},
      {"not an object", "/v1/models/intents:predict", R"(["hello"])", 400, "JSON object"},
      {"missing instances", "/v1/models/intents:predict", R"({"input": ["a"]})", 400, "/input"},
      {"instances not a list", "/v1/models/intents:predict", R"({"instances": "hello"})", 400, "/instances must be an array"},
      {"number instance", "/v1/models/intents:predict", R"({"instances": ["ok", 3]})", 400, "/instances/1"},
      {"NaN literal", "/v1/models/intents:predict", R"({"instances": [NaN]})", 400, "not valid JSON"},
      {"invalid UTF-8", "/v1/models/intents:predict", "{\"instances\": [\"\xff\xfe\"]}", 400, "not valid JSON"},
      {"text too long", "/v1/models/intents:predict", nlohmann::json{{"instances", {std::string(600, 'a')}}}.dump(), 400,
       "limit of 512 bytes"},
      {"body too large", "/v1/models/intents:predict", nlohmann::json{{"instances", {std::string(5000, 'a')}}}.dump(), 413,
       "too large"},
      {"unknown model", "/v1/models/nope:predict", R"({"instances": ["a"]})", 404, "model 'nope' not found"},
      {"unknown version", "/v1/models/intents/versions/7:predict", R"({"instances": ["a"]})", 404, "no version 7"},
      {"dot-dot name", "/v1/models/..:predict", R"({"instances": ["a"]})", 404, "no route"},
      {"unknown route", "/v1/other", R"({})", 404, "no route"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    const auto response = post_predict(c.body, c.path);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, c.status) << response->body;
    EXPECT_EQ(response->get_header_value("Content-Type"), "application/json");
    nlohmann::json body;
    ASSERT_NO_THROW(body = nlohmann::json::parse(response->body)) << response->body;
    ASSERT_TRUE(body.contains("error")) << response->body;
    EXPECT_NE(body["error"].get<std::string>().find(c.message_part), std::string::npos) << body["error"];
  }
  const auto health = client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(ServeTest, StatusOfUnknownModelIs404) {
  const auto response = client().Get("/v1/models/nope");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
}

TEST(ServeProcess, StopsCleanlyOnSigterm) {
  TempDir workspace;
  const std::string run = workspace.path() + "/run";
  const RunResult trained = run_maas({"train", MAAS_SOURCE_DIR "/configs/text.yaml", "--no-progress", "--set",
                                      "training.epochs=1", "--set", "output=" + run});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  ASSERT_EQ(run_maas({"export", run + "/model", "--output", workspace.path() + "/models"}).exit_code, 0);
  for (int signal : {SIGTERM, SIGINT}) {
    ServerProcess server({"serve", "--model-dir", workspace.path() + "/models", "--port", "0"});
    httplib::Client http("127.0.0.1", server.port());
    ASSERT_TRUE(http.Get("/healthz"));
    EXPECT_EQ(server.stop(signal), 0) << "signal " << signal;
  }
}

// Opens a loopback connection to `port` with 10 s send and receive timeouts; returns -1 on failure.
int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

TEST_F(ServeTest, FinishesRequestInFlightOnSigterm) {
  ServerProcess server({"serve", "--model-dir", repository_, "--port", "0", "--poll-seconds", "0"});
  const int fd = connect_loopback(server.port());
  ASSERT_GE(fd, 0);
  const std::string body = R"({"instances": ["wts frostvein ore", "hello everyone"]})";
  const std::string head = "POST /v1/models/intents:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  // Half the body is sent, so the request is in progress when the signal arrives.
  ASSERT_TRUE(send_all(fd, head + body.substr(0, 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // stop() sends SIGTERM and waits for the exit, which needs the rest of the body first.
  std::future<int> exit_code = std::async(std::launch::async, [&] { return server.stop(SIGTERM, std::chrono::seconds(20)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const bool sent = send_all(fd, body.substr(10));
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  EXPECT_EQ(exit_code.get(), 0);
  ASSERT_TRUE(sent);
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  const auto json_start = response.find("\r\n\r\n");
  ASSERT_NE(json_start, std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(response.substr(json_start + 4))["predictions"].size(), 2u);
}

TEST_F(ServeTest, ApiKeyFromEnvironment) {
  const std::string key = "e2e-key-0123456789abcdef";
  ::setenv("MAAS_API_KEYS", key.c_str(), 1);
  ServerProcess server({"serve", "--model-dir", repository_, "--port", "0", "--poll-seconds", "0"});
  ::unsetenv("MAAS_API_KEYS");
  httplib::Client http("127.0.0.1", server.port());
  http.set_read_timeout(10);
  const auto denied = http.Post("/v1/models/intents:predict", R"({"instances": ["a"]})", "application/json");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  const auto allowed = http.Post("/v1/models/intents:predict", {{"Authorization", "Bearer " + key}},
                                 R"({"instances": ["a"]})", "application/json");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(http.Get("/healthz")->status, 200);
  std::ifstream log(server.stderr_path());
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(key), std::string::npos) << "the API key appears in the log";
}

TEST(ServeProcess, RejectsFolderWithoutModels) {
  TempDir empty;
  const RunResult result = run_maas({"serve", "--model-dir", empty.path(), "--port", "0"}, "", std::chrono::seconds(30));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("no loadable model"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace maas::testing
