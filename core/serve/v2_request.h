#pragma once
// Parsing of KServe Open Inference Protocol (v2) REST infer requests.

#include <optional>
#include <string>
#include <string_view>

#include "core/serve/inference_input.h"
#include "core/serve/predict_request.h"

namespace maas::serve {

inline constexpr std::string_view kProbabilitiesOutput = "probabilities";
inline constexpr std::string_view kLabelOutput = "label";
// The output tensor of a regression model, in place of "probabilities".
inline constexpr std::string_view kPredictionsOutput = "predictions";

struct V2InferRequest {
  std::optional<std::string> id;   // echoed in the response
  InferenceInput input;
  // Outputs requested: "probabilities" (or "predictions") and "label". Both when the request
  // names none, and then outputs_named is false.
  bool want_probabilities = true;
  bool want_label = true;
  bool outputs_named = false;
};

// Parses the body of POST /v2/models/NAME[/versions/V]/infer. The request contains exactly one input
// tensor: "datatype": "BYTES" with shape [N] or [N, 1] for N texts, or "INT32"/"INT64" with
// shape [N, L] for N rows of L token ids. "data" may be flat or nested row-major, and its
// element count must equal the product of the shape. "outputs", if present, names
// "probabilities" (or "predictions", its name for regression models) and/or "label". Throws InvalidArgument naming the JSON path for malformed JSON,
// a wrong type, shape, datatype or element count, an unknown output and a limit exceeded.
V2InferRequest parse_v2_infer_request(std::string_view body, const RequestLimits& limits);

}  // namespace maas::serve
