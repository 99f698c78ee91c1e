// kairos serve: the HTTP API over a trained artifact (docs/API.md). Stops on SIGINT/SIGTERM.
#include <csignal>
#include <cstdlib>
#include <thread>

#include "cli/command.h"
#include "serve/server.h"

namespace kairos::cli {
namespace {

Server* g_server = nullptr;

extern "C" void on_signal(int) {
  if (g_server != nullptr) g_server->stop();
}

}  // namespace

void add_serve_command(CLI::App& root) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* sub = root.add_subcommand("serve", "Serve a trained model over HTTP (docs/API.md)");
  sub->add_option("--model", o->model_dir, "Model artifact directory (kairos train --out)")
      ->required();
  sub->add_option("--host", o->host, "Address to listen on")->capture_default_str();
  sub->add_option("--port", o->port, "Port (0 = any free port)")->capture_default_str();
  sub->add_option("--threads", o->threads, "HTTP worker threads")->capture_default_str();
  sub->add_option(
      "--api-key", o->api_key,
      "Key required on /v1/events and /admin/* (default: $KAIROS_API_KEY; none = open)");
  sub->add_option("--session-ttl", o->session_ttl_s, "Idle seconds before a session is dropped")
      ->capture_default_str();
  sub->add_option("--redis", o->redis,
                  "Share sessions through Redis at HOST:PORT (default: in memory, this process)");
  sub->add_option("--redis-prefix", o->redis_prefix, "Key prefix in Redis")->capture_default_str();
  sub->add_option("--max-sessions", o->max_sessions, "Live sessions kept (LRU beyond)")
      ->capture_default_str();
  sub->add_option("--max-session-events", o->max_session_events,
                  "Most recent events a session keeps (older ones are dropped)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1'000'000}));
  sub->add_option("--payload-limit", o->payload_limit, "Largest request body in bytes")
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
  sub->add_option("--max-k", o->max_k, "Largest k a request may ask for")->capture_default_str();
  sub->callback([sub, o] {
    print_effective_config(*sub);
    if (o->api_key.empty()) {
      if (const char* k = std::getenv("KAIROS_API_KEY")) o->api_key = k;
    }
    Server server(*o);
    server.bind();
    g_server = &server;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    server.run();
    g_server = nullptr;
  });
}

}  // namespace kairos::cli
