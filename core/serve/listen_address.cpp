#include "core/serve/listen_address.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::serve {

namespace {

struct AddressInfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};
using AddressInfo = std::unique_ptr<addrinfo, AddressInfoDeleter>;

// Resolves host:port for a listening socket, or returns the getaddrinfo error code.
int resolve(const std::string& host, int port, AddressInfo& result) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int status = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  result.reset(found);
  return status;
}

}  // namespace

void check_listen_host(const std::string& host) {
  AddressInfo info;
  const int status = resolve(host, 0, info);
  if (status != 0) {
    throw InvalidArgument(fmt::format("--host '{}' is not a valid IP address or resolvable host name ({}); pass an "
                                      "address such as 127.0.0.1, ::1 or 0.0.0.0",
                                      host, gai_strerror(status)));
  }
}

void set_listen_socket_options(int socket) {
  const int yes = 1;
  setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

std::string probe_bind_failure(const std::string& host, int port) {
  AddressInfo info;
  const int status = resolve(host, port, info);
  if (status != 0) return fmt::format("the address does not resolve ({})", gai_strerror(status));
  int error = 0;
  for (const addrinfo* address = info.get(); address != nullptr; address = address->ai_next) {
    const int probe = ::socket(address->ai_family, address->ai_socktype, address->ai_protocol);
    if (probe < 0) {
      error = errno;
      continue;
    }
    set_listen_socket_options(probe);
    const bool bound = ::bind(probe, address->ai_addr, address->ai_addrlen) == 0;
    if (!bound) error = errno;
    ::close(probe);
    if (bound) return "";
  }
  switch (error) {
    case EADDRINUSE:
      return "the port is already in use by another process";
    case EADDRNOTAVAIL:
      return "the address does not belong to this machine";
    case EACCES:
      return "permission denied (ports below 1024 need privileges)";
    default:
      return std::strerror(error);
  }
}

std::string format_address(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return ipv6 ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::string format_url(const std::string& scheme, const std::string& host, int port) {
  return fmt::format("{}://{}", scheme, format_address(host, port));
}

}  // namespace maas::serve
