// kairos serve: the HTTP API over a trained artifact (docs/API.md). SIGINT/SIGTERM drain
// in-flight requests (up to --drain-timeout) and exit.
#include <cstdlib>

#include "cli/command.h"
#include "serve/server.h"

namespace kairos::cli {

void add_serve_command(CLI::App& root) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* sub = root.add_subcommand("serve", "Serve a trained model over HTTP (docs/API.md)");
  sub->add_option("--model", o->model_dir, "Model artifact directory (kairos train --out)")
      ->required();
  sub->add_option("--interest", o->interest_dir,
                  "Interest artifact (kairos train --task category,intent,...) for /v1/predict");
  sub->add_option("--customers", o->customers_file,
                  "Transactions file for POST /v1/audiences (customers ranked for a product)");
  sub->add_option("--customers-format", o->customers_format,
                  "Its format (cdnow, online-retail, or an event format; docs/FORMATS.md)");
  sub->add_option("--audience-model", o->audience_model,
                  "Audience model fitted on --customers: token-affinity | active | cold-start")
      ->capture_default_str();
  sub->add_option("--return-horizon-days", o->return_horizon_days,
                  "With --customers: /v1/predict's return propensity covers this many days")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  sub->add_option("--host", o->host, "Address to listen on")->capture_default_str();
  sub->add_option("--port", o->port, "Port (0 = any free port)")->capture_default_str();
  sub->add_option("--threads", o->threads, "Worker threads running requests")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  sub->add_option("--io-threads", o->io_threads, "Threads owning the connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  sub->add_option("--queue", o->queue,
                  "Requests waiting for a worker; beyond, 503 + Retry-After (load shedding)")
      ->capture_default_str();
  sub->add_option("--max-connections", o->max_connections, "Open connections (beyond: 503)")
      ->capture_default_str();
  sub->add_option("--api-key", o->api_key,
                  "Key required on /v1/events and /admin/* (default: $KAIROS_API_KEY; without a "
                  "key events are open and admin routes refused)");
  sub->add_option("--models-root", o->models_root,
                  "/admin/reload loads only directories under this one (default: the parent of "
                  "--model)");
  sub->add_option("--session-ttl", o->session_ttl_s, "Idle seconds before a session is dropped")
      ->capture_default_str();
  sub->add_option("--redis", o->redis,
                  "Share sessions through Redis at HOST:PORT (default: in memory, this process)");
  sub->add_option("--redis-prefix", o->redis_prefix, "Key prefix in Redis")->capture_default_str();
  sub->add_option("--event-log", o->event_log_dir,
                  "Append every accepted event to rotating stream files in DIR, synced before "
                  "the reply (kairos prepare --format stream reads them)");
  sub->add_option("--event-log-rotate-mb", o->event_log_rotate_mb, "Event log: MB per file")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--event-log-keep-days", o->event_log_keep_days,
                  "Event log: delete files older than this")
      ->capture_default_str();
  sub->add_option("--event-stream", o->event_stream_redis,
                  "Append every accepted event to a Redis stream at HOST:PORT (XADD; read with "
                  "kairos stream export or prepare --input redis://HOST:PORT/KEY)");
  sub->add_option("--event-stream-key", o->event_stream_key, "Redis stream key")
      ->capture_default_str();
  sub->add_option("--event-stream-max-len", o->event_stream_max_len,
                  "Redis stream: entries kept (MAXLEN ~)")
      ->capture_default_str();
  sub->add_option("--event-stream-max-age-h", o->event_stream_max_age_h,
                  "Redis stream: hours kept (XTRIM MINID ~)")
      ->capture_default_str();
  sub->add_option("--max-sessions", o->max_sessions, "Live sessions kept (LRU beyond)")
      ->capture_default_str();
  sub->add_option("--max-session-events", o->max_session_events,
                  "Most recent events a session keeps (older ones are dropped)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1'000'000}));
  sub->add_option("--payload-limit", o->payload_limit,
                  "Largest request body in bytes, however framed (413 beyond)")
      ->capture_default_str();
  sub->add_option("--header-limit", o->header_limit, "Largest request line + headers in bytes")
      ->capture_default_str();
  sub->add_option("--max-headers", o->max_headers, "Most header fields in a request (431 beyond)")
      ->capture_default_str();
  sub->add_option("--request-timeout-ms", o->request_timeout_ms,
                  "Time for a whole request (headers and body) from its first byte")
      ->capture_default_str();
  sub->add_option("--idle-timeout-ms", o->idle_timeout_ms,
                  "Idle keep-alive connections close after this")
      ->capture_default_str();
  sub->add_option("--handler-timeout-ms", o->handler_timeout_ms,
                  "Deadline of a request's work, queueing included (503 past it)")
      ->capture_default_str();
  sub->add_option("--drain-timeout-ms", o->drain_timeout_ms,
                  "On SIGTERM, time in-flight requests get before the process exits")
      ->capture_default_str();
  sub->add_option("--max-explain-k", o->max_explain_k, "Largest k of a recommend with explain")
      ->capture_default_str();
  sub->add_option("--max-stateless-items", o->max_stateless_items,
                  "Items of a stateless recommend (0 = --max-session-events)")
      ->capture_default_str();
  sub->add_option("--max-id-bytes", o->max_id_bytes, "Longest session, user, event or item id")
      ->capture_default_str();
  sub->add_option("--max-clock-skew", o->max_clock_skew_s,
                  "Seconds an event's ts may lie ahead of the server clock")
      ->capture_default_str();
  sub->add_option("--session-memory-mb", o->session_memory_mb,
                  "Memory bound of the in-memory sessions (LRU eviction beyond)")
      ->capture_default_str();
  sub->add_option("--redis-timeout-ms", o->redis_timeout_ms, "Redis connect and command timeout")
      ->capture_default_str();
  sub->add_option("--retrieval", o->retrieval.mode,
                  "Top-K retrieval: exact (BLAS), ann (Faiss HNSW) or auto (ann from "
                  "--ann-min-items items)")
      ->check(CLI::IsMember({"auto", "exact", "ann"}))
      ->capture_default_str();
  sub->add_option("--ann-min-items", o->retrieval.ann_min_items,
                  "Catalogue size from which auto retrieval uses the HNSW index")
      ->capture_default_str();
  sub->add_option("--ann-ef-search", o->retrieval.hnsw.ef_search,
                  "HNSW search beam (recall vs latency)")
      ->capture_default_str();
  sub->add_option("--ann-m", o->retrieval.hnsw.m,
                  "HNSW graph degree M (memory and build time vs recall)")
      ->check(CLI::Range(4, 128))
      ->capture_default_str();
  sub->add_option("--max-k", o->max_k, "Largest k a request may ask for")->capture_default_str();
  sub->callback([sub, o] {
    print_effective_config(*sub);
    if (o->api_key.empty()) {
      if (const char* k = std::getenv("KAIROS_API_KEY")) o->api_key = k;
    }
    Server server(*o);
    server.bind();
    server.handle_signals();
    server.run();
  });
}

}  // namespace kairos::cli
