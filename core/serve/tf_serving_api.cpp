// TF Serving REST API: model status, metadata, predict and classify, plus the /v1/models listing.

#include <algorithm>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/serve/handlers.h"

namespace maas::serve {

namespace {

nlohmann::json available_status(const LoadedVersion& version) {
  return {{"version", version.version_text},
          {"state", "AVAILABLE"},
          {"status", {{"error_code", "OK"}, {"error_message", ""}}}};
}

// TF Serving reports a version that failed to load as END with the load error.
nlohmann::json failed_status(const FailedVersion& failure) {
  return {{"version", std::to_string(failure.version)},
          {"state", "END"},
          {"status", {{"error_code", "UNKNOWN"}, {"error_message", failure.message}}}};
}

nlohmann::json tensor_shape(std::initializer_list<long long> dims) {
  nlohmann::json dim = nlohmann::json::array();
  for (long long size : dims) dim.push_back({{"size", std::to_string(size)}, {"name", ""}});
  return {{"dim", dim}, {"unknown_rank", false}};
}

// Writes a row-major [rows, classes] matrix as nested JSON arrays.
void append_matrix(std::string& out, const InferenceInput& input, const InferenceOutput& output) {
  out += '[';
  for (std::size_t i = 0; i < input.rows(); ++i) {
    if (i > 0) out += ',';
    out += '[';
    const float* row = output.row(i);
    for (std::size_t c = 0; c < output.classes; ++c) {
      if (c > 0) out += ',';
      append_json_float(out, row[c]);
    }
    out += ']';
  }
  out += ']';
}

}  // namespace

void handle_tf_status(const HandlerContext& context, const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1].str();
  const bool versioned = req.matches[2].matched;
  const auto snapshot = context.repository->snapshot();
  const ServedModel* model = snapshot->find(name);
  if (model == nullptr) {
    send_error(res, 404, fmt::format("model '{}' not found", name));
    return;
  }
  current_trace().model = model->name;
  nlohmann::json statuses = nlohmann::json::array();
  const std::int64_t wanted = versioned ? std::stoll(req.matches[2].str()) : 0;
  for (const auto& loaded : model->versions) {
    if (!versioned || loaded->version == wanted) statuses.push_back(available_status(*loaded));
  }
  for (const FailedVersion& failure : model->failures) {
    const bool also_loaded = std::any_of(model->versions.begin(), model->versions.end(),
                                         [&](const auto& v) { return v->version == failure.version; });
    if ((!versioned || failure.version == wanted) && !also_loaded) statuses.push_back(failed_status(failure));
  }
  if (statuses.empty()) {
    send_error(res, 404, fmt::format("model '{}' has no version {}", name, req.matches[2].str()));
    return;
  }
  send_json(res, 200, nlohmann::json{{"model_version_status", statuses}});
}

void handle_tf_metadata(const HandlerContext& context, const httplib::Request& req, httplib::Response& res) {
  ResolvedVersion resolved;
  if (!resolve(context, req, res, resolved)) return;
  const LoadedVersion& version = *resolved.version;
  const auto classes = static_cast<long long>(version.predictor->labels().size());
  const nlohmann::json signature = {
      {"inputs",
       {{"text", {{"dtype", "DT_STRING"}, {"tensor_shape", tensor_shape({-1})}, {"name", "text"}}},
        {"input_ids", {{"dtype", "DT_INT32"}, {"tensor_shape", tensor_shape({-1, -1})}, {"name", "input_ids"}}}}},
      {"outputs",
       {{"probabilities",
         {{"dtype", "DT_FLOAT"}, {"tensor_shape", tensor_shape({-1, classes})}, {"name", "probabilities"}}}}},
      {"method_name", "tensorflow/serving/predict"}};
  send_json(res, 200,
            nlohmann::json{
                {"model_spec", {{"name", version.model}, {"signature_name", ""}, {"version", version.version_text}}},
                {"metadata", {{"signature_def", {{"signature_def", {{"serving_default", signature}}}}}}},
                {"labels", version.predictor->labels()},
                {"task", task_name(version.predictor->task())},
                {"max_length", version.predictor->encoder().max_length()},
                {"vocab_size", version.predictor->encoder().vocab_size()},
                {"version_policy", resolved.model->config.version_policy.describe()}});
}

void handle_tf_predict(const HandlerContext& context, const httplib::Request& req, httplib::Response& res) {
  ResolvedVersion resolved;
  if (!resolve(context, req, res, resolved)) return;
  PredictRequest request;
  try {
    request = parse_predict_request(request_body(), context.limits);
  } catch (const InvalidArgument& e) {
    send_error(res, 400, e.what());
    return;
  }
  InferenceOutput output;
  if (!run_inference(context, resolved, request.input, output, res)) return;
  std::string body;
  body.reserve(32 + request.input.rows() * output.classes * 14);
  body += request.format == PredictFormat::kRow ? R"({"predictions":)" : R"({"outputs":)";
  append_matrix(body, request.input, output);
  body += '}';
  send_json(res, 200, std::move(body));
}

void handle_tf_classify(const HandlerContext& context, const httplib::Request& req, httplib::Response& res) {
  ResolvedVersion resolved;
  if (!resolve(context, req, res, resolved)) return;
  if (resolved.version->predictor->task() == Task::kRegression) {
    send_error(res, 400,
               fmt::format("model '{}' is a regression model, which has no classes to classify into; send the texts "
                           "to :predict for the predicted values",
                           resolved.version->model));
    return;
  }
  InferenceInput input;
  try {
    input.texts = parse_classify_request(request_body(), context.limits);
  } catch (const InvalidArgument& e) {
    send_error(res, 400, e.what());
    return;
  }
  InferenceOutput output;
  if (!run_inference(context, resolved, input, output, res)) return;
  const std::vector<std::string>& labels = resolved.version->predictor->labels();
  std::string body = R"({"results":[)";
  for (std::size_t i = 0; i < input.rows(); ++i) {
    if (i > 0) body += ',';
    body += '[';
    for (std::size_t c = 0; c < output.classes; ++c) {
      if (c > 0) body += ',';
      body += '[';
      append_json_string(body, labels[c]);
      body += ',';
      append_json_float(body, output.row(i)[c]);
      body += ']';
    }
    body += ']';
  }
  body += "]}";
  send_json(res, 200, std::move(body));
}

void handle_list_models(const HandlerContext& context, const httplib::Request&, httplib::Response& res) {
  const auto snapshot = context.repository->snapshot();
  nlohmann::json models = nlohmann::json::array();
  for (const auto& [name, model] : snapshot->models) {
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& loaded : model.versions) versions.push_back(loaded->version_text);
    const nlohmann::json labels =
        model.versions.empty() ? nlohmann::json::array() : nlohmann::json(model.versions.back()->predictor->labels());
    models.push_back({{"name", name}, {"versions", versions}, {"labels", labels}});
  }
  send_json(res, 200, nlohmann::json{{"models", models}});
}

}  // namespace maas::serve
