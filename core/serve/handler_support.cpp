#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/serve/handlers.h"

namespace maas::serve {

RequestTrace& current_trace() {
  thread_local RequestTrace trace;
  return trace;
}

std::string& request_body() {
  thread_local std::string body;
  return body;
}

void send_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);
  res.set_header("Content-Type", kJsonContentType);
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  // Error messages can quote invalid UTF-8 from the request; replace it so the body stays valid JSON.
  send_json(res, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  const RequestTrace& trace = current_trace();
  if (status >= 500) {
    spdlog::error("request {}: {} {}", trace.request_id, status, message);
  } else {
    spdlog::warn("request {}: {} {}", trace.request_id, status, message);
  }
  send_json(res, status, nlohmann::json{{"error", message}});
}

bool resolve(const HandlerContext& context, const httplib::Request& req, httplib::Response& res,
             ResolvedVersion& resolved) {
  const std::string name = req.matches[1].str();
  const bool versioned = req.matches.size() > 2 && req.matches[2].matched;
  const std::int64_t version = versioned ? std::stoll(req.matches[2].str()) : 0;
  resolved.snapshot = context.repository->snapshot();
  resolved.model = resolved.snapshot->find(name);
  if (resolved.model == nullptr) {
    std::vector<std::string> names;
    for (const auto& [loaded_name, model] : resolved.snapshot->models) names.push_back(loaded_name);
    send_error(res, 404, fmt::format("model '{}' not found; loaded models: {}", name,
                                     names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
    return false;
  }
  // Version 0 is find()'s "latest" and never a real version, so /versions/0 must not reach it.
  resolved.version = versioned && version == 0 ? nullptr : resolved.model->find(version);
  if (resolved.version == nullptr) {
    std::vector<std::int64_t> loaded;
    for (const auto& v : resolved.model->versions) loaded.push_back(v->version);
    if (loaded.empty()) {
      const std::string reason = resolved.model->failures.empty() ? "" : ": " + resolved.model->failures.back().message;
      send_error(res, 503, fmt::format("model '{}' has no version ready to serve{}", name, reason));
    } else {
      send_error(res, 404, fmt::format("model '{}' has no version {}; loaded versions: {}", name, version,
                                       fmt::join(loaded, ", ")));
    }
    return false;
  }
  RequestTrace& trace = current_trace();
  trace.model = resolved.version->model;
  trace.version = resolved.version->version_text;
  return true;
}

bool run_inference(const HandlerContext& context, const ResolvedVersion& resolved, const InferenceInput& input,
                   InferenceOutput& output, httplib::Response& res) {
  const LoadedVersion& version = *resolved.version;
  try {
    check_id_range(input, version.predictor->encoder().vocab_size(), "token ids");
    const BatchStats stats = version.batcher->run(input, output);
    current_trace().batch_rows = stats.batch_rows;
    if (stats.batch_rows > 0) context.metrics->record_queue_time(version.model, version.version_text, stats.queue_seconds);
    return true;
  } catch (const QueueFull& e) {
    send_error(res, 429, fmt::format("model '{}' version {} is busy: {}", version.model, version.version, e.what()));
  } catch (const InvalidArgument& e) {
    send_error(res, 400, e.what());
  }
  return false;
}

void append_json_float(std::string& out, float value) {
  if (std::isfinite(value)) {
    fmt::format_to(std::back_inserter(out), "{}", value);
  } else {
    out += "null";
  }
}

void append_json_string(std::string& out, std::string_view text) {
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace maas::serve
