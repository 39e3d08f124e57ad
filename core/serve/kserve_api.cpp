// KServe Open Inference Protocol (v2) REST API: health, server and model metadata, model
// readiness and infer.

#include <algorithm>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/serve/handlers.h"
#include "core/serve/v2_request.h"

namespace maas::serve {
namespace {

// The name of the tensor that carries a model's outputs: "probabilities", or "predictions" for
// regression.
std::string_view data_output_name(Task task) {
  return task == Task::kRegression ? kPredictionsOutput : kProbabilitiesOutput;
}

}  // namespace

void handle_v2_server(const HandlerContext&, const httplib::Request&, httplib::Response& res) {
  send_json(res, 200, nlohmann::json{{"name", "maas"}, {"version", MAAS_VERSION}, {"extensions", nlohmann::json::array()}});
}

void handle_v2_ready(const HandlerContext& context, const httplib::Request&, httplib::Response& res) {
  const auto snapshot = context.repository->snapshot();
  bool ready = false;
  for (const auto& [name, model] : snapshot->models) ready = ready || !model.versions.empty();
  send_json(res, ready ? 200 : 503, nlohmann::json{{"ready", ready}});
}

void handle_v2_model_metadata(const HandlerContext& context, const httplib::Request& req, httplib::Response& res) {
  ResolvedVersion resolved;
  if (!resolve(context, req, res, resolved)) return;
  const LoadedVersion& version = *resolved.version;
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& loaded : resolved.model->versions) versions.push_back(loaded->version_text);
  const auto classes = static_cast<long long>(version.predictor->labels().size());
  const Task task = version.predictor->task();
  nlohmann::json outputs = {{{"name", data_output_name(task)}, {"datatype", "FP32"}, {"shape", {-1, classes}}}};
  if (task == Task::kClassification) outputs.push_back({{"name", kLabelOutput}, {"datatype", "BYTES"}, {"shape", {-1}}});
  send_json(res, 200,
            nlohmann::json{
                {"name", version.model},
                {"versions", versions},
                {"platform", "maas"},
                // Send exactly one of the two inputs: texts as BYTES, or token ids as INT32/INT64.
                {"inputs",
                 {{{"name", "text"}, {"datatype", "BYTES"}, {"shape", {-1}}},
                  {{"name", "input_ids"}, {"datatype", "INT32"}, {"shape", {-1, -1}}}}},
                {"outputs", outputs},
                {"parameters",
                 {{"version", version.version_text},
                  {"task", task_name(task)},
                  {"labels", version.predictor->labels()},
                  {"max_length", version.predictor->encoder().max_length()}}}});
}

void handle_v2_model_ready(const HandlerContext& context, const httplib::Request& req, httplib::Response& res) {
  ResolvedVersion resolved;
  if (!resolve(context, req, res, resolved)) return;
  send_json(res, 200, nlohmann::json{{"name", resolved.version->model}, {"ready", true}});
}

void handle_v2_infer(const HandlerContext& context, const httplib::Request& req, httplib::Response& res) {
  ResolvedVersion resolved;
  if (!resolve(context, req, res, resolved)) return;
  V2InferRequest request;
  try {
    request = parse_v2_infer_request(request_body(), context.limits);
  } catch (const InvalidArgument& e) {
    send_error(res, 400, e.what());
    return;
  }
  const Task task = resolved.version->predictor->task();
  if (task != Task::kClassification) {
    if (request.outputs_named && request.want_label) {
      send_error(res, 400,
                 fmt::format("/outputs: output \"{}\" names the top class of a single-label classifier, but this "
                             "model's task is {}; request \"{}\" instead",
                             kLabelOutput, task_name(task), data_output_name(task)));
      return;
    }
    request.want_label = false;
  }
  InferenceOutput output;
  if (!run_inference(context, resolved, request.input, output, res)) return;

  const LoadedVersion& version = *resolved.version;
  const std::size_t rows = request.input.rows();
  std::string body = R"({"model_name":)";
  append_json_string(body, version.model);
  fmt::format_to(std::back_inserter(body), R"(,"model_version":"{}")", version.version_text);
  if (request.id) {
    body += R"(,"id":)";
    append_json_string(body, *request.id);
  }
  body += R"(,"outputs":[)";
  if (request.want_probabilities) {
    fmt::format_to(std::back_inserter(body), R"({{"name":"{}","datatype":"FP32","shape":[{},{}],"data":[)",
                   data_output_name(task), rows, output.classes);
    for (std::size_t i = 0; i < rows * output.classes; ++i) {
      if (i > 0) body += ',';
      append_json_float(body, output.probabilities[i]);
    }
    body += "]}";
  }
  if (request.want_label) {
    if (request.want_probabilities) body += ',';
    fmt::format_to(std::back_inserter(body), R"({{"name":"{}","datatype":"BYTES","shape":[{}],"data":[)",
                   kLabelOutput, rows);
    const std::vector<std::string>& labels = version.predictor->labels();
    for (std::size_t i = 0; i < rows; ++i) {
      if (i > 0) body += ',';
      const float* row = output.row(i);
      append_json_string(body, labels[static_cast<std::size_t>(std::max_element(row, row + output.classes) - row)]);
    }
    body += "]}";
  }
  body += "]}";
  send_json(res, 200, std::move(body));
}

}  // namespace maas::serve
