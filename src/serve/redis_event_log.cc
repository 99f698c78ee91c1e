#include "serve/redis_event_log.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "stream/redis_address.h"

namespace kairos {

namespace {

// KEYS: log, meta, ids. ARGV: event id ("" none), ts_ms, entry body, ttl seconds, max events,
// server time ("1": ts_ms is the server's clock and moves up to the last event's time instead of
// being refused). An entry is "<ts_ms> <body>". Returns {1, seq, ts} appended, {0} duplicate,
// {-1} out of order. Timestamps stay strings (Lua numbers would print 1.7e+12).
constexpr const char* kAppendScript = R"lua(
if ARGV[1] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then return {0} end
local ts = ARGV[2]
local last = redis.call('HGET', KEYS[2], 'last_ts')
if last and tonumber(ts) < tonumber(last) then
  if ARGV[6] ~= '1' then return {-1} end
  ts = last
end
redis.call('RPUSH', KEYS[1], ts .. ' ' .. ARGV[3])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[5]), -1)
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('HSET', KEYS[2], 'last_ts', ts)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
if ARGV[1] ~= '' then
  redis.call('SADD', KEYS[3], ARGV[1])
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
return {1, seq, ts}
)lua";

// KEYS: log, meta. Returns {} (no session) or {seq, {entries...}}.
// ARGV[1]: the caller's sequence number. Returns the events after it when the log still holds
// them all, else every retained event.
constexpr const char* kFetchScript = R"lua(
local seq = redis.call('HGET', KEYS[2], 'seq')
if not seq then return {} end
local after = tonumber(ARGV[1])
local missing = tonumber(seq) - after
if after > 0 and missing >= 0 and missing <= redis.call('LLEN', KEYS[1]) then
  if missing == 0 then return {seq, {}} end
  return {seq, redis.call('LRANGE', KEYS[1], -missing, -1)}
end
return {seq, redis.call('LRANGE', KEYS[1], 0, -1)}
)lua";

timeval to_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000),
          static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

std::string hex(const std::string& s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

uint64_t to_u64(const redisReply* r) {
  if (r->type == REDIS_REPLY_INTEGER) return static_cast<uint64_t>(r->integer);
  if (r->type == REDIS_REPLY_STRING) return std::stoull(std::string(r->str, r->len));
  return 0;
}

}  // namespace

RedisOptions parse_redis_address(const std::string& address) {
  const RedisAddress a = parse_redis_host_port(address);
  RedisOptions o;
  o.host = a.host;
  o.port = a.port;
  return o;
}

struct RedisEventLog::Connection {
  redisContext* c = nullptr;
  ~Connection() {
    if (c != nullptr) redisFree(c);
  }
};

// A connection borrowed from the pool for one command; returned on success, dropped on failure
// (the next lease connects afresh, which is how the log recovers when Redis comes back).
class RedisEventLog::Lease {
 public:
  explicit Lease(RedisEventLog& log) : log_(log) {
    {
      std::lock_guard lock(log_.mu_);
      if (!log_.idle_.empty()) {
        conn_ = std::move(log_.idle_.back());
        log_.idle_.pop_back();
        reused_ = true;
      }
    }
    if (!conn_) conn_ = log_.connect();
  }
  ~Lease() {
    if (!conn_) return;
    std::lock_guard lock(log_.mu_);
    if (log_.idle_.size() < log_.o_.max_idle_connections) log_.idle_.push_back(std::move(conn_));
  }

  Reply command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    Reply r(static_cast<redisReply*>(
        redisCommandArgv(conn_->c, static_cast<int>(argv.size()), argv.data(), lens.data())));
    if (!r && reused_ && stale(*conn_->c)) {
      // A pooled connection that Redis closed while it sat idle (restart, CLIENT KILL, idle
      // timeout): the command never reached a live server, so it is sent once more on a fresh
      // connection. Timeouts are not retried here: the command may have run (see
      // docs/API.md, "Redis": clients retry with their event_id).
      reused_ = false;
      conn_ = log_.connect();
      r.reset(static_cast<redisReply*>(
          redisCommandArgv(conn_->c, static_cast<int>(argv.size()), argv.data(), lens.data())));
    }
    if (!r) {
      const std::string why = conn_->c->errstr;
      conn_.reset();
      throw StoreUnavailable("redis: " + (why.empty() ? std::string("no reply") : why));
    }
    if (r->type == REDIS_REPLY_ERROR) {
      const std::string why(r->str, r->len);
      conn_.reset();  // LOADING, READONLY, OOM...: do not trust this connection either
      throw StoreUnavailable("redis: " + why);
    }
    return r;
  }

 private:
  // The peer closed the connection (EOF, reset, broken pipe), as opposed to a timeout.
  static bool stale(const redisContext& c) {
    if (c.err == REDIS_ERR_EOF) return true;
    const std::string_view why(c.errstr);
    return c.err == REDIS_ERR_IO && (why.find("reset") != std::string_view::npos ||
                                     why.find("Broken pipe") != std::string_view::npos);
  }

  RedisEventLog& log_;
  std::unique_ptr<Connection> conn_;
  bool reused_ = false;
};

RedisEventLog::RedisEventLog(RedisOptions o) : o_(std::move(o)) {
  KAIROS_CHECK_USAGE(o_.max_events > 0, "redis: max_events must be positive");
}

RedisEventLog::~RedisEventLog() = default;

std::unique_ptr<RedisEventLog::Connection> RedisEventLog::connect() {
  auto conn = std::make_unique<Connection>();
  conn->c = redisConnectWithTimeout(o_.host.c_str(), o_.port, to_timeval(o_.connect_timeout));
  if (conn->c == nullptr) throw StoreUnavailable("redis: cannot allocate a connection");
  if (conn->c->err != 0) {
    throw StoreUnavailable(fmt::format("redis {}:{}: {}", o_.host, o_.port, conn->c->errstr));
  }
  redisSetTimeout(conn->c, to_timeval(o_.command_timeout));
  return conn;
}

std::string RedisEventLog::key(const std::string& session_key, const char* part) const {
  return o_.prefix + ":{" + hex(session_key) + "}:" + part;
}

RedisEventLog::Appended RedisEventLog::append(const std::string& session_key,
                                              const std::string& event_id, const LoggedEvent& e,
                                              bool server_time) {
  const std::string body = nlohmann::json::array({e.type, e.item_id}).dump();
  Lease lease(*this);
  const Reply r = lease.command({"EVAL", kAppendScript, "3", key(session_key, "log"),
                                 key(session_key, "meta"), key(session_key, "ids"), event_id,
                                 std::to_string(e.ts_ms), body, std::to_string(o_.ttl.count()),
                                 std::to_string(o_.max_events), server_time ? "1" : "0"});
  if (r->type != REDIS_REPLY_ARRAY || r->elements == 0)
    throw StoreUnavailable("redis: unexpected reply to append");
  const long long status = r->element[0]->integer;
  if (status == 0) return {Status::kDuplicate, 0, 0};
  if (status < 0) return {Status::kOutOfOrder, 0, 0};
  if (r->elements != 3) throw StoreUnavailable("redis: unexpected reply to append");
  const redisReply* ts = r->element[2];
  return {Status::kAppended, to_u64(r->element[1]),
          ts->type == REDIS_REPLY_STRING ? std::stoll(std::string(ts->str, ts->len)) : e.ts_ms};
}

uint64_t RedisEventLog::seq(const std::string& session_key) {
  Lease lease(*this);
  const Reply r = lease.command({"HGET", key(session_key, "meta"), "seq"});
  return r->type == REDIS_REPLY_NIL ? 0 : to_u64(r.get());
}

RedisEventLog::Log RedisEventLog::fetch(const std::string& session_key, uint64_t after_seq) {
  Lease lease(*this);
  const Reply r = lease.command({"EVAL", kFetchScript, "2", key(session_key, "log"),
                                 key(session_key, "meta"), std::to_string(after_seq)});
  Log log;
  if (r->type != REDIS_REPLY_ARRAY) throw StoreUnavailable("redis: unexpected reply to fetch");
  if (r->elements == 0) return log;
  if (r->elements != 2 || r->element[1]->type != REDIS_REPLY_ARRAY)
    throw StoreUnavailable("redis: unexpected reply to fetch");
  log.seq = to_u64(r->element[0]);
  const redisReply* entries = r->element[1];
  for (size_t i = 0; i < entries->elements; ++i) {
    const redisReply* x = entries->element[i];
    const std::string entry(x->str, x->len);
    const size_t space = entry.find(' ');
    try {
      if (space == std::string::npos) throw std::invalid_argument("no timestamp");
      const auto j = nlohmann::json::parse(entry.substr(space + 1));
      log.events.push_back(
          {std::stoll(entry.substr(0, space)), j.at(0).get<uint8_t>(), j.at(1).get<std::string>()});
    } catch (const std::exception& ex) {
      throw StoreUnavailable(
          // No key in the message: it holds the session id, which never reaches the logs.
          fmt::format("redis: malformed event in a session log: {}", ex.what()));
    }
  }
  return log;
}

std::string RedisEventLog::unreachable_reason() {
  try {
    Lease lease(*this);
    lease.command({"PING"});
    return "";
  } catch (const StoreUnavailable& e) {
    return e.what();
  }
}

}  // namespace kairos
