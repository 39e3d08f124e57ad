// API keys and TLS against an in-process server on an ephemeral loopback port.

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/serve/serve_fixture.h"

namespace maas::serve {
namespace {

namespace fs = std::filesystem;

constexpr const char* kKey = "test-key-0123456789abcdef";

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repository_ = std::make_unique<testing::ScratchDir>();
    testing::publish_version(repository_->path(), "intents", 1);
  }
  static void TearDownTestSuite() { repository_.reset(); }
  static std::unique_ptr<testing::ScratchDir> repository_;
};

std::unique_ptr<testing::ScratchDir> SecurityTest::repository_;

TEST_F(SecurityTest, ApiKeyRequiredExceptOnHealthRoutes) {
  ServerOptions options;
  options.api_keys = ApiKeys({kKey});
  testing::TestServer server(repository_->path(), options);
  const std::string body = R"({"instances": ["hello"]})";
  struct Case {
    const char* name;
    std::string method;
    std::string path;
    std::string authorization;
    int status;
  };
  const std::vector<Case> cases = {
      {"no key", "POST", "/v1/models/intents:predict", "", 401},
      {"wrong key", "POST", "/v1/models/intents:predict", "Bearer wrong-key-0123456789abcdef", 401},
      {"wrong scheme", "POST", "/v1/models/intents:predict", std::string("Basic ") + kKey, 401},
      {"right key", "POST", "/v1/models/intents:predict", std::string("Bearer ") + kKey, 200},
      {"v2 infer without key", "POST", "/v2/models/intents/infer", "", 401},
      {"metrics without key", "GET", "/metrics", "", 401},
      {"unknown route without key", "GET", "/nothing", "", 401},
      {"healthz", "GET", "/healthz", "", 200},
      {"v2 live", "GET", "/v2/health/live", "", 200},
      {"v2 ready", "GET", "/v2/health/ready", "", 200},
      {"home page", "GET", "/", "", 200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    httplib::Headers headers;
    if (!c.authorization.empty()) headers.emplace("Authorization", c.authorization);
    httplib::Client client = server.client();
    const auto response = c.method == "GET" ? client.Get(c.path.c_str(), headers)
                                            : client.Post(c.path.c_str(), headers, body, "application/json");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, c.status) << response->body;
    if (c.status == 401) {
      EXPECT_EQ(response->get_header_value("WWW-Authenticate"), R"(Bearer realm="maas")");
      EXPECT_NE(nlohmann::json::parse(response->body)["error"].get<std::string>().find("API key"), std::string::npos);
    }
  }
}

TEST_F(SecurityTest, NoKeysMeansNoAuthentication) {
  testing::TestServer server(repository_->path());
  const auto response = server.client().Post("/v1/models/intents:predict", R"({"instances": ["a"]})", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(SecurityTest, ServesHttpsWithCertificate) {
  testing::ScratchDir dir;
  const fs::path cert = dir.path() / "cert.pem";
  const fs::path key = dir.path() / "key.pem";
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                              "-addext subjectAltName=IP:127.0.0.1 -keyout '" + key.string() + "' -out '" +
                              cert.string() + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "the openssl command is not available to make a certificate";

  ServerOptions options;
  options.tls_cert = cert.string();
  options.tls_key = key.string();
  // TestServer's readiness check speaks plain HTTP, so this test runs the server itself.
  auto metrics = std::make_shared<Metrics>();
  auto repository = make_repository(repository_->path(), {}, metrics);
  repository->scan();
  options.port = 0;
  Server server(options, repository, metrics);
  const int port = server.bind();
  std::thread thread([&] { server.run(); });

  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(cert.string().c_str());
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  const auto response = client.Post("/v1/models/intents:predict", R"({"instances": ["a"]})", "application/json");
  const bool answered = static_cast<bool>(response);
  const int status = answered ? response->status : 0;

  httplib::Client plain("127.0.0.1", port);
  plain.set_connection_timeout(5);
  plain.set_read_timeout(5);
  const auto plain_response = plain.Get("/healthz");

  server.stop();
  thread.join();
  ASSERT_TRUE(answered) << httplib::to_string(response.error());
  EXPECT_EQ(status, 200);
  EXPECT_FALSE(plain_response && plain_response->status == 200) << "plain HTTP was served on the TLS port";
}

TEST_F(SecurityTest, RejectsInvalidTlsFiles) {
  testing::ScratchDir dir;
  const fs::path junk = dir.path() / "junk.pem";
  std::ofstream(junk) << "not a certificate";
  auto metrics = std::make_shared<Metrics>();
  auto repository = make_repository(repository_->path(), {}, metrics);
  ServerOptions only_cert;
  only_cert.tls_cert = junk.string();
  EXPECT_THROW(Server(only_cert, repository, metrics), InvalidArgument);
  ServerOptions junk_files;
  junk_files.tls_cert = junk.string();
  junk_files.tls_key = junk.string();
  EXPECT_THROW(Server(junk_files, repository, metrics), IoError);
  ServerOptions missing;
  missing.tls_cert = (dir.path() / "none.pem").string();
  missing.tls_key = missing.tls_cert;
  EXPECT_THROW(Server(missing, repository, metrics), IoError);
}

}  // namespace
}  // namespace maas::serve
