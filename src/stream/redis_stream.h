// Reading Kairos's Redis event stream (stream/event_stream.h): a time window with XRANGE (entry
// ids are the server's append time in ms), or as a consumer group with XREADGROUP / XACK, which
// is how an archiver copies the stream into files before Redis trims it (`kairos stream export`).
// Entries: XADD <key> MAXLEN ~ N * ts <ms> session <id> user <id> item <id> type <name> event_id
// <id>.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/stream_record.h"
#include "stream/redis_connection.h"

namespace kairos {

// The XADD arguments of one record (without the trimming clause).
std::vector<std::string> stream_entry_fields(const StreamRecord& r);
// Fills `out` from an entry's id and field array; "" or the reason it is not a Kairos event.
std::string record_from_entry(const redisReply& entry, StreamRecord* out, std::string* id);

class RedisStreamReader {
 public:
  RedisStreamReader(RedisAddress address, std::string key,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  // Calls `sink` for every entry appended in [since_ms, until_ms), oldest first, in pages.
  // Returns the number of entries; malformed entries are counted in `*skipped`.
  uint64_t range(int64_t since_ms, int64_t until_ms,
                 const std::function<void(const StreamRecord&)>& sink, uint64_t* skipped);

  // Creates `group` (reading from the stream's start) unless it exists.
  void create_group(const std::string& group);
  struct Entry {
    std::string id;
    StreamRecord record;
    bool ok = true;  // false: not a Kairos event (acknowledged and counted, never retried)
  };
  // The consumer's pending entries first (delivered before but never acknowledged: a crash
  // between the read and the ack), then new ones; blocks up to `block` when there are none.
  std::vector<Entry> read_group(const std::string& group, const std::string& consumer, size_t count,
                                std::chrono::milliseconds block);
  void ack(const std::string& group, const std::vector<std::string>& ids);

 private:
  RedisConnection conn_;
  std::string key_;
  bool pending_done_ = false;
};

}  // namespace kairos
