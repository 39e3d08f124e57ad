#include "tests/serve/serve_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace maas::serve::testing {

namespace fs = std::filesystem;

ScratchDir::ScratchDir() {
  std::string name = (fs::temp_directory_path() / "maas-serve-test-XXXXXX").string();
  if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + name);
  path_ = name;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

const fs::path& trained_model() {
  static ScratchDir workspace;
  static const fs::path model = [] {
    const fs::path run = workspace.path() / "run";
    const std::string command = std::string("timeout 300 '") + MAAS_BINARY + "' --log-level error train '" MAAS_SOURCE_DIR
                                "/configs/text.yaml' --no-progress --set training.epochs=3 "
                                "--set 'output=" + run.string() + "' >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("training the test model failed: " + command);
    return run / "model";
  }();
  return model;
}

void publish_version(const fs::path& repository, const std::string& name, std::int64_t version) {
  const fs::path staged = repository / name / (".staging-" + std::to_string(version));
  fs::create_directories(staged.parent_path());
  fs::remove_all(staged);
  fs::copy(trained_model(), staged, fs::copy_options::recursive);
  fs::rename(staged, repository / name / std::to_string(version));
}

namespace {

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    throw std::runtime_error("connect() to 127.0.0.1:" + std::to_string(port) + " failed");
  }
  return fd;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close early, for example after a 413
    sent += static_cast<std::size_t>(n);
  }
}

// True once `response` holds a status line, headers and the Content-Length body.
bool complete_response(const std::string& response) {
  const std::size_t end = response.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::size_t length = 0;
  const std::size_t header = response.find("Content-Length: ");
  if (header != std::string::npos && header < end) length = std::stoul(response.substr(header + 16));
  return response.size() >= end + 4 + length;
}

}  // namespace

std::string raw_exchange(int port, const std::string& request, std::chrono::seconds timeout) {
  const int fd = connect_loopback(port);
  send_all(fd, request);
  std::string response;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  while (!complete_response(response)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return response;
}

int raw_status(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.c_str() + 9);
}

IdleConnection::IdleConnection(int port, const std::string& bytes) : socket_(connect_loopback(port)) {
  send_all(socket_, bytes);
}

IdleConnection::~IdleConnection() { ::close(socket_); }

TestServer::TestServer(const fs::path& repository, ServerOptions options, ModelConfig defaults) {
  options.host = "127.0.0.1";
  options.port = 0;
  metrics_ = std::make_shared<Metrics>();
  repository_ = make_repository(repository, defaults, metrics_);
  repository_->scan();
  server_ = std::make_unique<Server>(options, repository_, metrics_);
  port_ = server_->bind();
  thread_ = std::thread([this] { server_->run(); });
  // The socket already listens, so this request waits until run() accepts it. Afterwards stop()
  // is certain to find the server running.
  if (!client().Get("/healthz")) throw std::runtime_error("the test server did not answer /healthz");
}

TestServer::~TestServer() {
  server_->stop();
  thread_.join();
  repository_->stop_watching();
}

httplib::Client TestServer::client() const {
  httplib::Client http("127.0.0.1", port_);
  http.set_connection_timeout(5);
  http.set_read_timeout(10);
  return http;
}

}  // namespace maas::serve::testing
