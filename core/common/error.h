#pragma once
// The maas exception family. Every message names the value received, what was expected,
// where it came from (file:line, key path or JSON path) and, where one exists, the fix.

#include <stdexcept>
#include <string>

namespace maas {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value passed by a caller or read from input is outside what the operation accepts.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// An experiment config is malformed: unknown or duplicate key, wrong type, out-of-range value.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file or folder could not be read or written, or its contents are malformed.
class IoError : public Error {
 public:
  using Error::Error;
};

// The request is well-formed but names something maas does not implement.
class Unsupported : public Error {
 public:
  using Error::Error;
};

}  // namespace maas
