#include "core/serve/server.h"

#include <httplib.h>

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/serve/predict_request.h"

namespace maas::serve {

namespace {

constexpr const char* kJson = "application/json";

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  // Error messages can quote invalid UTF-8 from the request; replace it so the body stays valid JSON.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJson);
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

std::int64_t version_from(const httplib::Match& match, std::size_t group) {
  if (match.size() <= group || !match[group].matched) return 0;
  const std::string text = match[group].str();
  if (text.size() > 18) return -1;
  return std::stoll(text);
}

nlohmann::json version_status(const ModelVersion& version) {
  return {{"version", std::to_string(version.version)},
          {"state", "AVAILABLE"},
          {"status", {{"error_code", "OK"}, {"error_message", ""}}}};
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions server_options, ModelRegistry models)
      : options(std::move(server_options)), registry(std::move(models)) {}

  ServerOptions options;
  ModelRegistry registry;
  httplib::Server http;

  // Finds the model and version named in the URL, or writes the 404 and returns nullptr.
  const ModelVersion* resolve(const httplib::Match& match, httplib::Response& res) const {
    const std::string name = match[1].str();
    const std::int64_t version = version_from(match, 2);
    const ModelVersion* found = version < 0 ? nullptr : registry.find(name, version);
    if (found != nullptr) return found;
    if (registry.versions(name).empty()) {
      send_error(res, 404, fmt::format("model '{}' not found; loaded models: {}", name,
                                       fmt::join(registry.names(), ", ")));
    } else {
      send_error(res, 404, fmt::format("model '{}' has no version {}; loaded versions: {}", name, match[2].str(),
                                       fmt::join([&] {
                                         std::vector<std::int64_t> list;
                                         for (const auto& v : registry.versions(name)) list.push_back(v.version);
                                         return list;
                                       }(), ", ")));
    }
    return nullptr;
  }

  void handle_status(const httplib::Request& req, httplib::Response& res) const {
    const ModelVersion* version = resolve(req.matches, res);
    if (version == nullptr) return;
    nlohmann::json statuses = nlohmann::json::array();
    if (req.matches[2].matched) {
      statuses.push_back(version_status(*version));
    } else {
      for (const ModelVersion& loaded : registry.versions(req.matches[1].str())) statuses.push_back(version_status(loaded));
    }
    send_json(res, 200, {{"model_version_status", statuses}});
  }

  void handle_predict(const httplib::Request& req, httplib::Response& res) const {
    const ModelVersion* version = resolve(req.matches, res);
    if (version == nullptr) return;
    std::vector<std::string> texts;
    try {
      texts = parse_predict_request(req.body, RequestLimits{options.max_instances, options.max_text_bytes});
    } catch (const InvalidArgument& e) {
      send_error(res, 400, e.what());
      return;
    }
    const infer::Probabilities probabilities = version->predictor->predict(texts);
    send_json(res, 200, {{"predictions", probabilities}});
  }

  void install_routes() {
    http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { send_json(res, 200, {{"status", "ok"}}); });
    const std::string model = R"(/v1/models/([A-Za-z0-9_][A-Za-z0-9._-]*)(?:/versions/([0-9]+))?)";
    http.Get(model, [this](const httplib::Request& req, httplib::Response& res) { handle_status(req, res); });
    http.Post(model + ":predict",
              [this](const httplib::Request& req, httplib::Response& res) { handle_predict(req, res); });

    // Routes that matched nothing and limits enforced by httplib (413) reach here with an empty body.
    http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      if (res.status == 404) {
        send_error(res, 404, fmt::format("no route for {} {}; see /v1/models/NAME and /v1/models/NAME:predict",
                                         req.method, req.path));
      } else if (res.status == 413) {
        send_error(res, 413, "request body too large");
      } else {
        send_error(res, res.status, fmt::format("request failed with HTTP status {}", res.status));
      }
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
      std::string message = "unknown error";
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        message = e.what();
      } catch (...) {
      }
      spdlog::error("{} {} failed: {}", req.method, req.path, message);
      send_error(res, 500, fmt::format("internal error: {}", message));
    });
    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      if (res.status >= 400) {
        spdlog::warn("{} {} -> {}: {}", req.method, req.path, res.status, res.body);
      } else {
        spdlog::debug("{} {} -> {}", req.method, req.path, res.status);
      }
    });
  }

  void apply_limits() {
    http.set_payload_max_length(options.max_body_bytes);
    // Without TCP_NODELAY each small response waits for the client's delayed ACK (about 40 ms).
    http.set_tcp_nodelay(true);
    http.set_keep_alive_max_count(options.keep_alive_max_requests);
    http.set_keep_alive_timeout(options.keep_alive_timeout_seconds);
    http.set_read_timeout(options.read_timeout_seconds, 0);
    http.set_write_timeout(options.write_timeout_seconds, 0);
    const int threads = options.threads;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  }
};

Server::Server(ServerOptions options, ModelRegistry registry)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(registry))) {
  if (impl_->options.threads < 1) {
    throw InvalidArgument(fmt::format("server threads must be at least 1, got {}", impl_->options.threads));
  }
  impl_->apply_limits();
  impl_->install_routes();
}

Server::~Server() = default;

int Server::bind() {
  const ServerOptions& options = impl_->options;
  int port = options.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(options.host);
  } else if (!impl_->http.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port < 0) {
    throw IoError(fmt::format("failed to listen on {}:{}; is the port in use? choose another with --port",
                              options.host, options.port));
  }
  return port;
}

bool Server::run() { return impl_->http.listen_after_bind(); }

void Server::stop() { impl_->http.stop(); }

}  // namespace maas::serve
