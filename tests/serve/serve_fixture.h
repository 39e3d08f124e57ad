#pragma once
// Shared set-up for the serve tests: a small model trained once per test binary with the maas
// binary, repositories built from it, and an in-process server on an ephemeral loopback port that
// is always stopped and joined.

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "core/serve/server.h"

namespace maas::serve::testing {

// A fresh folder under the system temp folder, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Returns the artifact folder of the quickstart intent model (6 labels), trained on first use.
// Throws std::runtime_error when training fails.
const std::filesystem::path& trained_model();

// Copies the trained model to repository/NAME/VERSION/ under a temporary name and renames it into
// place, as `maas export` publishes a version.
void publish_version(const std::filesystem::path& repository, const std::string& name, std::int64_t version);

// Sends `request` as raw bytes to 127.0.0.1:port and returns the first HTTP response (status line,
// headers and a Content-Length body), or what arrived before the peer closed or `timeout` passed.
// For malformed requests that an HTTP client library cannot produce.
std::string raw_exchange(int port, const std::string& request, std::chrono::seconds timeout = std::chrono::seconds(5));

// Returns the status code of a raw response like "HTTP/1.1 404 Not Found", or 0 when it has none.
int raw_status(const std::string& response);

// Opens a loopback connection to `port` and sends `bytes` without reading; the socket stays open
// until the object is destroyed. Models a client that starts a request and goes silent.
class IdleConnection {
 public:
  IdleConnection(int port, const std::string& bytes);
  ~IdleConnection();
  IdleConnection(const IdleConnection&) = delete;
  IdleConnection& operator=(const IdleConnection&) = delete;

 private:
  int socket_ = -1;
};

class TestServer {
 public:
  explicit TestServer(const std::filesystem::path& repository, ServerOptions options = {}, ModelConfig defaults = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  httplib::Client client() const;
  ModelRepository& repository() { return *repository_; }
  Metrics& metrics() { return *metrics_; }

 private:
  std::shared_ptr<Metrics> metrics_;
  std::shared_ptr<ModelRepository> repository_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace maas::serve::testing
