#include "core/serve/v2_request.h"

#include <limits>
#include <vector>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::serve {

namespace {

constexpr std::string_view kExample =
    R"({"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": ["..."]}]})";

std::vector<std::int64_t> read_shape(const nlohmann::json& shape, const std::string& path) {
  if (!shape.is_array() || shape.empty() || shape.size() > 2) {
    throw InvalidArgument(fmt::format("{} must be a list of 1 or 2 dimensions like [2] or [2, 16], got {}", path,
                                      shape.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  }
  std::vector<std::int64_t> dims;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const nlohmann::json& dim = shape[i];
    if (!dim.is_number_integer() || dim.get<std::int64_t>() < 0 || dim.get<std::int64_t>() > (1LL << 31)) {
      throw InvalidArgument(fmt::format("{}/{} must be a non-negative integer dimension, got {}", path, i,
                                        dim.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    }
    dims.push_back(dim.get<std::int64_t>());
  }
  return dims;
}

// Collects the elements of `data` in row-major order, accepting a flat list or one nested level
// per extra dimension.
void flatten(const nlohmann::json& data, std::size_t depth, const std::string& path,
             std::vector<const nlohmann::json*>& out, std::size_t limit) {
  if (!data.is_array()) {
    throw InvalidArgument(fmt::format("{} must be a list, got {}", path, data.type_name()));
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    const nlohmann::json& element = data[i];
    if (element.is_array() && depth > 0) {
      flatten(element, depth - 1, fmt::format("{}/{}", path, i), out, limit);
    } else {
      out.push_back(&element);
    }
    if (out.size() > limit) {
      throw InvalidArgument(fmt::format("{} contains more than the {} elements its shape allows", path, limit));
    }
  }
}

void read_outputs(const nlohmann::json& outputs, V2InferRequest& request) {
  if (!outputs.is_array()) {
    throw InvalidArgument(fmt::format("/outputs must be a list like [{{\"name\": \"label\"}}], got {}", outputs.type_name()));
  }
  if (outputs.empty()) return;
  request.want_probabilities = false;
  request.want_label = false;
  request.outputs_named = true;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string path = fmt::format("/outputs/{}/name", i);
    const nlohmann::json& output = outputs[i];
    if (!output.is_object() || !output.contains("name") || !output["name"].is_string()) {
      throw InvalidArgument(fmt::format("{} must be a string naming an output", path));
    }
    const auto& name = output["name"].get_ref<const std::string&>();
    if (name == kProbabilitiesOutput || name == kPredictionsOutput) {
      request.want_probabilities = true;
    } else if (name == kLabelOutput) {
      request.want_label = true;
    } else {
      throw InvalidArgument(fmt::format("{}: unknown output '{}'; expected \"{}\" and \"{}\" (classifiers), or "
                                        "\"{}\" (regression models)",
                                        path, name, kProbabilitiesOutput, kLabelOutput, kPredictionsOutput));
    }
  }
}

void read_bytes_input(const nlohmann::json& tensor, const std::vector<std::int64_t>& shape,
                      const RequestLimits& limits, InferenceInput& input) {
  if (shape.size() == 2 && shape[1] != 1) {
    throw InvalidArgument(fmt::format("/inputs/0/shape [{}, {}] is not valid for BYTES; expected [N] or [N, 1], one "
                                      "text per row", shape[0], shape[1]));
  }
  const auto rows = static_cast<std::size_t>(shape[0]);
  if (rows > limits.max_instances) {
    throw InvalidArgument(fmt::format("/inputs/0/shape asks for {} rows, more than the limit of {} per request", rows,
                                      limits.max_instances));
  }
  std::vector<const nlohmann::json*> elements;
  flatten(tensor.at("data"), shape.size() - 1, "/inputs/0/data", elements, rows);
  if (elements.size() != rows) {
    throw InvalidArgument(fmt::format("/inputs/0/data contains {} elements but shape {} needs {}", elements.size(),
                                      tensor.at("shape").dump(), rows));
  }
  input.texts.reserve(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    input.texts.push_back(text_field(*elements[i], fmt::format("/inputs/0/data/{}", i), limits));
  }
}

void read_int_input(const nlohmann::json& tensor, const std::vector<std::int64_t>& shape,
                    const RequestLimits& limits, InferenceInput& input) {
  if (shape.size() != 2) {
    throw InvalidArgument(fmt::format("/inputs/0/shape must be [N, L] for token ids, N rows of L ids, got {}",
                                      tensor.at("shape").dump()));
  }
  const auto rows = static_cast<std::size_t>(shape[0]);
  const auto length = static_cast<std::size_t>(shape[1]);
  if (rows > limits.max_instances) {
    throw InvalidArgument(fmt::format("/inputs/0/shape asks for {} rows, more than the limit of {} per request", rows,
                                      limits.max_instances));
  }
  if (length > limits.max_ids_per_row) {
    throw InvalidArgument(fmt::format("/inputs/0/shape asks for {} token ids per row, more than the limit of {}",
                                      length, limits.max_ids_per_row));
  }
  std::vector<const nlohmann::json*> elements;
  flatten(tensor.at("data"), 1, "/inputs/0/data", elements, rows * length);
  if (elements.size() != rows * length) {
    throw InvalidArgument(fmt::format("/inputs/0/data contains {} elements but shape {} needs {}", elements.size(),
                                      tensor.at("shape").dump(), rows * length));
  }
  input.tokenized = true;
  input.id_offsets.assign(1, 0);
  input.ids.reserve(rows * length);
  // INT64 is accepted for clients that default to it, but every id must still fit the model's int32 ids.
  const std::int64_t min = std::numeric_limits<std::int32_t>::min();
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const nlohmann::json& id = *elements[i];
    const bool integer = id.is_number_integer() &&
                         (!id.is_number_unsigned() || id.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX));
    if (!integer || id.get<std::int64_t>() < min ||
        id.get<std::int64_t>() > std::numeric_limits<std::int32_t>::max()) {
      throw InvalidArgument(fmt::format("/inputs/0/data/{} must be a token id that fits in INT32, got {}", i,
                                        id.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    }
    input.ids.push_back(static_cast<std::int32_t>(id.get<std::int64_t>()));
    if ((i + 1) % length == 0) input.id_offsets.push_back(input.ids.size());
  }
  // With L == 0 every row is empty (only padding), so the loop above adds no row ends.
  if (length == 0) input.id_offsets.assign(rows + 1, 0);
}

}  // namespace

V2InferRequest parse_v2_infer_request(std::string_view body, const RequestLimits& limits) {
  const nlohmann::json request = parse_json_object(body, kExample);
  V2InferRequest parsed;
  for (const auto& [key, value] : request.items()) {
    if (key == "id") {
      if (!value.is_string()) throw InvalidArgument(fmt::format("/id must be a string, got {}", value.type_name()));
      parsed.id = value.get<std::string>();
    } else if (key == "parameters") {
      if (!value.is_object()) {
        throw InvalidArgument(fmt::format("/parameters must be an object, got {}", value.type_name()));
      }
    } else if (key == "outputs") {
      read_outputs(value, parsed);
    } else if (key != "inputs") {
      throw InvalidArgument(fmt::format("unexpected field /{}; expected \"id\", \"parameters\", \"inputs\" and \"outputs\"", key));
    }
  }
  const auto inputs = request.find("inputs");
  if (inputs == request.end()) throw InvalidArgument(fmt::format("missing field /inputs; send {}", kExample));
  if (!inputs->is_array() || inputs->size() != 1) {
    throw InvalidArgument(fmt::format("/inputs must be a list with exactly one input tensor, got {}",
                                      inputs->is_array() ? fmt::format("{} tensors", inputs->size())
                                                         : std::string(inputs->type_name())));
  }
  const nlohmann::json& tensor = (*inputs)[0];
  if (!tensor.is_object()) {
    throw InvalidArgument(fmt::format("/inputs/0 must be an object like {}, got {}", kExample, tensor.type_name()));
  }
  for (const char* field : {"name", "shape", "datatype", "data"}) {
    if (!tensor.contains(field)) throw InvalidArgument(fmt::format("missing field /inputs/0/{}", field));
  }
  for (const auto& [key, value] : tensor.items()) {
    if (key != "name" && key != "shape" && key != "datatype" && key != "data" && key != "parameters") {
      throw InvalidArgument(fmt::format("unexpected field /inputs/0/{}; binary tensor data is not supported, send "
                                        "\"data\" as JSON", key));
    }
  }
  if (!tensor["name"].is_string()) {
    throw InvalidArgument(fmt::format("/inputs/0/name must be a string, got {}", tensor["name"].type_name()));
  }
  if (!tensor["datatype"].is_string()) {
    throw InvalidArgument(fmt::format("/inputs/0/datatype must be a string, got {}", tensor["datatype"].type_name()));
  }
  const std::vector<std::int64_t> shape = read_shape(tensor["shape"], "/inputs/0/shape");
  const auto& datatype = tensor["datatype"].get_ref<const std::string&>();
  if (datatype == "BYTES") {
    read_bytes_input(tensor, shape, limits, parsed.input);
  } else if (datatype == "INT32" || datatype == "INT64") {
    read_int_input(tensor, shape, limits, parsed.input);
  } else {
    throw InvalidArgument(fmt::format("/inputs/0/datatype '{}' is not supported; send texts as BYTES or token ids as "
                                      "INT32 or INT64", datatype));
  }
  return parsed;
}

}  // namespace maas::serve
