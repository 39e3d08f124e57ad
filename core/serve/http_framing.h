#pragma once
// Checks of the HTTP message framing that cpp-httplib 0.11 leaves to the application: how the
// body length is given, and why httplib rejected a request before any handler ran.

#include <httplib.h>

#include <cstddef>
#include <optional>
#include <string>

namespace maas::serve {

struct HttpError {
  int status = 400;
  std::string message;
};

// Returns the error for a request whose body length is ambiguous, invalid or over
// `max_body_bytes`, checked from the headers alone so no body byte is read:
//   400  more than one Content-Length, or Content-Length together with Transfer-Encoding (a
//        proxy and the server could split such a message differently: request smuggling), or a
//        Content-Length that is not a decimal number of bytes
//   411  a POST, PUT or PATCH without Content-Length or Transfer-Encoding
//   413  a Content-Length over max_body_bytes
//   501  a Transfer-Encoding other than "chunked"
// Returns nullopt when the framing is valid.
std::optional<HttpError> check_body_framing(const httplib::Request& req, std::size_t max_body_bytes);

// Returns the reason for an error status that httplib set while parsing the request line and
// headers, from what it parsed before it stopped. `status` is the status httplib chose; the
// returned status may be more specific (501 for an unknown method, 505 for an HTTP version).
HttpError describe_parse_error(const httplib::Request& req, int status);

}  // namespace maas::serve
