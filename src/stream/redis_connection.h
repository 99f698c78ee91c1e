// One hiredis connection with timeouts, commands as argument vectors, and errors as exceptions:
// a connection or protocol failure throws StreamUnavailable and marks the connection for a fresh
// connect on the next command (how a client recovers when Redis comes back).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "stream/event_stream.h"
#include "stream/redis_address.h"

struct redisContext;
struct redisReply;

namespace kairos {

struct RedisReplyDeleter {
  void operator()(redisReply* r) const;
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

class RedisConnection {
 public:
  RedisConnection(RedisAddress address, std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Runs one command; an error reply throws StreamUnavailable with Redis's message.
  RedisReply command(const std::vector<std::string>& argv);
  // Sends all commands, then reads all replies (one round trip); error replies throw.
  std::vector<RedisReply> pipeline(const std::vector<std::vector<std::string>>& commands);
  // Commands that may block longer than the timeout (XREADGROUP BLOCK) raise it for one call.
  void set_timeout(std::chrono::milliseconds t);
  const RedisAddress& address() const { return address_; }

 private:
  void connect();
  [[noreturn]] void fail(const std::string& what);

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  redisContext* c_ = nullptr;
};

}  // namespace kairos
