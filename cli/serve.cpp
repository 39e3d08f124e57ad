// maas serve --model-dir DIR: serve every model in a repository over TF Serving's REST API and the
// KServe v2 protocol, reloading versions as the repository changes.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/common/error.h"
#include "core/serve/listen_address.h"
#include "core/serve/server.h"
#include "kernels/runtime.h"

namespace maas::cli {

namespace {

struct ServeArguments {
  std::string model_dir;
  serve::ServerOptions server;
  serve::ModelConfig model_defaults;
  // One thread per batch: a batch of short texts takes microseconds, so a fork-join would cost
  // more than it saves, and concurrent batches (several models, or batching off) already use the
  // other cores.
  int compute_threads = 1;
  double poll_seconds = 2.0;
  int shutdown_timeout_seconds = 30;
  std::string access_log = "text";
  std::string api_key_file;
};

serve::AccessLogFormat parse_access_log(const std::string& text) {
  if (text == "none") return serve::AccessLogFormat::kNone;
  if (text == "json") return serve::AccessLogFormat::kJson;
  return serve::AccessLogFormat::kText;
}

void run_serve(ServeArguments args) {
  // SIGINT and SIGTERM are blocked in every thread and taken by one waiting thread, so stopping
  // runs as ordinary code rather than inside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  kernels::set_num_threads(args.compute_threads);
  args.server.access_log = parse_access_log(args.access_log);
  args.server.api_keys = serve::ApiKeys::load(args.api_key_file, serve::kApiKeysEnvironmentVariable);

  auto metrics = std::make_shared<serve::Metrics>();
  auto repository = serve::make_repository(args.model_dir, args.model_defaults, metrics);
  repository->scan();
  if (repository->snapshot()->models.empty()) {
    throw IoError(fmt::format("no loadable model in '{}'; expected NAME/VERSION/ folders written by 'maas export'",
                              args.model_dir));
  }
  bool any_loaded = false;
  for (const auto& [name, model] : repository->snapshot()->models) any_loaded = any_loaded || !model.versions.empty();
  if (!any_loaded) {
    throw IoError(fmt::format("no loadable model in '{}'; every version failed to load (see the errors above)",
                              args.model_dir));
  }
  if (args.poll_seconds > 0) {
    repository->watch(std::chrono::milliseconds(static_cast<long long>(args.poll_seconds * 1000)));
  }

  const bool tls = !args.server.tls_cert.empty();
  serve::Server server(args.server, repository, metrics);
  const int port = server.bind();
  const std::string url = serve::format_url(tls ? "https" : "http", args.server.host, port);
  spdlog::info("serving {} on {} with up to {} worker threads and {} compute threads per batch{}", args.model_dir, url,
               args.server.threads, kernels::num_threads(),
               args.server.api_keys.enabled() ? fmt::format(", {} API keys", args.server.api_keys.size()) : "");
  // The address goes to stdout too, so scripts that start the server on port 0 can read it.
  std::printf("listening on %s\n", url.c_str());
  std::fflush(stdout);

  std::mutex mutex;
  std::condition_variable listener_done;
  bool listener_ended = false;
  std::thread signal_waiter([&, stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (listener_ended) return;
    }
    spdlog::info("received {}, no longer accepting connections; finishing requests in progress (up to {} s)",
                 signal_number == SIGINT ? "SIGINT" : "SIGTERM", args.shutdown_timeout_seconds);
    server.stop();
    std::unique_lock<std::mutex> lock(mutex);
    if (!listener_done.wait_for(lock, std::chrono::seconds(args.shutdown_timeout_seconds),
                                [&] { return listener_ended; })) {
      spdlog::error("requests still running after {} s; exiting without them", args.shutdown_timeout_seconds);
      std::_Exit(1);
    }
  });
  const bool ok = server.run();
  {
    std::lock_guard<std::mutex> lock(mutex);
    listener_ended = true;
  }
  listener_done.notify_all();
  // The listener may end without a signal (a socket error); wake the waiter so it can be joined.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  repository->stop_watching();
  if (!ok) throw IoError(fmt::format("the HTTP listener on port {} failed", port));
  spdlog::info("stopped");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArguments>();
  serve::ServerOptions& server = args->server;
  serve::BatchingOptions& batching = args->model_defaults.batching;
  CLI::App* serve = app.add_subcommand(
      "serve", "Serve models over HTTP with TF Serving's REST API and the KServe v2 protocol");
  serve->add_option("--model-dir", args->model_dir,
                    "Repository of NAME/VERSION/ model folders ('maas export' writes them), with an optional models.yaml")
      ->required()->check(CLI::ExistingDirectory);
  serve->add_option("--host", server.host, "Address to listen on; 0.0.0.0 exposes the server to the network")->capture_default_str();
  serve->add_option("--port", server.port, "TCP port; 0 picks a free one and prints it")->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--threads", server.threads,
                    "Maximum HTTP worker threads, started as connections arrive; each open connection occupies one")->capture_default_str()->check(CLI::Range(1, 4096));
  serve->add_option("--compute-threads", args->compute_threads, "Threads per inference batch; 0 uses every core. 1 suits short texts, since batches run in parallel")->capture_default_str()->check(CLI::Range(0, 1024));
  serve->add_option("--max-body-bytes", server.max_body_bytes, "Largest request body in bytes; larger ones get 413")->capture_default_str();
  serve->add_option("--max-instances", server.max_instances, "Most rows (texts) in one request; more get 400")->capture_default_str();
  serve->add_option("--max-text-bytes", server.max_text_bytes, "Longest text in bytes; longer ones get 400")->capture_default_str();
  serve->add_option("--max-ids-per-row", server.max_ids_per_row, "Most token ids in one pre-tokenised row; more get 400")->capture_default_str();
  serve->add_option("--read-timeout", server.read_timeout_seconds, "Seconds to wait for a request")->capture_default_str()->check(CLI::Range(1, 3600));
  serve->add_option("--write-timeout", server.write_timeout_seconds, "Seconds to wait while sending a response")->capture_default_str()->check(CLI::Range(1, 3600));
  serve->add_option("--keep-alive-timeout", server.keep_alive_timeout_seconds, "Seconds an idle keep-alive connection stays open")->capture_default_str()->check(CLI::Range(1, 3600));
  serve->add_option("--keep-alive-max-requests", server.keep_alive_max_requests, "Requests per connection before it is closed")->capture_default_str();
  serve->add_option("--max-batch-size", batching.max_batch_size,
                    "Default texts per dynamic batch; 1 turns batching off (models.yaml can override per model)")->capture_default_str()->check(CLI::Range(1, 65536));
  serve->add_option("--max-queue-delay-us", batching.max_queue_delay_us,
                    "Default microseconds a batch may wait for more requests while the model is busy")->capture_default_str()->check(CLI::Range(0, 10000000));
  serve->add_option("--max-queue-depth", batching.max_queue_depth,
                    "Default texts queued per model version before requests get 429")->capture_default_str()->check(CLI::Range(1, 1000000));
  serve->add_option("--poll-seconds", args->poll_seconds,
                    "Seconds between repository scans for new, changed or removed versions; 0 loads once")->capture_default_str()->check(CLI::Range(0.0, 86400.0));
  serve->add_option("--shutdown-timeout", args->shutdown_timeout_seconds,
                    "Seconds to let requests in progress finish after SIGINT or SIGTERM")->capture_default_str()->check(CLI::Range(1, 3600));
  serve->add_option("--access-log", args->access_log, "Access log lines on stderr: none, text or json")
      ->capture_default_str()->check(CLI::IsMember({"none", "text", "json"}));
  serve->add_option("--api-key-file", args->api_key_file,
                    "File with one API key per line; clients send 'Authorization: Bearer KEY'. Keys in $MAAS_API_KEYS "
                    "(comma-separated) are added")->check(CLI::ExistingFile);
  serve->add_option("--tls-cert", server.tls_cert, "PEM certificate chain; with --tls-key serves HTTPS")->check(CLI::ExistingFile);
  serve->add_option("--tls-key", server.tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  serve->callback([args] { run_serve(*args); });
}

}  // namespace maas::cli
