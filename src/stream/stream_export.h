// Getting the event stream out of Redis and into files the `stream` reader takes:
//  - export_window(): one time window, read with XRANGE into one file (what `kairos prepare
//    --format stream --input redis://HOST:PORT[/KEY]` does before it reads);
//  - archive_group(): a consumer group copying every entry into rotating files, acknowledging an
//    entry only after its file is synced (`kairos stream export`): at-least-once, and the reader
//    drops the repeats a crash between sync and ack can leave.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "stream/event_stream.h"
#include "stream/redis_address.h"

namespace kairos {

struct RedisStreamSource {
  RedisAddress address;
  std::string key = "kairos:events";
};
// "redis://host:port[/key]".
RedisStreamSource parse_redis_stream_url(const std::string& url);
bool is_redis_url(const std::string& s);

struct ExportCounts {
  uint64_t entries = 0;  // written
  uint64_t skipped = 0;  // not Kairos events (counted, acknowledged)
};

// Writes the entries appended in [since_ms, until_ms) to `path` (a stream file, atomically).
ExportCounts export_window(const RedisStreamSource& source, int64_t since_ms, int64_t until_ms,
                           const std::string& path);

struct ArchiveOptions {
  std::string group = "archive", consumer = "archiver-1";
  EventStreamOptions files;  // the output directory and its rotation
  size_t batch = 1000;
  std::chrono::milliseconds block{2000};
  bool follow = false;  // keep waiting for new entries (else stop when none are left)
};
ExportCounts archive_group(const RedisStreamSource& source, const ArchiveOptions& o);

}  // namespace kairos
