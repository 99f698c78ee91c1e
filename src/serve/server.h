// kairos serve: the HTTP API of docs/API.md over serve/http_server.h (Boost.Beast: byte and time
// limits on every request, a bounded work queue that sheds load, /healthz on the I/O thread), with
// live sessions in memory or in Redis (serve/live_sessions.h), a model artifact that can be
// reloaded from a models root and swapped atomically, popularity fallbacks, explanations and
// Prometheus metrics. The cost of one request is bounded: docs/API.md, "Limits".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "serve/served_model.h"

namespace kairos {

struct ServeOptions {
  std::string model_dir;
  // Interest artifact (kairos train --task ...) served beside the next-item model by
  // /v1/predict; "" = none. A reload keeps it (and reloads it from this directory).
  std::string interest_dir;
  std::string host = "127.0.0.1";
  int port = 8080;     // 0 = any free port (tests)
  int threads = 4;     // workers running handlers (connections are held by the I/O thread)
  int io_threads = 1;  // threads owning the sockets (parsing, writing, /healthz)
  size_t queue = 256;  // requests waiting for a worker; beyond, 503 + Retry-After
  size_t max_connections = 1024;
  std::string api_key;  // required on writes and admin when set; admin is refused (403) without
  // Reload only loads artifacts under this directory (default: the parent of model_dir).
  std::string models_root;
  std::string redis;  // "host:port": sessions shared through Redis (empty: in memory)
  std::string redis_prefix = "kairos";
  int session_ttl_s = 1800;
  size_t max_sessions = 1'000'000;
  size_t max_session_events = 1000;  // most recent events a session keeps (memory and Redis)
  size_t payload_limit = 1 << 20;    // bytes, however the body is framed
  size_t header_limit = 16 * 1024;   // bytes of request line + headers
  size_t max_headers = 64;
  int request_timeout_ms = 10'000;  // whole request (headers + body) from its first byte
  int idle_timeout_ms = 60'000;     // keep-alive connection without a request
  int write_timeout_ms = 10'000;
  int handler_timeout_ms = 2'000;  // queue wait + work; past it: 503
  int drain_timeout_ms = 10'000;   // SIGTERM: in-flight requests get this long
  size_t max_k = 1000;
  size_t max_explain_k = 100;       // k allowed with explain (each item is explained)
  size_t max_stateless_items = 0;   // items of a stateless recommend; 0 = max_session_events
  size_t max_id_bytes = 256;        // session_id, user_id, event_id, item_id
  int64_t max_clock_skew_s = 300;   // events with ts beyond now + skew are refused
  size_t session_memory_mb = 2048;  // byte bound of the in-memory sessions (LRU beyond)
  int redis_timeout_ms = 1000;      // connect and command timeout
  // The event stream for learning (stream/event_stream.h): every validated event is appended
  // durably before it is applied. event_log_dir: rotating files; event_stream_redis: a Redis
  // stream at that address ("" = none). Both may be set (files and Redis).
  std::string event_log_dir, event_stream_redis;
  std::string event_stream_key = "kairos:events";
  uint64_t event_stream_max_len = 10'000'000;
  double event_stream_max_age_h = 24 * 7;
  size_t event_log_rotate_mb = 64;
  double event_log_keep_days = 30;
  RetrievalOptions retrieval;
  // POST /v1/audiences: customers ranked for a product's attributes, from this transactions file
  // (empty: the route answers 404 with the reason); serve/audience_service.h.
  // With it, /v1/predict adds the profile of a known user_id (return propensity within
  // return_horizon_days by BG/NBD, the words of their products).
  std::string customers_file, customers_format, audience_model = "token-affinity";
  int return_horizon_days = 30;
  size_t max_audience_text = 4096;  // bytes of an audience request's item text
};

class Server {
 public:
  // Loads and warms up the model; throws kairos::Error if it cannot.
  explicit Server(ServeOptions o);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds (port 0 picks a free one) and returns the port; then run() serves until stop() (or
  // SIGINT/SIGTERM after handle_signals()) and returns once in-flight requests have drained.
  int bind();
  void handle_signals();
  void run();
  void stop();  // thread-safe, returns at once

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kairos
