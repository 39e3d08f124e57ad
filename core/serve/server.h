#pragma once
// The HTTP front end of `maas serve`: TF Serving's REST API and the KServe Open Inference Protocol
// (v2) over a ModelRepository, plus /metrics, /openapi.json, /healthz and the playground page.
// routes.h lists every route; docs/SERVING.md describes them for users.
//
// Every error is a JSON body {"error": "..."} with the status TF Serving would use: 400 for
// malformed JSON or fields and limits, 401 for a missing or wrong API key, 404 for an unknown
// model, version or route, 413 for a body over the limit, 429 for a full batch queue and 503 for
// a model with no loadable version.

#include <cstddef>
#include <memory>
#include <string>

#include "core/serve/api_keys.h"
#include "core/serve/metrics.h"
#include "core/serve/model_repository.h"

namespace maas::serve {

enum class AccessLogFormat { kNone, kText, kJson };

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                              // 0 picks a free port
  // Maximum request worker threads. Threads start as connections arrive and exit after 30 s idle.
  // Each open keep-alive connection occupies one thread while it is open, so this is also the
  // number of clients served at once; later connections wait for a free thread.
  int threads = 1024;
  std::size_t max_body_bytes = 8u << 20;        // larger bodies get 413
  std::size_t max_instances = 4096;             // rows per request; more get 400
  std::size_t max_text_bytes = 64u << 10;       // bytes per text; longer ones get 400
  std::size_t max_ids_per_row = 4096;           // token ids per pre-tokenised row
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int keep_alive_timeout_seconds = 5;
  std::size_t keep_alive_max_requests = 1000000; // requests per connection before it is closed
  AccessLogFormat access_log = AccessLogFormat::kText;
  ApiKeys api_keys;                             // empty: no authentication
  std::string tls_cert;                         // PEM files; both set turns on HTTPS
  std::string tls_key;
};

// Creates a repository whose load results and batch sizes are recorded in `metrics`.
std::shared_ptr<ModelRepository> make_repository(const std::filesystem::path& dir, const ModelConfig& defaults,
                                                 const std::shared_ptr<Metrics>& metrics);

class Server {
 public:
  // Throws InvalidArgument for invalid options and IoError when the TLS files cannot be loaded.
  Server(ServerOptions options, std::shared_ptr<ModelRepository> repository, std::shared_ptr<Metrics> metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket and returns the port (the chosen one when options.port is 0).
  // Throws IoError when the address cannot be bound.
  int bind();
  // Serves until stop() and returns false if the listener failed. Returns only after every request
  // already being processed has received its response.
  bool run();
  // Stops accepting connections; requests in progress finish and run() then returns. Safe to
  // call from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maas::serve
