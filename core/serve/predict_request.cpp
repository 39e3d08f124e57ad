#include "core/serve/predict_request.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace maas::serve {

std::vector<std::string> parse_predict_request(std::string_view body, const RequestLimits& limits) {
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw InvalidArgument(fmt::format("request body is not valid JSON: {}", e.what()));
  }
  if (!request.is_object()) {
    throw InvalidArgument(fmt::format("request body must be a JSON object like {{\"instances\": [\"text\"]}}, got {}",
                                      request.type_name()));
  }
  for (const auto& [key, value] : request.items()) {
    if (key != "instances" && key != "signature_name") {
      throw InvalidArgument(fmt::format("unexpected field /{} in the request; expected only \"instances\"", key));
    }
  }
  const auto instances = request.find("instances");
  if (instances == request.end()) {
    throw InvalidArgument("missing field /instances; send {\"instances\": [\"text\", ...]}");
  }
  if (!instances->is_array()) {
    throw InvalidArgument(fmt::format("/instances must be an array of strings, got {}", instances->type_name()));
  }
  if (instances->size() > limits.max_instances) {
    throw InvalidArgument(fmt::format("/instances holds {} texts, more than the limit of {} per request; split the batch",
                                      instances->size(), limits.max_instances));
  }
  std::vector<std::string> texts;
  texts.reserve(instances->size());
  for (std::size_t i = 0; i < instances->size(); ++i) {
    const nlohmann::json& instance = (*instances)[i];
    if (!instance.is_string()) {
      throw InvalidArgument(fmt::format("/instances/{} must be a string of raw text, got {}", i, instance.type_name()));
    }
    const auto& text = instance.get_ref<const std::string&>();
    if (text.size() > limits.max_text_bytes) {
      throw InvalidArgument(fmt::format("/instances/{} is {} bytes, more than the limit of {} bytes per text", i,
                                        text.size(), limits.max_text_bytes));
    }
    texts.push_back(text);
  }
  return texts;
}

}  // namespace maas::serve
