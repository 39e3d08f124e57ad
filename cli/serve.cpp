// maas serve --model-dir DIR: serve TF Serving REST requests for every model in a repository.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/common/error.h"
#include "core/serve/server.h"
#include "kernels/runtime.h"

namespace maas::cli {

namespace {

struct ServeArguments {
  std::string model_dir;
  serve::ServerOptions server;
  int compute_threads = 0;
};

void run_serve(const ServeArguments& args) {
  // SIGINT and SIGTERM are blocked in every thread and taken by one waiting thread, so stopping
  // runs as ordinary code rather than inside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  kernels::set_num_threads(args.compute_threads);
  serve::Server server(args.server, serve::ModelRegistry::load_repository(args.model_dir));
  const int port = server.bind();
  spdlog::info("serving {} on http://{}:{} with {} worker threads", args.model_dir, args.server.host, port,
               args.server.threads);
  // The address goes to stdout too, so scripts that start the server on port 0 can read it.
  std::printf("listening on http://%s:%d\n", args.server.host.c_str(), port);
  std::fflush(stdout);

  std::atomic<bool> listener_ended{false};
  std::thread signal_waiter([&server, &listener_ended, stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    if (listener_ended) return;
    spdlog::info("received {}, stopping", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  });
  const bool ok = server.run();
  // The listener may end without a signal (a socket error); wake the waiter so it can be joined.
  listener_ended = true;
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  if (!ok) throw IoError(fmt::format("the HTTP listener on port {} failed", port));
  spdlog::info("stopped");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArguments>();
  serve::ServerOptions& server = args->server;
  CLI::App* serve = app.add_subcommand("serve", "Serve models over HTTP with TF Serving's REST API");
  serve->add_option("--model-dir", args->model_dir, "Repository of NAME/VERSION/ model folders ('maas export' writes them)")->required()->check(CLI::ExistingDirectory);
  serve->add_option("--host", server.host, "Address to listen on; 0.0.0.0 exposes the server to the network")->capture_default_str();
  serve->add_option("--port", server.port, "TCP port; 0 picks a free one and prints it")->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--threads", server.threads, "HTTP worker threads")->capture_default_str()->check(CLI::Range(1, 1024));
  serve->add_option("--compute-threads", args->compute_threads, "oneDNN threads per request; 0 uses all cores")->capture_default_str()->check(CLI::Range(0, 1024));
  serve->add_option("--max-body-bytes", server.max_body_bytes, "Largest request body in bytes; larger ones get 413")->capture_default_str();
  serve->add_option("--max-instances", server.max_instances, "Most texts in one request; more get 400")->capture_default_str();
  serve->add_option("--max-text-bytes", server.max_text_bytes, "Longest text in bytes; longer ones get 400")->capture_default_str();
  serve->add_option("--read-timeout", server.read_timeout_seconds, "Seconds to wait for a request")->capture_default_str()->check(CLI::Range(1, 3600));
  serve->add_option("--write-timeout", server.write_timeout_seconds, "Seconds to wait while sending a response")->capture_default_str()->check(CLI::Range(1, 3600));
  serve->callback([args] { run_serve(*args); });
}

}  // namespace maas::cli
