#pragma once
// Internal to the server: the request handlers of each protocol and what they share.

#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/serve/metrics.h"
#include "core/serve/model_repository.h"
#include "core/serve/predict_request.h"
#include "core/serve/server.h"

namespace maas::serve {

inline constexpr const char* kJsonContentType = "application/json";

struct HandlerContext {
  const ServerOptions* options = nullptr;
  ModelRepository* repository = nullptr;
  Metrics* metrics = nullptr;
  RequestLimits limits;
};

// Facts about the request a worker thread is handling, for the access log and metrics. Reset for
// every request; the strings keep their capacity, so steady traffic does not allocate for them.
struct RequestTrace {
  std::chrono::steady_clock::time_point start;
  bool active = false;
  std::string request_id;
  std::string model;
  std::string version;
  std::size_t batch_rows = 0;
};
RequestTrace& current_trace();

// The body of the POST request this worker thread is handling, read by the server with the
// --max-body-bytes limit enforced for every transfer encoding (httplib 0.11 does not limit
// chunked bodies itself).
std::string& request_body();

// A resolved model version, held for the whole request so a reload cannot free it underneath.
struct ResolvedVersion {
  std::shared_ptr<const RepositorySnapshot> snapshot;
  const ServedModel* model = nullptr;
  const LoadedVersion* version = nullptr;
};

// Finds the model (match group 1) and optional version (group 2) of the URL, or writes the 404
// or 503 error and returns false.
bool resolve(const HandlerContext& context, const httplib::Request& req, httplib::Response& res,
             ResolvedVersion& resolved);

void send_json(httplib::Response& res, int status, std::string body);
void send_json(httplib::Response& res, int status, const nlohmann::json& body);
// Sends {"error": message} and logs it with the request id.
void send_error(httplib::Response& res, int status, const std::string& message);

// Runs `input` through the batcher of `resolved`, records queue time, and maps errors to statuses
// (400 invalid input, 429 queue full). Returns false after writing the error response.
bool run_inference(const HandlerContext& context, const ResolvedVersion& resolved, const InferenceInput& input,
                   InferenceOutput& output, httplib::Response& res);

// Appends `value` as a JSON number, or null when it is not finite, so the body stays strict JSON.
void append_json_float(std::string& out, float value);
// Appends `text` as a JSON string.
void append_json_string(std::string& out, std::string_view text);

void handle_tf_status(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);
void handle_tf_metadata(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);
void handle_tf_predict(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);
void handle_tf_classify(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);
void handle_list_models(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);

void handle_v2_server(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);
void handle_v2_ready(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);
void handle_v2_model_metadata(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);
void handle_v2_model_ready(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);
void handle_v2_infer(const HandlerContext& context, const httplib::Request& req, httplib::Response& res);

}  // namespace maas::serve
