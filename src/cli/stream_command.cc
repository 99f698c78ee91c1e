// kairos stream export: copies Kairos's Redis event stream into rotating stream files as a
// consumer group (stream/stream_export.h), so the files are the lasting record and Redis can trim.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/command.h"
#include "stream/stream_export.h"

namespace kairos::cli {
namespace {

struct ExportFlags {
  std::string source = "redis://127.0.0.1:6379/kairos:events";
  ArchiveOptions o;
  size_t rotate_mb = 64;
};

}  // namespace

void add_stream_command(CLI::App& root) {
  CLI::App* stream = root.add_subcommand("stream", "The event stream for learning");
  stream->require_subcommand(1);
  auto f = std::make_shared<ExportFlags>();
  CLI::App* sub = stream->add_subcommand(
      "export",
      "Copy the Redis event stream into stream files as a consumer group (ack after sync)");
  sub->add_option("--from", f->source, "redis://HOST:PORT[/KEY]")->capture_default_str();
  sub->add_option("--output", f->o.files.dir, "Directory of stream files")->required();
  sub->add_option("--group", f->o.group, "Consumer group")->capture_default_str();
  sub->add_option("--consumer", f->o.consumer, "Consumer name within the group")
      ->capture_default_str();
  sub->add_option("--batch", f->o.batch, "Entries per read")->capture_default_str();
  sub->add_option("--rotate-mb", f->rotate_mb, "MB per output file")->capture_default_str();
  sub->add_flag("--follow", f->o.follow, "Keep waiting for new entries (else stop at the end)");
  sub->callback([sub, f] {
    print_effective_config(*sub);
    f->o.files.rotate_bytes = static_cast<uint64_t>(f->rotate_mb) << 20;
    const RedisStreamSource source = parse_redis_stream_url(f->source);
    const ExportCounts c = archive_group(source, f->o);
    std::printf("exported %llu events to %s (%llu entries were not Kairos events)\n",
                static_cast<unsigned long long>(c.entries), f->o.files.dir.c_str(),
                static_cast<unsigned long long>(c.skipped));
  });
}

}  // namespace kairos::cli
