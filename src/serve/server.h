// kairos serve: the HTTP API of docs/API.md over cpp-httplib (bounded thread pool, read/write
// timeouts, payload limit), with live sessions in memory or in Redis (serve/live_sessions.h), a
// model artifact that can be reloaded and swapped atomically, popularity fallbacks, explanations
// and Prometheus metrics.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "serve/served_model.h"

namespace kairos {

struct ServeOptions {
  std::string model_dir;
  std::string host = "127.0.0.1";
  int port = 8080;      // 0 = any free port (tests)
  int threads = 64;     // HTTP workers; an open keep-alive connection holds one (size >= clients)
  std::string api_key;  // required on write and admin routes when set
  std::string redis;    // "host:port": sessions shared through Redis (empty: in memory)
  std::string redis_prefix = "kairos";
  int session_ttl_s = 1800;
  size_t max_sessions = 1'000'000;
  size_t max_session_events = 1000;  // most recent events a session keeps (memory and Redis)
  size_t payload_limit = 1 << 20;    // bytes
  int read_timeout_s = 5, write_timeout_s = 5;
  size_t max_k = 1000;
  RetrievalOptions retrieval;
};

class Server {
 public:
  // Loads and warms up the model; throws kairos::Error if it cannot.
  explicit Server(ServeOptions o);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds (port 0 picks a free one) and returns the port; then run() serves until stop().
  int bind();
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kairos
