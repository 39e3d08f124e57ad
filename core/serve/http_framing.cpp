#include "core/serve/http_framing.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include <fmt/format.h>

namespace maas::serve {

namespace {

// The methods cpp-httplib 0.11 parses; any other method fails in its request-line parser.
constexpr std::array<std::string_view, 10> kKnownMethods = {"GET",     "HEAD",  "POST",  "PUT", "DELETE",
                                                          "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"};
// Longest header line cpp-httplib 0.11 reads (CPPHTTPLIB_HEADER_MAX_LENGTH in its build).
constexpr std::size_t kHeaderMaxBytes = 8192;
constexpr std::size_t kMaxQuotedBytes = 64;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Shortens and escapes a client-supplied value for an error message.
std::string quote_value(std::string_view value) {
  std::string out;
  for (char c : value.substr(0, kMaxQuotedBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\'' && c != '\\') {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", byte);
    }
  }
  if (value.size() > kMaxQuotedBytes) out += "...";
  return "'" + out + "'";
}

}  // namespace

std::optional<HttpError> check_body_framing(const httplib::Request& req, std::size_t max_body_bytes) {
  const std::size_t lengths = req.get_header_value_count("Content-Length");
  const std::size_t encodings = req.get_header_value_count("Transfer-Encoding");
  if (lengths > 1) {
    return HttpError{400, fmt::format("the request has {} Content-Length headers; send exactly one", lengths)};
  }
  if (lengths == 1 && encodings > 0) {
    return HttpError{400, "the request has both Content-Length and Transfer-Encoding; send only one of them"};
  }
  if (encodings > 0) {
    const std::string encoding = req.get_header_value("Transfer-Encoding");
    if (encodings > 1 || !equals_ignoring_case(encoding, "chunked")) {
      return HttpError{501, fmt::format("Transfer-Encoding {} is not supported; send the body with Content-Length "
                                        "or 'Transfer-Encoding: chunked'",
                                        quote_value(encodings > 1 ? encoding + ", ..." : encoding))};
    }
    return std::nullopt;
  }
  if (lengths == 1) {
    const std::string value = req.get_header_value("Content-Length");
    const bool digits = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    if (!digits) {
      return HttpError{400, fmt::format("Content-Length {} is not a non-negative decimal number of bytes",
                                        quote_value(value))};
    }
    // Compared as text first, so a value too large for any integer type is still "too large".
    const std::string_view significant = std::string_view(value).substr(std::min(value.find_first_not_of('0'),
                                                                                  value.size()));
    const std::string limit = std::to_string(max_body_bytes);
    const bool over = significant.size() != limit.size() ? significant.size() > limit.size() : significant > limit;
    if (over) {
      return HttpError{413, fmt::format("request body too large: Content-Length is {} and the limit is {} bytes "
                                        "(--max-body-bytes)",
                                        quote_value(value), max_body_bytes)};
    }
    return std::nullopt;
  }
  if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    return HttpError{411, fmt::format("{} needs a Content-Length header or 'Transfer-Encoding: chunked'", req.method)};
  }
  return std::nullopt;
}

HttpError describe_parse_error(const httplib::Request& req, int status) {
  if (status == 414) {
    return {414, fmt::format("request target too long; the limit is {} bytes", CPPHTTPLIB_REQUEST_URI_MAX_LENGTH)};
  }
  if (status == 413) return {413, "request body too large"};
  if (status != 400) return {status, fmt::format("request failed with HTTP status {}", status)};
  if (!req.method.empty() &&
      std::find(kKnownMethods.begin(), kKnownMethods.end(), std::string_view(req.method)) == kKnownMethods.end()) {
    return {501, fmt::format("method {} is not supported; use GET or POST", quote_value(req.method))};
  }
  if (!req.version.empty() && req.version != "HTTP/1.1" && req.version != "HTTP/1.0") {
    return {505, fmt::format("HTTP version {} is not supported; use HTTP/1.1 or HTTP/1.0", quote_value(req.version))};
  }
  if (req.method.empty() || req.version.empty()) {
    return {400, "invalid request line; expected 'METHOD /path HTTP/1.1' (HTTP/0.9 requests are not supported)"};
  }
  return {400, fmt::format("invalid request headers or body framing; each header must be 'Name: value' on one line "
                           "of at most {} bytes, and a chunked body needs hexadecimal chunk sizes",
                           kHeaderMaxBytes)};
}

}  // namespace maas::serve
