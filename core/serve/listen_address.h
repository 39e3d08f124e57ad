#pragma once
// The listening socket's address: checks, socket options and how it is printed.

#include <string>

namespace maas::serve {

// Accepted connections waiting for a worker thread. cpp-httplib 0.11 listens with a backlog of 5,
// so a burst of new connections overflows the accept queue and the kernel drops the handshakes,
// which the clients retry after 200 ms to seconds. The kernel caps the value at
// net.core.somaxconn.
inline constexpr int kListenBacklog = 4096;

// Throws InvalidArgument naming `host` when it is neither an IP address nor a name that resolves.
void check_listen_host(const std::string& host);

// Sets SO_REUSEADDR only. cpp-httplib's default also sets SO_REUSEPORT, which lets a second server
// bind the same port and take part of the traffic instead of failing.
void set_listen_socket_options(int socket);

// Binds a probe socket to host:port and returns why it fails, like "the port is already in use",
// or an empty string when the bind now succeeds.
std::string probe_bind_failure(const std::string& host, int port);

// Returns "host:port", with an IPv6 host in brackets as URLs require: "[::1]:8080".
std::string format_address(const std::string& host, int port);

// Returns "scheme://" followed by format_address(host, port).
std::string format_url(const std::string& scheme, const std::string& host, int port);

}  // namespace maas::serve
