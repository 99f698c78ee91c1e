// Errors in two tiers (as faiss does):
//  - KAIROS_CHECK*: bad input, config or files. Throws a kairos::Error subclass whose kind maps to
//  a
//    documented CLI exit code (docs/CLI.md) and to an HTTP status in the server.
//  - KAIROS_ASSERT: a broken internal invariant. Prints and aborts; never caught.
// Exceptions are converted to messages in exactly two places: cli/main.cc and the HTTP error
// handler.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace kairos {

// Values are the CLI exit codes.
enum class ErrorKind : int {
  kInternal = 1,  // anything unexpected (including exceptions from libraries)
  kUsage = 2,     // bad flags, config keys or values
  kInput = 3,     // malformed or inconsistent data (rows, columns, formats, artifacts)
  kIo = 4,        // a file or directory cannot be opened, read or written
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] void abort_with(const char* file, int line, const char* cond, const std::string& msg);

}  // namespace kairos

#define KAIROS_THROW(kind, ...) throw ::kairos::Error((kind), ::fmt::format(__VA_ARGS__))

#define KAIROS_CHECK_KIND(cond, kind, ...)        \
  do {                                            \
    if (!(cond)) KAIROS_THROW(kind, __VA_ARGS__); \
  } while (0)

// Bad data or arguments: KAIROS_CHECK(n > 0, "bad count {} in {}", n, path);
#define KAIROS_CHECK(cond, ...) KAIROS_CHECK_KIND(cond, ::kairos::ErrorKind::kInput, __VA_ARGS__)
#define KAIROS_CHECK_USAGE(cond, ...) \
  KAIROS_CHECK_KIND(cond, ::kairos::ErrorKind::kUsage, __VA_ARGS__)
#define KAIROS_CHECK_IO(cond, ...) KAIROS_CHECK_KIND(cond, ::kairos::ErrorKind::kIo, __VA_ARGS__)

#define KAIROS_ASSERT(cond)                                           \
  do {                                                                \
    if (!(cond)) ::kairos::abort_with(__FILE__, __LINE__, #cond, ""); \
  } while (0)
