// The event stream for learning (docs/ONLINE.md): every event `kairos serve` validates is
// appended here before it is applied to a session, so training reads back exactly what the shop
// sent. Two backends:
//  - files (`--event-log DIR`): rotating tab-separated files in the `stream` format
//    (data/stream_record.h), synced to disk before the request is answered (group commit: one
//    fdatasync covers every request that wrote meanwhile);
//  - Redis Streams (`--event-stream redis`, with `--redis`): XADD to one stream key, trimmed by
//    length on every append and by age every few seconds; consumers read it with consumer groups
//    (`kairos stream export`). Durability is Redis's own (appendonly yes, appendfsync always).
// append() returns only once the events are durable; on failure it throws StreamUnavailable and
// the server answers 503 without applying the batch, so a retry is safe (the reader drops
// repeated event ids).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

#include "data/stream_record.h"

namespace kairos {

class StreamUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct EventStreamOptions {
  // Files: the directory (created if missing).
  std::string dir;
  uint64_t rotate_bytes = uint64_t{64} << 20;  // a new file after this many bytes ...
  std::chrono::seconds rotate_age{3600};       // ... or after this long
  std::chrono::hours keep{24 * 30};            // files last modified longer ago are deleted
  // Redis: "host:port" and the stream key.
  std::string redis;
  std::string key = "kairos:events";
  uint64_t max_len = 10'000'000;       // XADD MAXLEN ~
  std::chrono::hours max_age{24 * 7};  // XTRIM MINID ~ (now - max_age)
  std::chrono::milliseconds timeout{500};
};

class EventStream {
 public:
  virtual ~EventStream() = default;
  // Appends the records durably, in order. Throws StreamUnavailable.
  virtual void append(std::span<const StreamRecord> records) = 0;
  // "files DIR" / "redis HOST:PORT KEY".
  virtual std::string describe() const = 0;
  // "" when the stream can take writes, else the reason (readiness).
  virtual std::string unreachable_reason() { return ""; }
};

std::unique_ptr<EventStream> open_file_stream(const EventStreamOptions& o);
std::unique_ptr<EventStream> open_redis_stream(const EventStreamOptions& o);

}  // namespace kairos
