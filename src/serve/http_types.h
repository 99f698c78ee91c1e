// The plain request and response the HTTP layer (serve/http_server.h) hands to route handlers, and
// the deadline every handler's work runs under. Handlers never see sockets or parser state.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kairos {

// When a request's work must stop: its deadline, or the server draining for shutdown. Loops
// whose length a client controls call check() once per step.
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  Deadline() = default;
  Deadline(Clock::time_point at, const std::atomic<bool>* stopping)
      : at_(at), stopping_(stopping) {}
  static Deadline never() { return {}; }

  bool passed() const {
    return (stopping_ != nullptr && stopping_->load(std::memory_order_relaxed)) ||
           (at_ != Clock::time_point::max() && Clock::now() >= at_);
  }
  // Throws ApiError(503) once passed().
  void check() const;
  Clock::time_point at() const { return at_; }

 private:
  Clock::time_point at_ = Clock::time_point::max();
  const std::atomic<bool>* stopping_ = nullptr;
};

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // decoded target without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::vector<std::string> captures;  // the path segments matched by `*` in the route pattern
  std::string body;
  Deadline deadline;

  std::string_view header(std::string_view lower_name) const;  // "" when absent
  const std::string* param(std::string_view name) const;       // null when absent
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace kairos
