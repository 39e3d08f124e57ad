#pragma once
// Parsing of TF Serving predict request bodies, kept apart from the HTTP code so it can be tested
// on its own and reused by other protocols.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace maas::serve {

struct RequestLimits {
  std::size_t max_instances = 4096;
  std::size_t max_text_bytes = 64u << 10;
};

// Parses {"instances": ["text", ...]} and returns the texts. Throws InvalidArgument naming the JSON
// path and the problem: invalid JSON (including invalid UTF-8), a missing or mistyped field, an
// unexpected field, or a limit exceeded (the message states the limit).
std::vector<std::string> parse_predict_request(std::string_view body, const RequestLimits& limits);

}  // namespace maas::serve
