// The HTTP/1.1 front of kairos serve, on Boost.Beast (asio): a few I/O threads own every socket,
// so slow or idle clients cost a file descriptor and a buffer, never a worker; handlers run on a
// WorkerPool behind a bounded queue.
//
// Why Beast and not cpp-httplib (used before 2026-12): cpp-httplib reads each request on a worker
// thread with per-read timeouts, so slow clients pinned every worker; its payload limit held only
// for Content-Length bodies (chunked bodies were read whole), and Debian's build inflated
// gzip/brotli bodies without bound before routing; its accept queue had no bound. Beast's parser
// gives byte limits on headers and bodies however framed, and nothing is decompressed.
//
// What one request may cost (the limits, all in HttpLimits):
//  - request line + headers <= header_bytes and <= max_headers fields, else 431;
//  - body <= body_bytes (Content-Length, chunked or read to close alike), else 413; a body with a
//    Content-Encoding other than identity is refused (415) before it is read;
//  - headers and body must arrive within request_timeout of the request's first byte (slow
//    clients: 408 and the connection closes); an idle keep-alive connection closes after
//    idle_timeout; a reply must be written within write_timeout;
//  - routes are matched and guards (API keys) checked on the headers, before any body is read;
//  - worker routes queue at most queue_capacity requests (else 503 + Retry-After, load shed) and
//    must finish within handler_timeout of arriving (Deadline; else 503);
//  - inline routes (/healthz, /metrics) run on the I/O thread: answered when every worker is busy;
//  - at most max_connections open connections (others get 503 and are closed).
// Memory is bounded by max_connections x (header_bytes + body_bytes) plus queued requests.
// stop() drains: no new connections, in-flight requests get drain_timeout, then it closes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "serve/http_types.h"

namespace kairos {

struct HttpLimits {
  size_t body_bytes = 1 << 20;
  size_t header_bytes = 16 * 1024;
  size_t max_headers = 64;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds handler_timeout{2'000};
  std::chrono::milliseconds drain_timeout{10'000};
  size_t max_connections = 1024;
  size_t queue_capacity = 256;
  int workers = 4;
  int io_threads = 1;
};

// Why the HTTP layer refused a request before any handler ran (metrics label).
using RejectHook = std::function<void(int status, const char* reason)>;

class HttpServer {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;
  // Runs on the headers before the body is read; throws ApiError to refuse (401, 403, ...).
  using Guard = std::function<void(const HttpRequest&)>;
  enum class Run { kWorker, kInline };

  explicit HttpServer(HttpLimits limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // `pattern`: an exact path, or segments where `*` matches one segment (HttpRequest::captures).
  // Handlers throw ApiError for 4xx/503 replies; anything else escaping a handler becomes a 500.
  void route(std::string method, std::string pattern, Handler fn, Run run = Run::kWorker,
             Guard guard = nullptr);
  void on_reject(RejectHook hook);

  // Binds (port 0 = any free port) and returns the port.
  int bind(const std::string& host, int port);
  // Serves until stop() (or SIGINT/SIGTERM when handle_signals()), then drains and returns.
  void run();
  void handle_signals();
  // Thread-safe; returns at once (run() returns when drained).
  void stop();

  // Requests being handled or queued right now.
  size_t in_flight() const;

  struct Impl;  // public for the connection class in http_server.cc only

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kairos
