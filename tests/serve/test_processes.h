// Child processes the serving tests run: `kairos serve` and redis-server (Debian's), on free
// loopback ports.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "serve/redis_event_log.h"

namespace kairos {

inline std::string redis_server_binary() {
  for (const char* p : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  return ok ? ntohs(addr.sin_port) : 0;
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

// One `kairos serve` child process (stdout and stderr to `log`).
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const std::string& log) {
    pid_ = fork();
    if (pid_ == 0) {
      freopen(log.c_str(), "w", stdout);
      dup2(fileno(stdout), 2);
      std::vector<char*> argv;
      static std::string bin = KAIROS_BINARY;
      argv.push_back(bin.data());
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
  }
  ~ServeProcess() { stop(SIGTERM); }
  // Sends `signal` (SIGKILL: a crash) and waits for the process to end.
  void stop(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

 private:
  pid_t pid_ = -1;
};

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
