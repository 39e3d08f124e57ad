#include "core/serve/server.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <regex>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/serve/handlers.h"
#include "core/serve/http_framing.h"
#include "core/serve/listen_address.h"
#include "core/serve/openapi.h"
#include "core/serve/playground.h"
#include "core/serve/routes.h"
#include "core/serve/worker_pool.h"

namespace maas::serve {

namespace {

std::string_view home_page() { return playground_html(); }

constexpr std::size_t kMaxRequestIdBytes = 128;
// A worker keeps a body buffer up to this size between requests; a larger one is freed, so a few
// big requests do not pin megabytes in every thread.
constexpr std::size_t kKeptBodyCapacity = 64u << 10;
constexpr std::size_t kMaxDrainedBytes = 1u << 20;
// Worker threads kept alive while idle, and how long an idle thread above them waits for a
// connection before it exits.
constexpr std::size_t kMinWorkerThreads = 4;
constexpr std::chrono::seconds kWorkerIdleTimeout{30};

// Reads httplib::Server's protected listening socket, which 0.11 offers no accessor for.
struct ListenSocketAccess : httplib::Server {
  static int socket_of(const httplib::Server& server) {
    return (server.*(&ListenSocketAccess::svr_sock_)).load();
  }
};

// Returns the route methods whose pattern matches `path`, like "POST", or an empty string.
std::string allowed_methods(const std::string& path) {
  std::string allowed;
  for (const Route& route : routes()) {
    if (allowed.find(route.method) != std::string::npos) continue;
    if (std::regex_match(path, std::regex(std::string(route.pattern)))) {
      if (!allowed.empty()) allowed += ", ";
      allowed += route.method;
    }
  }
  return allowed;
}

// A client's X-Request-Id is reused when it is short and printable, so it can be logged safely.
bool usable_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 127 && c != '"' && c != '\\'; });
}

// Starts the trace of a request; safe to call more than once per request.
RequestTrace& begin_trace(const httplib::Request& req, std::atomic<std::uint64_t>& counter) {
  RequestTrace& trace = current_trace();
  if (trace.active) return trace;
  trace.active = true;
  trace.start = std::chrono::steady_clock::now();
  trace.model.clear();
  trace.version.clear();
  trace.batch_rows = 0;
  const std::string& client_id = req.get_header_value("X-Request-Id");
  if (usable_request_id(client_id)) {
    trace.request_id = client_id;
  } else {
    trace.request_id.clear();
    fmt::format_to(std::back_inserter(trace.request_id), "{:016x}", counter.fetch_add(1, std::memory_order_relaxed));
  }
  return trace;
}

}  // namespace

std::shared_ptr<ModelRepository> make_repository(const std::filesystem::path& dir, const ModelConfig& defaults,
                                                 const std::shared_ptr<Metrics>& metrics) {
  return std::make_shared<ModelRepository>(
      dir, defaults, [metrics](const std::string& model, std::int64_t, bool ok) { metrics->record_load(model, ok); },
      [metrics](const LoadedVersion& version, std::size_t rows) {
        metrics->record_batch(version.model, version.version_text, rows);
      });
}

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<ModelRepository> repository;
  std::shared_ptr<Metrics> metrics;
  HandlerContext context;
  std::unique_ptr<httplib::Server> http;
  std::atomic<std::uint64_t> request_counter{1};
  // JSON access lines go to their own logger without spdlog's prefix, so each line is one JSON object.
  std::shared_ptr<spdlog::logger> json_access_log;

  Impl(ServerOptions server_options, std::shared_ptr<ModelRepository> models, std::shared_ptr<Metrics> server_metrics)
      : options(std::move(server_options)), repository(std::move(models)), metrics(std::move(server_metrics)) {
    context.options = &options;
    context.repository = repository.get();
    context.metrics = metrics.get();
    context.limits = RequestLimits{options.max_instances, options.max_text_bytes, options.max_ids_per_row};
    http = make_http_server();
    if (options.access_log == AccessLogFormat::kJson) {
      json_access_log = std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::stderr_sink_mt>());
      json_access_log->set_pattern("%v");
    }
  }

  std::unique_ptr<httplib::Server> make_http_server() const {
    if (options.tls_cert.empty() != options.tls_key.empty()) {
      throw InvalidArgument("TLS needs both --tls-cert and --tls-key; pass the certificate and its private key");
    }
    if (options.tls_cert.empty()) return std::make_unique<httplib::Server>();
    for (const std::string& file : {options.tls_cert, options.tls_key}) {
      if (!std::filesystem::is_regular_file(file)) {
        throw IoError(fmt::format("TLS file '{}' not found; pass a PEM certificate and key", file));
      }
    }
    auto server = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!server->is_valid()) {
      throw IoError(fmt::format("failed to load the TLS certificate '{}' with the key '{}'; both must be PEM and the "
                                "key must match the certificate",
                                options.tls_cert, options.tls_key));
    }
    return server;
  }

  void dispatch(RouteHandler handler, const httplib::Request& req, httplib::Response& res) {
    switch (handler) {
      case RouteHandler::kPlayground:
        res.set_content(std::string(home_page()), "text/html; charset=utf-8");
        return;
      case RouteHandler::kHealthz:
        send_json(res, 200, std::string(R"({"status":"ok"})"));
        return;
      case RouteHandler::kMetrics: {
        const auto snapshot = repository->snapshot();
        std::map<std::string, std::size_t> loaded;
        for (const auto& [name, model] : snapshot->models) loaded[name] = model.versions.size();
        metrics->set_loaded_versions(loaded);
        res.set_content(metrics->render(), "text/plain; version=0.0.4; charset=utf-8");
        return;
      }
      case RouteHandler::kOpenApi:
        send_json(res, 200, std::string(openapi_document()));
        return;
      case RouteHandler::kListModels:
        return handle_list_models(context, req, res);
      case RouteHandler::kTfStatus:
        return handle_tf_status(context, req, res);
      case RouteHandler::kTfMetadata:
        return handle_tf_metadata(context, req, res);
      case RouteHandler::kTfPredict:
        return handle_tf_predict(context, req, res);
      case RouteHandler::kTfClassify:
        return handle_tf_classify(context, req, res);
      case RouteHandler::kV2Server:
        return handle_v2_server(context, req, res);
      case RouteHandler::kV2Live:
        send_json(res, 200, std::string(R"({"live":true})"));
        return;
      case RouteHandler::kV2Ready:
        return handle_v2_ready(context, req, res);
      case RouteHandler::kV2ModelMetadata:
        return handle_v2_model_metadata(context, req, res);
      case RouteHandler::kV2ModelReady:
        return handle_v2_model_ready(context, req, res);
      case RouteHandler::kV2Infer:
        return handle_v2_infer(context, req, res);
    }
  }

  bool is_public(const httplib::Request& req) const {
    for (const Route& route : routes()) {
      if (route.public_route && route.method == req.method && route.path == req.path) return true;
    }
    return false;
  }

  // Checks the body framing and authenticates before the body is read, so neither an ambiguous or
  // oversized Content-Length nor a client without a key makes the server read a body.
  httplib::Server::HandlerResponse before_routing(const httplib::Request& req, httplib::Response& res) {
    const RequestTrace& trace = begin_trace(req, request_counter);
    res.set_header("X-Request-Id", trace.request_id);
    if (const std::optional<HttpError> error = check_body_framing(req, options.max_body_bytes)) {
      // The body stays unread, so the connection cannot carry another request.
      res.set_header("Connection", "close");
      send_error(res, error->status, error->message);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!options.api_keys.enabled() || is_public(req)) return httplib::Server::HandlerResponse::Unhandled;
    if (options.api_keys.accepts(req.get_header_value("Authorization"))) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    // An unread body would be parsed as the next request, so the connection closes after the 401.
    const std::string length = req.get_header_value("Content-Length");
    if (req.has_header("Transfer-Encoding") || (!length.empty() && length.find_first_not_of('0') != std::string::npos)) {
      res.set_header("Connection", "close");
    }
    res.set_header("WWW-Authenticate", R"(Bearer realm="maas")");
    send_error(res, 401, "missing or invalid API key; send the header 'Authorization: Bearer KEY'");
    return httplib::Server::HandlerResponse::Handled;
  }

  void log_access(const httplib::Request& req, const httplib::Response& res) {
    RequestTrace& trace = begin_trace(req, request_counter);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - trace.start).count();
    metrics->record_request(trace.model, trace.version, res.status, seconds);
    if (options.access_log == AccessLogFormat::kText) {
      spdlog::info("{} {} {} {:.0f}us model={} version={} batch={} id={}", req.method, req.path, res.status,
                   seconds * 1e6, trace.model.empty() ? "-" : trace.model, trace.version.empty() ? "-" : trace.version,
                   trace.batch_rows, trace.request_id);
    } else if (options.access_log == AccessLogFormat::kJson) {
      json_access_log->info("{}", nlohmann::json{{"time", fmt::format("{:%FT%TZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())))},
                                                 {"method", req.method},
                                        {"path", req.path},
                                        {"status", res.status},
                                        {"latency_us", static_cast<long long>(seconds * 1e6)},
                                        {"model", trace.model},
                                        {"version", trace.version},
                                        {"batch", trace.batch_rows},
                                        {"request_id", trace.request_id}}
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    trace.active = false;
  }

  // Reads the body into request_body(), stopping at max_body_bytes, then runs the handler.
  void read_body_and_dispatch(RouteHandler handler, const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader& reader) {
    std::string& body = request_body();
    if (body.capacity() > kKeptBodyCapacity) std::string().swap(body);
    body.clear();
    // An oversized body is read on and dropped, up to kMaxDrainedBytes, so the client, which is
    // usually still sending, receives the 413 instead of a reset connection.
    bool too_large = false;
    std::size_t drained = 0;
    const bool read = reader([&](const char* data, std::size_t length) {
      if (!too_large && body.size() + length <= options.max_body_bytes) {
        body.append(data, length);
        return true;
      }
      too_large = true;
      drained += length;
      return drained <= kMaxDrainedBytes;
    });
    // httplib refuses to read a body whose Content-Length is over the limit, so the receiver never runs.
    if (!read && req.has_header("Content-Length") &&
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > options.max_body_bytes) {
      too_large = true;
    }
    if (too_large) {
      // Unless the whole body was drained, the rest is still unread and the connection cannot be reused.
      if (!read) res.set_header("Connection", "close");
      send_error(res, 413, fmt::format("request body too large; the limit is {} bytes (--max-body-bytes)",
                                       options.max_body_bytes));
      return;
    }
    if (!read) {
      res.set_header("Connection", "close");
      send_error(res, 400, "failed to read the request body; check its Content-Length or chunked encoding");
      return;
    }
    dispatch(handler, req, res);
  }

  void install_routes() {
    for (const Route& route : routes()) {
      const RouteHandler handler = route.handler;
      if (route.method == "GET") {
        http->Get(std::string(route.pattern),
                  [this, handler](const httplib::Request& req, httplib::Response& res) { dispatch(handler, req, res); });
      } else {
        http->Post(std::string(route.pattern), [this, handler](const httplib::Request& req, httplib::Response& res,
                                                               const httplib::ContentReader& reader) {
          read_body_and_dispatch(handler, req, res, reader);
        });
      }
    }
    http->set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return before_routing(req, res); });

    // Routes that matched nothing and limits enforced by httplib (413) reach here with an empty body.
    http->set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      const RequestTrace& trace = begin_trace(req, request_counter);
      res.set_header("X-Request-Id", trace.request_id);
      if (res.status == 404) {
        const std::string allowed = allowed_methods(req.path);
        if (!allowed.empty()) {
          res.set_header("Allow", allowed);
          send_error(res, 405, fmt::format("method {} is not allowed for {}; use {}", req.method, req.path, allowed));
        } else {
          send_error(res, 404, fmt::format("no route for {} {}; see /openapi.json for the routes", req.method,
                                           req.path));
        }
      } else if (res.status == 413) {
        send_error(res, 413, fmt::format("request body too large; the limit is {} bytes (--max-body-bytes)",
                                         options.max_body_bytes));
      } else {
        const HttpError error = describe_parse_error(req, res.status);
        send_error(res, error.status, error.message);
      }
      return httplib::Server::HandlerResponse::Handled;
    }));
    http->set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
      std::string message = "unknown error";
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        message = e.what();
      } catch (...) {
      }
      send_error(res, 500, fmt::format("internal error in {} {}: {}", req.method, req.path, message));
    });
    http->set_logger([this](const httplib::Request& req, const httplib::Response& res) { log_access(req, res); });
  }

  void apply_limits() {
    http->set_payload_max_length(options.max_body_bytes);
    // Without TCP_NODELAY each small response waits for the client's delayed ACK (about 40 ms).
    http->set_tcp_nodelay(true);
    http->set_keep_alive_max_count(options.keep_alive_max_requests);
    http->set_keep_alive_timeout(options.keep_alive_timeout_seconds);
    http->set_read_timeout(options.read_timeout_seconds, 0);
    http->set_write_timeout(options.write_timeout_seconds, 0);
    http->set_socket_options(set_listen_socket_options);
    const auto threads = static_cast<std::size_t>(options.threads);
    http->new_task_queue = [threads] {
      return new WorkerPool(std::min(threads, kMinWorkerThreads), threads, kWorkerIdleTimeout);
    };
  }
};

Server::Server(ServerOptions options, std::shared_ptr<ModelRepository> repository, std::shared_ptr<Metrics> metrics) {
  if (options.threads < 1) {
    throw InvalidArgument(fmt::format("server threads must be at least 1, got {}", options.threads));
  }
  if (!repository || !metrics) throw InvalidArgument("Server needs a repository and metrics, got nullptr");
  impl_ = std::make_unique<Impl>(std::move(options), std::move(repository), std::move(metrics));
  impl_->apply_limits();
  impl_->install_routes();
}

Server::~Server() = default;

int Server::bind() {
  const ServerOptions& options = impl_->options;
  check_listen_host(options.host);
  int port = options.port;
  if (port == 0) {
    port = impl_->http->bind_to_any_port(options.host);
  } else if (!impl_->http->bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port < 0) {
    const std::string reason = probe_bind_failure(options.host, options.port);
    throw IoError(fmt::format("failed to listen on {}: {}; choose another --port or --host",
                              format_address(options.host, options.port),
                              reason.empty() ? "the bind failed" : reason));
  }
  // Linux applies a new backlog when listen() is called again on a listening socket.
  if (::listen(ListenSocketAccess::socket_of(*impl_->http), kListenBacklog) != 0) {
    spdlog::warn("could not enlarge the accept queue of port {} to {}: {}", port, kListenBacklog,
                 std::strerror(errno));
  }
  return port;
}

bool Server::run() { return impl_->http->listen_after_bind(); }

void Server::stop() { impl_->http->stop(); }

}  // namespace maas::serve
