#include "serve/server.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/event_type.h"
#include "core/system.h"
#include "eval/return_evaluator.h"  // format_day
#include "index/top_k.h"
#include "models/factory.h"
#include "serve/api_request.h"
#include "serve/customer_service.h"
#include "serve/engine.h"
#include "serve/heap_stats.h"
#include "serve/http_server.h"
#include "serve/live_sessions.h"
#include "serve/redis_event_log.h"
#include "serve/served_model.h"
#include "serve/session_audience.h"
#include "serve/session_key.h"
#include "stream/event_stream.h"
#include "web/web_assets.h"

namespace kairos {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Replies never throw on bytes that are not UTF-8 (an id echoed back): they are replaced.
void reply(HttpResponse& res, int status, const json& body) {
  res.status = status;
  res.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  res.content_type = "application/json";
}

bool loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}

HttpLimits http_limits(const ServeOptions& o) {
  HttpLimits l;
  l.body_bytes = o.payload_limit;
  l.header_bytes = o.header_limit;
  l.max_headers = o.max_headers;
  l.request_timeout = std::chrono::milliseconds(o.request_timeout_ms);
  l.idle_timeout = std::chrono::milliseconds(o.idle_timeout_ms);
  l.write_timeout = std::chrono::milliseconds(o.write_timeout_ms);
  l.handler_timeout = std::chrono::milliseconds(o.handler_timeout_ms);
  l.drain_timeout = std::chrono::milliseconds(o.drain_timeout_ms);
  l.max_connections = o.max_connections;
  l.queue_capacity = o.queue;
  l.workers = o.threads;
  l.io_threads = o.io_threads;
  return l;
}

// A model directory named in a reload request, resolved under the models root. Absolute paths,
// `..` and symlinks leading out of the root are refused; the reason never names a path.
std::filesystem::path model_under_root(const std::filesystem::path& root, const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path rel(name);
  if (name.empty() || rel.is_absolute()) {
    throw ApiError(400, "reload: 'model' must be a directory name relative to the models root");
  }
  for (const auto& part : rel) {
    if (part == "..") throw ApiError(400, "reload: 'model' must not contain '..'");
  }
  std::error_code ec;
  const fs::path resolved = fs::canonical(root / rel, ec);
  if (ec) throw ApiError(404, "reload: no such model under the models root");
  const auto r = root.native(), p = resolved.native();
  if (p.size() <= r.size() || p.compare(0, r.size(), r) != 0 || p[r.size()] != '/') {
    throw ApiError(400, "reload: 'model' leads out of the models root");
  }
  if (!fs::is_directory(resolved, ec)) throw ApiError(404, "reload: no such model directory");
  return resolved;
}

}  // namespace

std::unique_ptr<RedisEventLog> redis_log(const ServeOptions& o) {
  if (o.redis.empty()) return nullptr;
  RedisOptions r = parse_redis_address(o.redis);
  r.prefix = o.redis_prefix;
  r.ttl = std::chrono::seconds(o.session_ttl_s);
  r.max_events = o.max_session_events;
  r.connect_timeout = r.command_timeout = std::chrono::milliseconds(o.redis_timeout_ms);
  auto log = std::make_unique<RedisEventLog>(r);
  // Not fatal: the server starts, /readyz says why, and writes answer 503 until Redis answers.
  if (const std::string why = log->unreachable_reason(); !why.empty()) spdlog::warn("{}", why);
  return log;
}

std::vector<std::unique_ptr<EventStream>> event_streams(const ServeOptions& o) {
  std::vector<std::unique_ptr<EventStream>> out;
  EventStreamOptions s;
  if (!o.event_log_dir.empty()) {
    s.dir = o.event_log_dir;
    s.rotate_bytes = static_cast<uint64_t>(o.event_log_rotate_mb) << 20;
    s.keep = std::chrono::hours(static_cast<int64_t>(o.event_log_keep_days * 24));
    out.push_back(open_file_stream(s));
  }
  if (!o.event_stream_redis.empty()) {
    s.redis = o.event_stream_redis;
    s.key = o.event_stream_key;
    s.max_len = o.event_stream_max_len;
    s.max_age = std::chrono::hours(static_cast<int64_t>(o.event_stream_max_age_h));
    s.timeout = std::chrono::milliseconds(o.redis_timeout_ms);
    out.push_back(open_redis_stream(s));
    if (const std::string why = out.back()->unreachable_reason(); !why.empty())
      spdlog::warn("{}", why);
  }
  for (const auto& st : out) spdlog::info("event stream: {}", st->describe());
  return out;
}

struct Server::Impl {
  ServeOptions o;
  HttpServer http;
  std::filesystem::path models_root;  // canonical
  LiveSessions sessions;
  std::shared_ptr<const ServedModel> model;    // atomic_load / atomic_store
  std::unique_ptr<CustomerService> customers;  // set once at start (--customers), then read-only
  std::vector<std::unique_ptr<EventStream>> streams;  // the learning stream(s), set at start
  std::mutex reload_mu;  // one reload at a time; a second one meanwhile gets 409
  std::atomic<uint64_t> next_version{1};
  std::atomic<bool> ready{false};

  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Histogram>& latency = prometheus::BuildHistogram()
                                                           .Name("kairos_request_duration_seconds")
                                                           .Help("HTTP request latency by route")
                                                           .Register(*registry);
  prometheus::Family<prometheus::Counter>& requests = prometheus::BuildCounter()
                                                          .Name("kairos_requests_total")
                                                          .Help("Requests by route and status")
                                                          .Register(*registry);
  prometheus::Family<prometheus::Counter>& events = prometheus::BuildCounter()
                                                        .Name("kairos_events_total")
                                                        .Help("Events by outcome")
                                                        .Register(*registry);
  prometheus::Counter& events_accepted = events.Add({{"outcome", "accepted"}});
  prometheus::Counter& events_rejected = events.Add({{"outcome", "rejected"}});
  prometheus::Counter& events_duplicate = events.Add({{"outcome", "duplicate"}});
  prometheus::Counter& events_logged = events.Add({{"outcome", "logged"}});
  prometheus::Family<prometheus::Counter>& recs = prometheus::BuildCounter()
                                                      .Name("kairos_recommendations_total")
                                                      .Help("Recommend calls by fallback")
                                                      .Register(*registry);
  prometheus::Counter& recs_model = recs.Add({{"fallback", "false"}});
  prometheus::Counter& recs_fallback = recs.Add({{"fallback", "true"}});
  prometheus::Family<prometheus::Gauge>& gauges =
      prometheus::BuildGauge()
          .Name("kairos_state")
          .Help("Sessions, evictions, model version, reloads")
          .Register(*registry);
  prometheus::Gauge& g_sessions = gauges.Add({{"what", "sessions"}});
  prometheus::Gauge& g_evictions = gauges.Add({{"what", "evictions"}});
  prometheus::Gauge& g_expirations = gauges.Add({{"what", "expirations"}});
  prometheus::Gauge& g_version = gauges.Add({{"what", "model_version"}});
  prometheus::Gauge& g_reloads = gauges.Add({{"what", "reloads"}});
  prometheus::Gauge& g_session_bytes = gauges.Add({{"what", "session_bytes"}});
  prometheus::Gauge& g_in_flight = gauges.Add({{"what", "in_flight"}});
  prometheus::Gauge& g_heap_in_use = gauges.Add({{"what", "heap_bytes_in_use"}});
  prometheus::Gauge& g_heap_held = gauges.Add({{"what", "heap_bytes_held"}});
  prometheus::Family<prometheus::Counter>& http_rejected =
      prometheus::BuildCounter()
          .Name("kairos_http_rejected_total")
          .Help("Requests refused by the HTTP layer before a handler ran, by status and reason")
          .Register(*registry);

  explicit Impl(ServeOptions opts)
      : o(std::move(opts)),
        http(http_limits(o)),
        sessions(SessionStoreOptions{std::chrono::seconds(o.session_ttl_s), o.max_sessions, 16,
                                     o.max_session_events, o.session_memory_mb << 20},
                 redis_log(o)) {
    if (o.max_stateless_items == 0) o.max_stateless_items = o.max_session_events;
    set_inference_threads(1);  // parallelism comes from the HTTP workers
    std::atomic_store(&model,
                      load_served_model(o.model_dir, next_version++, o.retrieval, o.interest_dir));
    sessions.register_model(*std::atomic_load(&model));
    std::error_code ec;
    const std::filesystem::path root = o.models_root.empty()
                                           ? std::filesystem::path(o.model_dir).parent_path()
                                           : std::filesystem::path(o.models_root);
    models_root = std::filesystem::canonical(root.empty() ? "." : root, ec);
    KAIROS_CHECK_IO(!ec, "models root {}: {}", root.string(), ec.message());

    streams = event_streams(o);
    if (!o.customers_file.empty()) {
      customers = std::make_unique<CustomerService>(CustomerServiceOptions{
          o.customers_file, o.customers_format, o.audience_model, o.return_horizon_days});
    }
    g_version.Set(static_cast<double>(std::atomic_load(&model)->version));
    ready = true;
    routes();
  }

  bool key_matches(const HttpRequest& req) const {
    return req.header("x-api-key") == o.api_key ||
           req.header("authorization") == "Bearer " + o.api_key;
  }
  // Writes: the key when one is set. Admin: refused outright without a key.
  enum class Access { kOpen, kWrite, kAdmin };
  HttpServer::Guard guard(Access a) const {
    if (a == Access::kOpen) return nullptr;
    return [this, a](const HttpRequest& req) {
      if (o.api_key.empty()) {
        if (a == Access::kAdmin)
          throw ApiError(403, "admin routes are disabled: start kairos serve with --api-key");
        return;
      }
      if (!key_matches(req)) throw ApiError(401, "missing or wrong API key");
    };
  }

  // Wraps a handler: timing, metrics, API errors as JSON 4xx, anything else as JSON 500. The
  // route's latency histogram is created here, once, not looked up per request.
  template <typename F>
  HttpServer::Handler wrap(const std::string& route, F fn) {
    prometheus::Histogram* latency_of_route =
        &latency.Add({{"route", route}},
                     prometheus::Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001, 0.002,
                                                             0.005, 0.01, 0.025, 0.1, 1.0});
    return [this, route, fn, latency_of_route](const HttpRequest& req, HttpResponse& res) {
      const auto start = Clock::now();
      try {
        fn(req, res);
      } catch (const ApiError& e) {
        reply(res, e.status(), {{"error", e.what()}});
        if (e.status() == 503) res.headers.emplace_back("Retry-After", "1");
      } catch (const StoreUnavailable& e) {
        reply(res, 503, {{"error", std::string("session store unavailable: ") + e.what()}});
        res.headers.emplace_back("Retry-After", "1");
      } catch (const Error& e) {
        spdlog::warn("{}: {}", route, e.what());
        reply(res, e.kind() == ErrorKind::kInternal ? 500 : 422, {{"error", e.what()}});
      } catch (const std::exception& e) {
        spdlog::error("{}: {}", route, e.what());
        reply(res, 500, {{"error", "internal error"}});
      }
      latency_of_route->Observe(std::chrono::duration<double>(Clock::now() - start).count());
      requests.Add({{"route", route}, {"status", std::to_string(res.status)}}).Increment();
    };
  }

  void routes() {
    using Run = HttpServer::Run;
    http.on_reject([this](int status, const char* reason) {
      http_rejected.Add({{"status", std::to_string(status)}, {"reason", reason}}).Increment();
    });
    // Answered on the I/O thread: liveness holds while every worker is busy.
    http.route("GET", "/healthz",
               wrap("/healthz",
                    [](const HttpRequest&, HttpResponse& res) {
                      reply(res, 200, {{"status", "ok"}});
                    }),
               Run::kInline);
    http.route("GET", "/readyz", wrap("/readyz", [this](const HttpRequest&, HttpResponse& res) {
                 const auto m = std::atomic_load(&model);
                 if (!ready || !m) {
                   reply(res, 503, {{"status", "not ready"}, {"reason", "model not loaded"}});
                   return;
                 }
                 if (const std::string why = sessions.unreachable_reason(); !why.empty()) {
                   reply(res, 503, {{"status", "not ready"}, {"reason", "session store: " + why}});
                   return;
                 }
                 for (const auto& st : streams) {
                   if (const std::string why = st->unreachable_reason(); !why.empty()) {
                     reply(res, 503, {{"status", "not ready"}, {"reason", "event stream: " + why}});
                     return;
                   }
                 }
                 reply(res, 200,
                       {{"status", "ready"},
                        {"model", m->artifact.model->name()},
                        {"version", m->version},
                        {"store", sessions.shared() ? "redis" : "memory"}});
               }));
    http.route("GET", "/metrics",
               wrap("/metrics",
                    [this](const HttpRequest&, HttpResponse& res) {
                      const MemorySessionStore& local = sessions.local();
                      g_sessions.Set(static_cast<double>(local.size()));
                      g_evictions.Set(static_cast<double>(local.evictions()));
                      g_expirations.Set(static_cast<double>(local.expirations()));
                      g_session_bytes.Set(static_cast<double>(local.bytes()));
                      g_in_flight.Set(static_cast<double>(http.in_flight()));
                      const HeapStats heap = heap_stats();
                      g_heap_in_use.Set(static_cast<double>(heap.in_use));
                      g_heap_held.Set(static_cast<double>(heap.held));
                      res.status = 200;
                      res.body = prometheus::TextSerializer().Serialize(registry->Collect());
                      res.content_type = "text/plain; version=0.0.4";
                    }),
               Run::kInline);
    http.route(
        "POST", "/v1/events",
        wrap("/v1/events", [this](const HttpRequest& req, HttpResponse& res) { ingest(req, res); }),
        Run::kWorker, guard(Access::kWrite));
    http.route("POST", "/v1/recommend",
               wrap("/v1/recommend",
                    [this](const HttpRequest& req, HttpResponse& res) { recommend(req, res); }));
    http.route("POST", "/v1/predict",
               wrap("/v1/predict",
                    [this](const HttpRequest& req, HttpResponse& res) { predict(req, res); }));
    http.route("GET", "/v1/items/*/similar",
               wrap("/v1/items/similar",
                    [this](const HttpRequest& req, HttpResponse& res) { similar(req, res); }));
    http.route("POST", "/v1/audiences",
               wrap("/v1/audiences",
                    [this](const HttpRequest& req, HttpResponse& res) { audience(req, res); }));
    http.route("GET", "/v1/model", wrap("/v1/model", [this](const HttpRequest&, HttpResponse& res) {
                 model_card(res);
               }));
    http.route("GET", "/v1/items",
               wrap("/v1/items",
                    [this](const HttpRequest& req, HttpResponse& res) { search_items(req, res); }));
    // The dashboard (docs/API.md "Dashboard"): one page compiled into the binary.
    http.route("GET", "/ui", wrap("/ui", [](const HttpRequest&, HttpResponse& res) {
                 res.status = 200;
                 res.body = web::dashboard_page();
                 res.content_type = "text/html; charset=utf-8";
                 res.headers.emplace_back("Cache-Control", "no-cache");
               }));
    http.route("POST", "/admin/reload",
               wrap("/admin/reload",
                    [this](const HttpRequest& req, HttpResponse& res) { reload(req.body, res); }),
               Run::kWorker, guard(Access::kAdmin));
  }

  void check_id(const std::string& id, const char* what) const {
    if (id.size() > o.max_id_bytes)
      throw ApiError(400, fmt::format("{} longer than {} bytes", what, o.max_id_bytes));
    if (const std::string_view why = id_problem(id); !why.empty())
      throw ApiError(400, fmt::format("{} is not a usable id: {}", what, why));
  }

  void ingest(const HttpRequest& req, HttpResponse& res) {
    const EventBatch batch = decode_events(req.body, 10000, o.max_id_bytes);
    const auto m = std::atomic_load(&model);
    json rejected = json::array(), new_items = json::array();
    for (const auto& r : batch.rejected)
      rejected.push_back({{"index", r.index}, {"reason", r.reason}});
    size_t accepted = 0, duplicates = 0;
    const int64_t now = unix_now_ms();
    const int64_t latest = now + o.max_clock_skew_s * 1000;
    // Validated events: (index, event, item index or 0 for an item the model does not know).
    std::vector<std::tuple<size_t, const EventRequest*, uint32_t>> valid;
    std::vector<StreamRecord> records;
    for (const auto& [index, e] : batch.events) {
      if (e.ts_ms && *e.ts_ms > latest) {
        rejected.push_back(
            {{"index", index},
             {"reason", fmt::format("'ts' is more than {} s in the future", o.max_clock_skew_s)}});
        continue;
      }
      const uint32_t item = m->find(e.item_id);
      if (item == 0 && streams.empty()) {
        rejected.push_back({{"index", index}, {"reason", "unknown item '" + e.item_id + "'"}});
        continue;
      }
      valid.emplace_back(index, &e, item);
      if (!streams.empty()) {
        records.push_back({now, e.ts_ms.value_or(now), e.session_id, e.user_id, e.item_id,
                           static_cast<EventType>(e.type), e.event_id});
      }
    }
    // The learning stream first: nothing is applied that is not durably logged, so a 503 here
    // leaves the sessions untouched and the client's retry is safe.
    for (const auto& stream : streams) {
      try {
        stream->append(records);
      } catch (const StreamUnavailable& ex) {
        spdlog::warn("events: {}", ex.what());
        reply(res, 503,
              {{"error", std::string("event stream unavailable: ") + ex.what()},
               {"accepted", 0},
               {"duplicates", 0},
               {"not_applied_from_index",
                valid.empty() ? json(nullptr) : json(std::get<0>(valid.front()))}});
        res.headers.emplace_back("Retry-After", "1");
        return;
      }
    }
    events_logged.Increment(static_cast<double>(records.size()));
    for (const auto& [index, ep, item] : valid) {
      const EventRequest& e = *ep;
      if (item == 0) {
        new_items.push_back({{"index", index}, {"item_id", e.item_id}});
        continue;
      }
      LiveSessions::Outcome outcome;
      try {
        outcome = sessions.add(e.key(), e.event_id, item, e.type, e.ts_ms, now, *m);
      } catch (const StoreUnavailable& ex) {
        // Events before this one are in the store; the client retries the batch (event ids make
        // the retry idempotent).
        spdlog::warn("events: {}", ex.what());
        events_accepted.Increment(static_cast<double>(accepted));
        events_duplicate.Increment(static_cast<double>(duplicates));
        reply(res, 503,
              {{"error", std::string("session store unavailable: ") + ex.what()},
               {"accepted", accepted},
               {"duplicates", duplicates},
               {"not_applied_from_index", index}});
        return;
      }
      const bool duplicate = outcome == LiveSessions::Outcome::kDuplicate;
      const std::string reason = outcome == LiveSessions::Outcome::kOutOfOrder
                                     ? "timestamp before the session's last event"
                                     : "";
      if (duplicate) {
        ++duplicates;
      } else if (!reason.empty()) {
        rejected.push_back({{"index", index}, {"reason", reason}});
      } else {
        ++accepted;
      }
    }
    events_accepted.Increment(static_cast<double>(accepted));
    events_duplicate.Increment(static_cast<double>(duplicates));
    events_rejected.Increment(static_cast<double>(rejected.size()));
    std::sort(rejected.begin(), rejected.end(),
              [](const json& a, const json& b) { return a["index"] < b["index"]; });
    json out = {{"accepted", accepted}, {"duplicates", duplicates}, {"rejected", rejected}};
    // Items the model does not know yet: logged for the next (warm-start) training, not applied.
    if (!new_items.empty()) out["new_items"] = new_items;
    reply(res, accepted > 0 || duplicates > 0 || rejected.empty() ? 200 : 422, out);
  }

  // The session a recommend / predict request names: its items (stateless) or its live state.
  std::unique_ptr<SessionState> session_of(const RecommendRequest& r, const ServedModel& m,
                                           const Deadline& deadline, json* unknown_items) {
    if (r.items.size() > o.max_stateless_items)
      throw ApiError(400,
                     fmt::format("at most {} items in a stateless call", o.max_stateless_items));
    if (r.explain && r.k > o.max_explain_k)
      throw ApiError(400, fmt::format("'k' must be at most {} with explain", o.max_explain_k));
    if (r.stateless) {
      std::vector<std::string> unknown;
      auto state = stateless_state(m, r.items, r.types, &unknown, deadline);
      if (!unknown.empty()) *unknown_items = unknown;
      return state;
    }
    if (auto live = sessions.snapshot(r.key(), m)) return live;  // reading never creates a session
    return m.artifact.model->start();
  }

  static ItemRequest item_request(const RecommendRequest& r) {
    return {r.k, r.exclude_seen, r.explain, r.categories};
  }

  json model_json(const ServedModel& m) const {
    json j = {{"name", m.artifact.model->name()}, {"version", m.version}};
    if (m.interest != nullptr) j["interest"] = m.interest->interest().name();
    return j;
  }

  void recommend(const HttpRequest& req, HttpResponse& res) {
    const auto start = Clock::now();
    const RecommendRequest r = decode_recommend(req.body, o.max_k, o.max_id_bytes);
    const auto m = std::atomic_load(&model);
    json unknown = nullptr;
    const auto state = session_of(r, *m, req.deadline, &unknown);
    const ItemAnswer a = recommend_items(*m, *state, item_request(r), req.deadline);
    (a.fallback ? recs_fallback : recs_model).Increment();
    json out = {
        {"items", items_to_json(*m, a)},
        {"categories", item_categories_to_json(*m, a)},
        {"model", model_json(*m)},
        {"fallback", a.fallback},
        {"latency_us",
         std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()}};
    if (!unknown.is_null()) out["unknown_items"] = unknown;
    reply(res, 200, out);
  }

  // One interest profile (docs/API.md): next items and the interest model's heads, from the same
  // session state.
  void predict(const HttpRequest& req, HttpResponse& res) {
    const auto start = Clock::now();
    const RecommendRequest r = decode_recommend(req.body, o.max_k, o.max_id_bytes);
    const auto m = std::atomic_load(&model);
    json unknown = nullptr;
    const auto state = session_of(r, *m, req.deadline, &unknown);
    const InterestProfile p = predict_profile(*m, *state, {item_request(r), 10}, req.deadline);
    (p.next.fallback ? recs_fallback : recs_model).Increment();
    json out = profile_to_json(*m, p);
    out["model"] = model_json(*m);
    if (customers && !r.user_id.empty()) out["customer"] = customer_json(r.user_id);
    out["latency_us"] =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    if (!unknown.is_null()) out["unknown_items"] = unknown;
    reply(res, 200, out);
  }

  // The customer-level part of /v1/predict: the user's profile from --customers, or
  // {"known": false}.
  json customer_json(const std::string& user_id) const {
    const auto p = customers->profile(user_id);
    if (!p) return {{"known", false}};
    return {{"known", true},
            {"p_alive", p->p_alive},
            {"p_return", p->p_return},
            {"expected_purchase_days", p->expected},
            {"horizon_days", customers->horizon_days()},
            {"purchase_days", p->purchase_days},
            {"last_purchase", eval::format_day(p->last_purchase_day)},
            {"top_words", p->top_words}};
  }

  // Items most likely to follow this one (the model's scores for a one-item session).
  void similar(const HttpRequest& req, HttpResponse& res) {
    const auto m = std::atomic_load(&model);
    const std::string& id = req.captures.at(0);
    check_id(id, "item id");
    const uint32_t item = m->find(id);
    if (item == 0) throw ApiError(404, "unknown item '" + id + "'");
    size_t k = 20;
    if (const std::string* p = req.param("k")) {
      const std::string& v = *p;
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 6) {
        throw ApiError(400, "k must be a positive integer");
      }
      k = std::stoul(v);
      if (k < 1 || k > o.max_k) throw ApiError(400, fmt::format("k must be in 1..{}", o.max_k));
    }
    auto state = m->artifact.model->start();
    m->artifact.model->observe(*state, item, 0, 0);
    const uint32_t self[] = {item};
    json items = json::array();
    for (const auto& s : retrieve(*m, *state, k, {{}, self})) {
      items.push_back({{"item_id", m->artifact.items.name(s.item)},
                       {"score", s.score},
                       {"category", m->artifact.item_categories[s.item]}});
    }
    reply(res, 200,
          {{"item_id", id}, {"items", items}, {"basis", "next-item scores after this item"}});
  }

  // The served model's card: what it is, what it was trained on and how it scored (meta.json),
  // with the interest heads when an interest model is served.
  void model_card(HttpResponse& res) const {
    const auto m = std::atomic_load(&model);
    const json& meta = m->artifact.meta;
    json card = {{"model", m->artifact.model->name()},
                 {"version", m->version},
                 {"created", meta.value("created", "")},
                 {"git_commit", meta.value("git_commit", "")},
                 {"dataset", meta.value("dataset", json::object())},
                 {"num_items", m->num_items() - 1},
                 {"metrics", meta.value("metrics", json(nullptr))},
                 {"hparams", meta.value("hparams", json::object())},
                 {"writes_need_key", !o.api_key.empty()},
                 {"interest", nullptr}};
    if (m->interest != nullptr) {
      json tasks = json::array();
      for (Task t : m->interest->interest().tasks()) tasks.push_back(std::string(task_name(t)));
      card["interest"] = {{"model", m->interest->interest().name()}, {"tasks", tasks}};
    }
    reply(res, 200, card);
  }

  // POST /v1/audiences {"item": {"text": "...", "price": 2.5}, "k": 100}: the k customers most
  // likely to buy an item with these attributes (docs/API.md). Cost: one score per customer.
  // {"category": "C", "k": 100} instead: live sessions (session_audience below).
  void audience(const HttpRequest& req, HttpResponse& res) {
    json j;
    try {
      j = json::parse(req.body);
    } catch (const json::exception&) {
      throw ApiError(400, "malformed JSON (or not UTF-8)");
    }
    if (j.is_object() && j.contains("category")) return session_audience(req, j, res);
    if (!customers) {
      throw ApiError(404,
                     "no customer data: start kairos serve with --customers FILE "
                     "--customers-format FORMAT (or ask for live sessions: {\"category\": ...})");
    }
    if (!j.is_object() || !j.contains("item") || !j["item"].is_object())
      throw ApiError(400,
                     "expected {\"item\": {\"text\": ..., \"price\": ...}, \"k\": ...} or "
                     "{\"category\": ..., \"k\": ...}");
    for (const auto& [key, v] : j.items()) {
      if (key != "item" && key != "k") throw ApiError(400, "unknown field '" + key + "'");
    }
    const json& item = j["item"];
    std::string text;
    double price = std::numeric_limits<double>::quiet_NaN();
    for (const auto& [key, v] : item.items()) {
      if (key == "text") {
        if (!v.is_string()) throw ApiError(400, "item.text must be a string");
        text = v.get<std::string>();
      } else if (key == "price") {
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
          throw ApiError(400, "item.price must be a non-negative number");
        price = v.get<double>();
      } else {
        throw ApiError(400, "unknown item field '" + key + "'");
      }
    }
    if (text.empty()) throw ApiError(400, "item.text is required (the product's description)");
    if (text.size() > o.max_audience_text)
      throw ApiError(400, fmt::format("item.text longer than {} bytes", o.max_audience_text));
    const size_t k = audience_k(j);
    json ranked = json::array();
    for (const auto& m : customers->rank(text, price, k)) {
      ranked.push_back({{"customer_id", m.customer_id}, {"score", m.score}});
    }
    reply(res, 200,
          {{"model", customers->model()},
           {"candidates", customers->customers()},
           {"customers", ranked}});
  }

  size_t audience_k(const json& j) const {
    if (!j.contains("k")) return 100;
    if (!j["k"].is_number_integer() || j["k"].get<int64_t>() < 1 ||
        j["k"].get<int64_t>() > static_cast<int64_t>(o.max_k))
      throw ApiError(400, fmt::format("k must be an integer in 1..{}", o.max_k));
    return j["k"].get<size_t>();
  }

  // POST /v1/audiences {"category": "C", "k": 100}: the live sessions most drawn to category C
  // now, from all their events, views included (serve/session_audience.h). Cost: one pass over
  // the live sessions, at most 50 events each; the request deadline applies. The reply lists
  // other shoppers' session and user ids, so it is an admin route: refused (403) without
  // --api-key, 401 without the key.
  void session_audience(const HttpRequest& req, const json& j, HttpResponse& res) {
    guard(Access::kAdmin)(req);
    for (const auto& [key, v] : j.items()) {
      if (key != "category" && key != "k") throw ApiError(400, "unknown field '" + key + "'");
    }
    if (!j["category"].is_string()) throw ApiError(400, "category must be a string");
    const std::string name = j["category"].get<std::string>();
    if (name.empty() || name.size() > o.max_id_bytes)
      throw ApiError(400, fmt::format("category must be 1..{} bytes", o.max_id_bytes));
    const auto m = std::atomic_load(&model);
    const uint32_t category = m->categories.find(name);
    if (category == 0)
      throw ApiError(404, "unknown category (not in the served model's catalogue)");
    SessionAudienceOptions opts;
    opts.k = audience_k(j);
    const SessionAudience a = rank_live_sessions(*m, sessions, category, opts, req.deadline);
    json ranked = json::array();
    for (const auto& c : a.top) {
      const bool user = c.key.rfind("user:", 0) == 0;
      const std::string id = c.key.substr(c.key.find(':') + 1);
      ranked.push_back({{user ? "user_id" : "session_id", id},
                        {"score", c.score},
                        {"events", c.events},
                        {"events_in_category", c.in_category}});
    }
    reply(res, 200,
          {{"model", "session-decay"},
           {"scope", sessions.shared() ? "this replica's cached sessions" : "all live sessions"},
           {"candidates", a.scanned},
           {"matched", a.matched},
           {"sessions", ranked}});
  }

  // Items whose id contains `q` (all items without it), most popular in training first: the
  // dashboard's search. Cost: one pass over the catalogue, `k` <= max_k.
  void search_items(const HttpRequest& req, HttpResponse& res) const {
    const auto m = std::atomic_load(&model);
    std::string q;
    if (const std::string* p = req.param("q")) q = *p;
    if (q.size() > o.max_id_bytes) {
      throw ApiError(400, fmt::format("q longer than {} bytes", o.max_id_bytes));
    }
    size_t k = 20;
    if (const std::string* p = req.param("k")) {
      if (p->empty() || p->find_first_not_of("0123456789") != std::string::npos || p->size() > 6) {
        throw ApiError(400, "k must be a positive integer");
      }
      k = std::stoul(*p);
      if (k < 1 || k > o.max_k) throw ApiError(400, fmt::format("k must be in 1..{}", o.max_k));
    }
    json items = json::array();
    for (uint32_t i : m->by_popularity) {
      if (items.size() >= k) break;
      const std::string& id = m->artifact.items.name(i);
      if (!q.empty() && id.find(q) == std::string::npos) continue;
      items.push_back({{"item_id", id},
                       {"category", m->artifact.item_categories[i]},
                       {"count", m->artifact.item_counts[i]}});
    }
    reply(res, 200, {{"q", q}, {"items", items}});
  }

  // Loads an artifact from under the models root and swaps it in. Replies name no paths; the
  // log has the details.
  void reload(const std::string& body, HttpResponse& res) {
    std::filesystem::path dir = std::atomic_load(&model)->dir;
    std::string name = "(current)";
    if (!body.empty()) {
      json j;
      try {
        j = json::parse(body);
      } catch (const json::exception&) {
        throw ApiError(400, "reload: malformed JSON");
      }
      if (!j.is_object()) throw ApiError(400, "reload: expected a JSON object");
      for (const auto& [key, value] : j.items()) {
        if (key != "model") throw ApiError(400, "reload: unknown field '" + key + "'");
      }
      if (j.contains("model")) {
        if (!j["model"].is_string())
          throw ApiError(400, "reload: 'model' must be a directory name under the models root");
        name = j["model"].get<std::string>();
        check_id(name, "reload: 'model'");
        dir = model_under_root(models_root, name);
      }
    }
    std::unique_lock lock(reload_mu, std::try_to_lock);
    if (!lock.owns_lock()) throw ApiError(409, "reload: another reload is in progress");
    std::shared_ptr<const ServedModel> fresh;
    try {
      fresh = load_served_model(dir.string(), next_version++, o.retrieval, o.interest_dir);
    } catch (const std::exception& e) {
      spdlog::error("reload of {} failed: {}", dir.string(), e.what());
      reply(res, 422,
            {{"error",
              "reload failed, the current model stays: the artifact could not be loaded "
              "(the server log says why)"}});
      return;
    }
    sessions.register_model(*fresh);
    std::atomic_store(&model, fresh);
    g_version.Set(static_cast<double>(fresh->version));
    g_reloads.Increment();
    spdlog::info("reloaded {} as version {}", dir.string(), fresh->version);
    reply(res, 200,
          {{"model", fresh->artifact.model->name()}, {"version", fresh->version}, {"name", name}});
  }
};

Server::Server(ServeOptions o) : impl_(std::make_unique<Impl>(std::move(o))) {}
Server::~Server() = default;

int Server::bind() {
  Impl& i = *impl_;
  i.o.port = i.http.bind(i.o.host, i.o.port);
  return i.o.port;
}

void Server::handle_signals() { impl_->http.handle_signals(); }

void Server::run() {
  const ServeOptions& o = impl_->o;
  if (o.api_key.empty()) {
    if (!loopback(o.host)) {
      spdlog::warn(
          "no API key and listening on {}: anyone who reaches this port can write "
          "events; admin routes are refused (set --api-key or KAIROS_API_KEY)",
          o.host);
    } else {
      spdlog::info("no API key: writes are open on loopback, admin routes are refused");
    }
  }
  spdlog::info("serving {} on http://{}:{} ({} workers, {} I/O thread(s), queue {})", o.model_dir,
               o.host, o.port, o.threads, o.io_threads, o.queue);
  spdlog::info("memory allocator: {}", heap_stats().allocator);
  impl_->http.run();
}

void Server::stop() { impl_->http.stop(); }

}  // namespace kairos
