#include "stream/redis_connection.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

namespace kairos {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000),
          static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

}  // namespace

void RedisReplyDeleter::operator()(redisReply* r) const { freeReplyObject(r); }

RedisConnection::RedisConnection(RedisAddress address, std::chrono::milliseconds timeout)
    : address_(std::move(address)), timeout_(timeout) {}

RedisConnection::~RedisConnection() {
  if (c_ != nullptr) redisFree(c_);
}

void RedisConnection::fail(const std::string& what) {
  std::string why = what;
  if (c_ != nullptr) {
    if (c_->err) why += std::string(": ") + c_->errstr;
    redisFree(c_);
    c_ = nullptr;
  }
  throw StreamUnavailable(fmt::format("redis {}:{}: {}", address_.host, address_.port, why));
}

void RedisConnection::connect() {
  if (c_ != nullptr) return;
  c_ = redisConnectWithTimeout(address_.host.c_str(), address_.port, to_timeval(timeout_));
  if (c_ == nullptr) fail("cannot allocate a connection");
  if (c_->err) fail("cannot connect");
  redisSetTimeout(c_, to_timeval(timeout_));
}

void RedisConnection::set_timeout(std::chrono::milliseconds t) {
  timeout_ = t;
  if (c_ != nullptr) redisSetTimeout(c_, to_timeval(t));
}

RedisReply RedisConnection::command(const std::vector<std::string>& argv) {
  return std::move(pipeline({argv}).front());
}

std::vector<RedisReply> RedisConnection::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  connect();
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& argv : commands) {
    args.clear();
    lens.clear();
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c_, static_cast<int>(args.size()), args.data(), lens.data()) !=
        REDIS_OK)
      fail("cannot send a command");
  }
  std::vector<RedisReply> replies;
  std::string error;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* r = nullptr;
    if (redisGetReply(c_, &r) != REDIS_OK || r == nullptr) fail("no reply");
    RedisReply reply(static_cast<redisReply*>(r));
    if (reply->type == REDIS_REPLY_ERROR && error.empty())
      error = fmt::format("{}: {}", commands[i].front(), std::string(reply->str, reply->len));
    replies.push_back(std::move(reply));
  }
  if (!error.empty()) {
    throw StreamUnavailable(fmt::format("redis {}:{}: {}", address_.host, address_.port, error));
  }
  return replies;
}

}  // namespace kairos
