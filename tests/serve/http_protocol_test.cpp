// HTTP framing and connection handling against an in-process server on an ephemeral loopback
// port, with raw requests that an HTTP client library would not send: ambiguous or invalid body
// lengths, malformed request lines, wrong methods and clients that go silent.

#include <memory>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/serve/http_framing.h"
#include "core/serve/listen_address.h"
#include "tests/serve/serve_fixture.h"

namespace maas::serve {
namespace {

class HttpProtocolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repository_ = std::make_unique<testing::ScratchDir>();
    testing::publish_version(repository_->path(), "intents", 1);
    ServerOptions options;
    options.max_body_bytes = 4096;
    server_ = std::make_unique<testing::TestServer>(repository_->path(), options);
  }
  static void TearDownTestSuite() {
    server_.reset();
    repository_.reset();
  }
  static std::unique_ptr<testing::ScratchDir> repository_;
  static std::unique_ptr<testing::TestServer> server_;
};

std::unique_ptr<testing::ScratchDir> HttpProtocolTest::repository_;
std::unique_ptr<testing::TestServer> HttpProtocolTest::server_;

struct RawCase {
  const char* name;
  std::string request;
  int status;
  const char* message_part;
};

// Every row must be answered from the headers alone: the client waits 5 s at most, less than
// the server's 10 s read timeout, so a server that waits for body bytes fails the row.
TEST_F(HttpProtocolTest, RawRequestsGetPromptJsonErrors) {
  const std::string predict = "POST /v1/models/intents:predict HTTP/1.1\r\nHost: x\r\n";
  const std::string body = R"({"instances": ["hi"]})";
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  const std::vector<RawCase> cases = {
      {"valid request", predict + length + "\r\n" + body, 200, ""},
      {"two Content-Length", predict + length + length + "\r\n" + body, 400, "2 Content-Length headers"},
      {"two different Content-Length", predict + length + "Content-Length: 3\r\n\r\n" + body, 400,
       "2 Content-Length headers"},
      {"Content-Length with chunked", predict + length + "Transfer-Encoding: chunked\r\n\r\n" + body, 400,
       "both Content-Length and Transfer-Encoding"},
      {"unknown Transfer-Encoding", predict + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501,
       "Transfer-Encoding 'gzip, chunked' is not supported"},
      {"negative Content-Length", predict + "Content-Length: -1\r\n\r\n", 400, "not a non-negative decimal"},
      {"non-numeric Content-Length", predict + "Content-Length: 12abc\r\n\r\n", 400, "not a non-negative decimal"},
      {"Content-Length over the limit", predict + "Content-Length: 999999999\r\n\r\n", 413, "the limit is 4096 bytes"},
      {"Content-Length overflowing 64 bits", predict + "Content-Length: 99999999999999999999999\r\n\r\n", 413,
       "the limit is 4096 bytes"},
      {"POST without length", predict + "\r\n", 411, "needs a Content-Length"},
      {"unknown method", "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method 'BREW' is not supported"},
      {"HTTP/0.9 request line", "GET /healthz\r\n\r\n", 400, "invalid request line"},
      {"HTTP/2.0 version", "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP version 'HTTP/2.0'"},
      {"1 MB header line", "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n", 400,
       "invalid request headers"},
      {"invalid chunk size", predict + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400,
       "failed to read the request body"},
      {"GET on predict", "GET /v1/models/intents:predict HTTP/1.1\r\nHost: x\r\n\r\n", 405,
       "method GET is not allowed"},
      {"version 0", "GET /v1/models/intents/versions/0 HTTP/1.1\r\nHost: x\r\n\r\n", 404, "no version 0"},
      {"version 00", "POST /v1/models/intents/versions/00:predict HTTP/1.1\r\nHost: x\r\n" + length + "\r\n" + body,
       404, "no version 0"},
  };
  for (const RawCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string response = testing::raw_exchange(server_->port(), c.request);
    ASSERT_EQ(testing::raw_status(response), c.status) << response.substr(0, 400);
    const std::size_t body_start = response.find("\r\n\r\n");
    ASSERT_NE(body_start, std::string::npos);
    nlohmann::json json;
    ASSERT_NO_THROW(json = nlohmann::json::parse(response.substr(body_start + 4))) << response.substr(0, 400);
    if (c.status != 200) {
      ASSERT_TRUE(json.contains("error")) << json;
      EXPECT_NE(json["error"].get<std::string>().find(c.message_part), std::string::npos) << json["error"];
    }
  }
}

TEST_F(HttpProtocolTest, MethodNotAllowedListsAllow) {
  const std::string response =
      testing::raw_exchange(server_->port(), "DELETE /v2/models/intents/infer HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(testing::raw_status(response), 405) << response;
  EXPECT_NE(response.find("Allow: POST\r\n"), std::string::npos) << response;
}

TEST_F(HttpProtocolTest, RejectedBodyClosesConnection) {
  // The second request in the same write must not be read from the unread body of the first.
  const std::string request = "POST /v1/models/intents:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                              "Content-Length: 6\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string response = testing::raw_exchange(server_->port(), request);
  EXPECT_EQ(testing::raw_status(response), 400) << response;
  EXPECT_NE(response.find("Connection: close\r\n"), std::string::npos) << response;
}

TEST_F(HttpProtocolTest, SilentClientsDoNotStarveHealthz) {
  // 100 silent clients, each holding a connection with half a request or nothing at all.
  std::vector<std::unique_ptr<testing::IdleConnection>> idle;
  for (int i = 0; i < 100; ++i) {
    const std::string partial = i % 2 == 0 ? "GET /healthz HTTP/1.1\r\nHost: x\r\n" : "";
    idle.push_back(std::make_unique<testing::IdleConnection>(server_->port(), partial));
  }
  const std::string response = testing::raw_exchange(server_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(testing::raw_status(response), 200) << response;
}

TEST(CheckBodyFraming, AcceptsValidLengths) {
  struct Case {
    const char* name;
    std::string method;
    httplib::Headers headers;
  };
  const std::vector<Case> cases = {
      {"length at the limit", "POST", {{"Content-Length", "100"}}},
      {"leading zeros", "POST", {{"Content-Length", "000100"}}},
      {"zero length", "POST", {{"Content-Length", "0"}}},
      {"chunked", "POST", {{"Transfer-Encoding", "chunked"}}},
      {"chunked in capitals", "POST", {{"Transfer-Encoding", "Chunked"}}},
      {"GET without length", "GET", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    httplib::Request req;
    req.method = c.method;
    req.headers = c.headers;
    EXPECT_FALSE(check_body_framing(req, 100).has_value());
  }
}

TEST(CheckBodyFraming, RejectsAmbiguousOrOversizedLengths) {
  struct Case {
    const char* name;
    httplib::Headers headers;
    int status;
  };
  const std::vector<Case> cases = {
      {"one over the limit", {{"Content-Length", "101"}}, 413},
      {"longer than the limit", {{"Content-Length", "1000"}}, 413},
      {"past 64 bits", {{"Content-Length", "184467440737095516160"}}, 413},
      {"negative", {{"Content-Length", "-5"}}, 400},
      {"plus sign", {{"Content-Length", "+5"}}, 400},
      {"empty", {{"Content-Length", ""}}, 400},
      {"two values", {{"Content-Length", "5"}, {"Content-Length", "5"}}, 400},
      {"length and chunked", {{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}}, 400},
      {"two encodings", {{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}, 501},
      {"gzip", {{"Transfer-Encoding", "gzip"}}, 501},
      {"no length", {}, 411},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    httplib::Request req;
    req.method = "POST";
    req.headers = c.headers;
    const auto error = check_body_framing(req, 100);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->status, c.status) << error->message;
  }
}

TEST(ListenAddress, FormatsUrlsAndRejectsInvalidHosts) {
  EXPECT_EQ(format_url("http", "127.0.0.1", 8080), "http://127.0.0.1:8080");
  EXPECT_EQ(format_url("https", "::1", 443), "https://[::1]:443");
  EXPECT_EQ(format_address("0.0.0.0", 1), "0.0.0.0:1");
  EXPECT_NO_THROW(check_listen_host("127.0.0.1"));
  EXPECT_NO_THROW(check_listen_host("::1"));
  EXPECT_THROW(check_listen_host("999.1.1.1"), InvalidArgument);
  EXPECT_THROW(check_listen_host("1.2.3.4.5"), InvalidArgument);
}

TEST_F(HttpProtocolTest, SecondServerOnSamePortFails) {
  auto metrics = std::make_shared<Metrics>();
  auto repository = make_repository(repository_->path(), {}, metrics);
  ServerOptions options;
  options.port = server_->port();
  Server second(options, repository, metrics);
  try {
    second.bind();
    FAIL() << "a second server bound port " << server_->port();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("already in use"), std::string::npos) << e.what();
  }
  EXPECT_EQ(probe_bind_failure("127.0.0.1", server_->port()), "the port is already in use by another process");
}

TEST_F(HttpProtocolTest, InvalidHostIsNamed) {
  auto metrics = std::make_shared<Metrics>();
  auto repository = make_repository(repository_->path(), {}, metrics);
  ServerOptions options;
  options.host = "999.1.1.1";
  options.port = 0;
  Server server(options, repository, metrics);
  try {
    server.bind();
    FAIL() << "bound to 999.1.1.1";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("'999.1.1.1' is not a valid IP address"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace maas::serve
