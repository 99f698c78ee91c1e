#include "stream/redis_stream.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <mutex>

#include "core/error.h"
#include "core/system.h"
#include "data/fields.h"

namespace kairos {
namespace {

std::string str(const redisReply* r) {
  return r != nullptr && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
             ? std::string(r->str, r->len)
             : std::string();
}

// The writer: every append is one pipeline of XADDs; every few seconds an XTRIM MINID trims by age.
class RedisEventStream final : public EventStream {
 public:
  explicit RedisEventStream(EventStreamOptions o)
      : o_(std::move(o)), conn_(parse_redis_host_port(o_.redis), o_.timeout) {}

  void append(std::span<const StreamRecord> records) override {
    if (records.empty()) return;
    std::vector<std::vector<std::string>> commands;
    commands.reserve(records.size() + 1);
    for (const auto& r : records) {
      std::vector<std::string> c = {"XADD", o_.key, "MAXLEN", "~", std::to_string(o_.max_len), "*"};
      for (auto& f : stream_entry_fields(r)) c.push_back(std::move(f));
      commands.push_back(std::move(c));
    }
    const int64_t now = unix_now_ms();
    std::lock_guard lock(mu_);
    if (now - last_trim_ms_ > 10'000) {
      const int64_t min_id =
          now - std::chrono::duration_cast<std::chrono::milliseconds>(o_.max_age).count();
      commands.push_back(
          {"XTRIM", o_.key, "MINID", "~", std::to_string(std::max<int64_t>(min_id, 0))});
      last_trim_ms_ = now;
    }
    conn_.pipeline(commands);
  }

  std::string describe() const override {
    return fmt::format("redis {}:{} {}", conn_.address().host, conn_.address().port, o_.key);
  }

  std::string unreachable_reason() override {
    std::lock_guard lock(mu_);
    try {
      conn_.command({"PING"});
      return "";
    } catch (const StreamUnavailable& e) {
      return e.what();
    }
  }

 private:
  EventStreamOptions o_;
  std::mutex mu_;
  RedisConnection conn_;
  int64_t last_trim_ms_ = 0;
};

}  // namespace

std::vector<std::string> stream_entry_fields(const StreamRecord& r) {
  return {"ts",       std::to_string(r.ts_ms),
          "session",  r.session_id,
          "user",     r.user_id,
          "item",     r.item_id,
          "type",     std::string(event_type_name(r.type)),
          "event_id", r.event_id};
}

std::string record_from_entry(const redisReply& entry, StreamRecord* out, std::string* id) {
  if (entry.type != REDIS_REPLY_ARRAY || entry.elements != 2) return "not a stream entry";
  *id = str(entry.element[0]);
  const redisReply* fields = entry.element[1];
  if (fields == nullptr || fields->type != REDIS_REPLY_ARRAY) return "entry without fields";
  *out = StreamRecord();
  if (!parse_i64(std::string_view(*id).substr(0, id->find('-')), &out->logged_ms))
    return "bad entry id";
  bool has_ts = false, has_type = false;
  for (size_t i = 0; i + 1 < fields->elements; i += 2) {
    const std::string k = str(fields->element[i]), v = str(fields->element[i + 1]);
    if (k == "ts") {
      has_ts = parse_i64(v, &out->ts_ms) && out->ts_ms >= 0;
    } else if (k == "session") {
      out->session_id = v;
    } else if (k == "user") {
      out->user_id = v;
    } else if (k == "item") {
      out->item_id = v;
    } else if (k == "type") {
      const auto t = parse_event_type(v);
      has_type = t.has_value();
      if (t) out->type = *t;
    } else if (k == "event_id") {
      out->event_id = v;
    }
  }
  if (!has_ts) return "no valid 'ts' field";
  if (!has_type) return "no valid 'type' field";
  if (out->item_id.empty()) return "no 'item' field";
  if (out->session_id.empty() && out->user_id.empty()) return "neither 'session' nor 'user'";
  return "";
}

std::unique_ptr<EventStream> open_redis_stream(const EventStreamOptions& o) {
  KAIROS_CHECK_USAGE(!o.redis.empty(), "event stream: no Redis address");
  return std::make_unique<RedisEventStream>(o);
}

RedisStreamReader::RedisStreamReader(RedisAddress address, std::string key,
                                     std::chrono::milliseconds timeout)
    : conn_(std::move(address), timeout), key_(std::move(key)) {}

uint64_t RedisStreamReader::range(int64_t since_ms, int64_t until_ms,
                                  const std::function<void(const StreamRecord&)>& sink,
                                  uint64_t* skipped) {
  constexpr size_t kPage = 10000;
  std::string start = std::to_string(std::max<int64_t>(since_ms, 0));
  const std::string end = until_ms == INT64_MAX ? "+" : fmt::format("({}", until_ms);
  uint64_t n = 0;
  StreamRecord r;
  std::string id;
  for (;;) {
    const RedisReply page =
        conn_.command({"XRANGE", key_, start, end, "COUNT", std::to_string(kPage)});
    if (page->type != REDIS_REPLY_ARRAY || page->elements == 0) break;
    for (size_t i = 0; i < page->elements; ++i) {
      if (record_from_entry(*page->element[i], &r, &id).empty()) {
        sink(r);
        ++n;
      } else {
        ++*skipped;
      }
    }
    if (page->elements < kPage) break;
    start = "(" + id;  // exclusive: after the last entry of this page
  }
  return n;
}

void RedisStreamReader::create_group(const std::string& group) {
  try {
    conn_.command({"XGROUP", "CREATE", key_, group, "0", "MKSTREAM"});
  } catch (const StreamUnavailable& e) {
    if (std::string(e.what()).find("BUSYGROUP") == std::string::npos) throw;
  }
}

std::vector<RedisStreamReader::Entry> RedisStreamReader::read_group(
    const std::string& group, const std::string& consumer, size_t count,
    std::chrono::milliseconds block) {
  std::vector<Entry> out;
  for (int pass = 0; pass < 2 && out.empty(); ++pass) {
    const bool pending = !pending_done_;
    std::vector<std::string> argv = {"XREADGROUP", "GROUP", group,
                                     consumer,     "COUNT", std::to_string(count)};
    if (!pending) {
      argv.push_back("BLOCK");
      argv.push_back(std::to_string(block.count()));
    }
    argv.insert(argv.end(), {"STREAMS", key_, pending ? "0" : ">"});
    RedisReply reply = conn_.command(argv);
    // Reply: nil (timeout) or [[key, [entries...]]].
    const redisReply* entries = nullptr;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
        reply->element[0]->type == REDIS_REPLY_ARRAY && reply->element[0]->elements == 2) {
      entries = reply->element[0]->element[1];
    }
    if (entries == nullptr || entries->elements == 0) {
      if (pending) pending_done_ = true;  // history drained: read new entries from now on
      if (!pending) break;
      continue;
    }
    for (size_t i = 0; i < entries->elements; ++i) {
      Entry e;
      e.ok = record_from_entry(*entries->element[i], &e.record, &e.id).empty();
      if (!e.id.empty()) out.push_back(std::move(e));
    }
  }
  return out;
}

void RedisStreamReader::ack(const std::string& group, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  std::vector<std::string> argv = {"XACK", key_, group};
  argv.insert(argv.end(), ids.begin(), ids.end());
  conn_.command(argv);
}

}  // namespace kairos
