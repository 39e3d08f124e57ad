#pragma once
// Parsing of TF Serving REST request bodies (predict and classify), kept apart from the HTTP code
// so it can be tested on its own.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/serve/inference_input.h"

namespace maas::serve {

struct RequestLimits {
  std::size_t max_instances = 4096;        // rows per request
  std::size_t max_text_bytes = 64u << 10;  // bytes per text
  std::size_t max_ids_per_row = 4096;      // token ids per pre-tokenised row
};

// The two layouts of a TF Serving predict request; the response mirrors the request's layout.
enum class PredictFormat {
  kRow,       // {"instances": [...]}, returned as {"predictions": [...]}
  kColumnar,  // {"inputs": ...}, returned as {"outputs": [...]}
};

struct PredictRequest {
  PredictFormat format = PredictFormat::kRow;
  InferenceInput input;
};

// Parses the body of POST /v1/models/NAME:predict. Accepted shapes:
//   {"instances": ["text", ...]}                    raw texts
//   {"instances": [[12, 7, 431], ...]}              pre-tokenised id rows, padded by the model
//   {"instances": [{"text": "..."}, ...]}           named input "text" (or "input_ids" for ids)
//   {"inputs": ["text", ...]}, {"inputs": {"text": [...]}} or {"inputs": {"input_ids": [[...]]}}
// plus an optional "signature_name": "serving_default". Throws InvalidArgument naming the JSON
// path and the problem: invalid JSON (including invalid UTF-8 and NaN), a missing, mistyped or
// unexpected field, texts mixed with ids, or a limit exceeded (the message states the limit).
PredictRequest parse_predict_request(std::string_view body, const RequestLimits& limits);

// Parses the body of POST /v1/models/NAME:classify: {"examples": [{"text": "..."}, ...]} with
// optional "signature_name" and "context" (an object whose "text" is not allowed, since each
// example carries its own). Returns the texts. Throws InvalidArgument as parse_predict_request.
std::vector<std::string> parse_classify_request(std::string_view body, const RequestLimits& limits);

// Parses `body` as strict JSON and requires an object. Throws InvalidArgument that starts with
// "request body is not valid JSON" for malformed input, with the parser's position.
nlohmann::json parse_json_object(std::string_view body, std::string_view example);

// Returns the text at `path` after checking its type and length against `limits`.
const std::string& text_field(const nlohmann::json& value, const std::string& path, const RequestLimits& limits);

// Returns one pre-tokenised row after checking that it is a list of at most max_ids_per_row
// integers that fit in int32.
std::vector<std::int32_t> id_row_field(const nlohmann::json& value, const std::string& path,
                                       const RequestLimits& limits);

}  // namespace maas::serve
