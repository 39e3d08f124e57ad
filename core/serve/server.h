#pragma once
// The HTTP front end of `maas serve`: TF Serving's REST API over a ModelRegistry.
//
//   GET  /healthz                                  {"status": "ok"}
//   GET  /v1/models/NAME[/versions/N]              version status, TF Serving's shape
//   POST /v1/models/NAME[/versions/N]:predict      {"instances": ["text", ...]} -> {"predictions": [[p, ...], ...]}
//
// Every error is a JSON body {"error": "..."} with the status TF Serving would use: 400 for
// malformed JSON or fields, 404 for an unknown model, version or route, 413 for a body over the limit.

#include <cstddef>
#include <memory>
#include <string>

#include "core/serve/model_registry.h"

namespace maas::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                              // 0 picks a free port
  int threads = 8;                              // request worker threads
  std::size_t max_body_bytes = 8u << 20;        // larger bodies get 413
  std::size_t max_instances = 4096;             // texts per request
  std::size_t max_text_bytes = 64u << 10;       // bytes per text
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int keep_alive_timeout_seconds = 5;
  std::size_t keep_alive_max_requests = 100000; // requests per connection before it is closed
};

class Server {
 public:
  Server(ServerOptions options, ModelRegistry registry);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket and returns the port (the chosen one when options.port is 0).
  // Throws IoError when the address cannot be bound.
  int bind();
  // Serves until stop(); returns false if the listener failed.
  bool run();
  // Stops accepting connections and signals the workers to finish. Safe to call from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maas::serve
