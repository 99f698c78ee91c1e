// Child processes the serving tests run: `kairos serve` (data/test_process.h) and redis-server
// (Debian's), on free loopback ports.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "data/test_process.h"
#include "serve/redis_event_log.h"

namespace kairos {

inline std::string redis_server_binary() {
  for (const char* p : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

// The loopback port of the Redis named by KAIROS_TEST_REDIS (0: none).
inline int external_redis_port() {
  const char* v = std::getenv("KAIROS_TEST_REDIS");
  if (v == nullptr || *v == 0) return 0;
  const RedisOptions o = parse_redis_address(v);
  return o.host == "127.0.0.1" || o.host == "localhost" ? o.port : 0;
}

// A prefix no earlier run used (an external Redis keeps its keys between runs).
inline std::string fresh_prefix(const std::string& base) {
  return base + "-" + std::to_string(getpid()) + "-" + std::to_string(std::random_device{}());
}

// One `kairos serve` child process (stdout and stderr to a log).
using ServeProcess = test::KairosProcess;
using test::free_port;

// One redis-server child process; restartable on the same port and data directory.
class RedisProcess {
 public:
  RedisProcess(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}
  ~RedisProcess() { kill_now(); }

  bool start() {
    pid_ = fork();
    if (pid_ == 0) {
      const std::string port = std::to_string(port_), log = dir_ + "/redis.log";
      execl(redis_server_binary().c_str(), "redis-server", "--port", port.c_str(), "--bind",
            "127.0.0.1", "--dir", dir_.c_str(), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "", "--daemonize", "no", "--logfile", log.c_str(), nullptr);
      _exit(127);
    }
    RedisOptions o;
    o.port = port_;
    RedisEventLog probe(o);
    for (int i = 0; i < 300; ++i) {
      if (probe.unreachable_reason().empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }

 private:
  std::string dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace kairos
