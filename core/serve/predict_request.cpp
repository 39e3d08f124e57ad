#include "core/serve/predict_request.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::serve {

namespace {

constexpr std::string_view kPredictExample = R"({"instances": ["text", ...]})";
constexpr std::string_view kClassifyExample = R"({"examples": [{"text": "..."}]})";

void check_signature(const nlohmann::json& request) {
  const auto signature = request.find("signature_name");
  if (signature == request.end()) return;
  if (!signature->is_string()) {
    throw InvalidArgument(fmt::format("/signature_name must be a string, got {}", signature->type_name()));
  }
  const auto& name = signature->get_ref<const std::string&>();
  if (!name.empty() && name != "serving_default") {
    throw InvalidArgument(fmt::format("/signature_name '{}' not found; the only signature is \"serving_default\"", name));
  }
}

void check_row_count(std::size_t rows, const std::string& path, const RequestLimits& limits) {
  if (rows > limits.max_instances) {
    throw InvalidArgument(fmt::format("{} contains {} rows, more than the limit of {} per request; split the batch", path,
                                      rows, limits.max_instances));
  }
}

// Adds one row, a raw text or an id list, and rejects a request that mixes the two.
void add_row(const nlohmann::json& value, const std::string& path, const RequestLimits& limits, InferenceInput& input,
             std::size_t index) {
  const bool ids = value.is_array();
  if (index > 0 && ids != input.tokenized) {
    throw InvalidArgument(fmt::format("{} is {}, but earlier rows are {}; send either raw texts or token id lists",
                                      path, ids ? "a token id list" : value.type_name(),
                                      input.tokenized ? "token id lists" : "texts"));
  }
  if (ids) {
    input.add_id_row(id_row_field(value, path, limits));
  } else {
    input.texts.push_back(text_field(value, path, limits));
  }
}

// Adds one element of "instances": a text, an id list, or an object naming the input.
void add_instance(const nlohmann::json& value, const std::string& path, const RequestLimits& limits,
                  InferenceInput& input, std::size_t index) {
  if (!value.is_object()) {
    if (!value.is_string() && !value.is_array()) {
      throw InvalidArgument(fmt::format("{} must be a string of raw text or a list of token ids, got {}", path,
                                        value.type_name()));
    }
    add_row(value, path, limits, input, index);
    return;
  }
  if (value.size() != 1 || (!value.contains("text") && !value.contains("input_ids"))) {
    throw InvalidArgument(fmt::format(R"({} must name exactly one input, "text" or "input_ids", like {{"text": "..."}})",
                                      path));
  }
  const auto& [key, field] = *value.items().begin();
  const std::string field_path = path + "/" + key;
  if (key == "text" && !field.is_string()) {
    throw InvalidArgument(fmt::format("{} must be a string of raw text, got {}", field_path, field.type_name()));
  }
  if (key == "input_ids" && !field.is_array()) {
    throw InvalidArgument(fmt::format("{} must be a list of token ids, got {}", field_path, field.type_name()));
  }
  add_row(field, field_path, limits, input, index);
}

void read_instances(const nlohmann::json& instances, const std::string& path, const RequestLimits& limits,
                    InferenceInput& input) {
  if (!instances.is_array()) {
    throw InvalidArgument(fmt::format("{} must be an array of strings, got {}", path, instances.type_name()));
  }
  check_row_count(instances.size(), path, limits);
  input.texts.reserve(instances.size());
  for (std::size_t i = 0; i < instances.size(); ++i) {
    add_instance(instances[i], fmt::format("{}/{}", path, i), limits, input, i);
  }
}

void read_columnar(const nlohmann::json& inputs, const RequestLimits& limits, InferenceInput& input) {
  if (inputs.is_array()) {
    read_instances(inputs, "/inputs", limits, input);
    return;
  }
  if (!inputs.is_object() || inputs.size() != 1 || (!inputs.contains("text") && !inputs.contains("input_ids"))) {
    throw InvalidArgument(fmt::format(
        R"(/inputs must be a list of rows or an object with one input, {{"text": [...]}} or {{"input_ids": [[...]]}}; got {})",
        inputs.type_name()));
  }
  const auto& [key, column] = *inputs.items().begin();
  const std::string path = "/inputs/" + key;
  if (!column.is_array()) {
    throw InvalidArgument(fmt::format("{} must be a list with one entry per row, got {}", path, column.type_name()));
  }
  check_row_count(column.size(), path, limits);
  for (std::size_t i = 0; i < column.size(); ++i) {
    const std::string row_path = fmt::format("{}/{}", path, i);
    if (key == "text" && !column[i].is_string()) {
      throw InvalidArgument(fmt::format("{} must be a string of raw text, got {}", row_path, column[i].type_name()));
    }
    if (key == "input_ids" && !column[i].is_array()) {
      throw InvalidArgument(fmt::format("{} must be a list of token ids, got {}", row_path, column[i].type_name()));
    }
    add_row(column[i], row_path, limits, input, i);
  }
}

}  // namespace

nlohmann::json parse_json_object(std::string_view body, std::string_view example) {
  // nlohmann::json keeps the last of duplicate keys, so a body like {"instances": [...],
  // "instances": [...]} would be read differently by different parsers; the callback rejects it.
  // keys[depth] holds the keys seen so far in the open object at that depth.
  thread_local std::vector<std::vector<std::string>> keys;
  keys.clear();
  const auto reject_duplicate_keys = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    const auto level = static_cast<std::size_t>(depth);
    if (event == nlohmann::json::parse_event_t::object_start) {
      if (keys.size() <= level) keys.resize(level + 1);
      keys[level].clear();
    } else if (event == nlohmann::json::parse_event_t::key) {
      // Key events report the depth inside the object, one more than its object_start event.
      std::vector<std::string>& seen = keys.at(level - 1);
      const auto& key = parsed.get_ref<const std::string&>();
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        throw InvalidArgument(fmt::format("request body contains the key {} twice in one object; send each key once",
                                          parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
      }
      seen.push_back(key);
    }
    return true;
  };
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(body, reject_duplicate_keys);
  } catch (const nlohmann::json::parse_error& e) {
    throw InvalidArgument(fmt::format("request body is not valid JSON: {}", e.what()));
  } catch (const nlohmann::json::out_of_range& e) {
    // A number literal outside the range of double, such as 1e400.
    throw InvalidArgument(fmt::format("request body is not valid JSON: {}; numbers must fit in a 64-bit double",
                                      e.what()));
  }
  if (!request.is_object()) {
    throw InvalidArgument(fmt::format("request body must be a JSON object like {}, got {}", example, request.type_name()));
  }
  return request;
}

const std::string& text_field(const nlohmann::json& value, const std::string& path, const RequestLimits& limits) {
  if (!value.is_string()) {
    throw InvalidArgument(fmt::format("{} must be a string of raw text, got {}", path, value.type_name()));
  }
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() > limits.max_text_bytes) {
    throw InvalidArgument(fmt::format("{} is {} bytes, more than the limit of {} bytes per text", path, text.size(),
                                      limits.max_text_bytes));
  }
  return text;
}

std::vector<std::int32_t> id_row_field(const nlohmann::json& value, const std::string& path,
                                       const RequestLimits& limits) {
  if (!value.is_array()) {
    throw InvalidArgument(fmt::format("{} must be a list of token ids, got {}", path, value.type_name()));
  }
  if (value.size() > limits.max_ids_per_row) {
    throw InvalidArgument(fmt::format("{} contains {} token ids, more than the limit of {} per row", path, value.size(),
                                      limits.max_ids_per_row));
  }
  std::vector<std::int32_t> row;
  row.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& id = value[i];
    const bool fits = id.is_number_unsigned()
                          ? id.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())
                          : id.is_number_integer() && id.get<std::int64_t>() >= std::numeric_limits<std::int32_t>::min() &&
                                id.get<std::int64_t>() <= std::numeric_limits<std::int32_t>::max();
    if (!fits) {
      throw InvalidArgument(fmt::format("{}/{} must be an integer token id, got {}", path, i,
                                        id.is_number() ? id.dump() : std::string(id.type_name())));
    }
    row.push_back(static_cast<std::int32_t>(id.get<std::int64_t>()));
  }
  return row;
}

PredictRequest parse_predict_request(std::string_view body, const RequestLimits& limits) {
  const nlohmann::json request = parse_json_object(body, kPredictExample);
  for (const auto& [key, value] : request.items()) {
    if (key != "instances" && key != "inputs" && key != "signature_name") {
      throw InvalidArgument(
          fmt::format("unexpected field /{} in the request; expected \"instances\" or \"inputs\"", key));
    }
  }
  check_signature(request);
  const auto instances = request.find("instances");
  const auto inputs = request.find("inputs");
  if (instances != request.end() && inputs != request.end()) {
    throw InvalidArgument("the request has both /instances and /inputs; send one of them");
  }
  PredictRequest parsed;
  if (instances != request.end()) {
    parsed.format = PredictFormat::kRow;
    read_instances(*instances, "/instances", limits, parsed.input);
  } else if (inputs != request.end()) {
    parsed.format = PredictFormat::kColumnar;
    read_columnar(*inputs, limits, parsed.input);
  } else {
    throw InvalidArgument(R"(missing field /instances; send {"instances": ["text", ...]} or {"inputs": ["text", ...]})");
  }
  return parsed;
}

std::vector<std::string> parse_classify_request(std::string_view body, const RequestLimits& limits) {
  const nlohmann::json request = parse_json_object(body, kClassifyExample);
  for (const auto& [key, value] : request.items()) {
    if (key != "examples" && key != "context" && key != "signature_name") {
      throw InvalidArgument(fmt::format("unexpected field /{} in the request; expected \"examples\"", key));
    }
  }
  check_signature(request);
  const auto context = request.find("context");
  if (context != request.end() && (!context->is_object() || context->contains("text"))) {
    throw InvalidArgument("/context must be an object without \"text\"; put each text in its own example");
  }
  const auto examples = request.find("examples");
  if (examples == request.end()) {
    throw InvalidArgument(R"(missing field /examples; send {"examples": [{"text": "..."}]})");
  }
  if (!examples->is_array()) {
    throw InvalidArgument(fmt::format("/examples must be an array of objects, got {}", examples->type_name()));
  }
  check_row_count(examples->size(), "/examples", limits);
  std::vector<std::string> texts;
  texts.reserve(examples->size());
  for (std::size_t i = 0; i < examples->size(); ++i) {
    const nlohmann::json& example = (*examples)[i];
    const std::string path = fmt::format("/examples/{}", i);
    if (!example.is_object()) {
      throw InvalidArgument(fmt::format(R"({} must be an object like {{"text": "..."}}, got {})", path, example.type_name()));
    }
    const auto text = example.find("text");
    if (text == example.end() || example.size() != 1) {
      throw InvalidArgument(fmt::format(R"({} must hold exactly one feature, "text")", path));
    }
    texts.push_back(text_field(*text, path + "/text", limits));
  }
  return texts;
}

}  // namespace maas::serve
