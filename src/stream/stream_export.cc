#include "stream/stream_export.h"

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "data/atomic_file.h"
#include "stream/redis_stream.h"

namespace kairos {

bool is_redis_url(const std::string& s) { return s.rfind("redis://", 0) == 0; }

RedisStreamSource parse_redis_stream_url(const std::string& url) {
  KAIROS_CHECK_USAGE(is_redis_url(url), "'{}' is not a redis://HOST:PORT[/KEY] address", url);
  RedisStreamSource s;
  const std::string rest = url.substr(8);
  const size_t slash = rest.find('/');
  s.address = parse_redis_host_port(rest.substr(0, slash));
  if (slash != std::string::npos && slash + 1 < rest.size()) s.key = rest.substr(slash + 1);
  return s;
}

ExportCounts export_window(const RedisStreamSource& source, int64_t since_ms, int64_t until_ms,
                           const std::string& path) {
  RedisStreamReader reader(source.address, source.key);
  AtomicFile out(path);
  const std::string header = std::string(kStreamHeader) + "\n";
  out.write(header.data(), header.size());
  ExportCounts c;
  c.entries = reader.range(
      since_ms, until_ms,
      [&out](const StreamRecord& r) {
        const std::string line = format_stream_line(r);
        out.write(line.data(), line.size());
      },
      &c.skipped);
  out.commit();
  return c;
}

ExportCounts archive_group(const RedisStreamSource& source, const ArchiveOptions& o) {
  RedisStreamReader reader(source.address, source.key, o.block + std::chrono::milliseconds(5000));
  reader.create_group(o.group);
  std::unique_ptr<EventStream> files = open_file_stream(o.files);
  ExportCounts c;
  std::vector<StreamRecord> records;
  std::vector<std::string> ids;
  for (;;) {
    const auto entries = reader.read_group(o.group, o.consumer, o.batch, o.block);
    if (entries.empty()) {
      if (!o.follow) break;
      continue;
    }
    records.clear();
    ids.clear();
    for (const auto& e : entries) {
      ids.push_back(e.id);
      if (e.ok) {
        records.push_back(e.record);
      } else {
        ++c.skipped;
        spdlog::warn("stream entry {} is not a Kairos event: acknowledged and skipped", e.id);
      }
    }
    files->append(records);  // synced before the ack
    reader.ack(o.group, ids);
    c.entries += records.size();
  }
  return c;
}

}  // namespace kairos
