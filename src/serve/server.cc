#include "serve/server.h"

#include <httplib.h>
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
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/event_type.h"
#include "index/top_k.h"
#include "models/factory.h"
#include "serve/api_request.h"
#include "serve/live_sessions.h"
#include "serve/redis_event_log.h"
#include "serve/served_model.h"
#include "serve/session_key.h"

namespace kairos {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

std::unique_ptr<RedisEventLog> redis_log(const ServeOptions& o) {
  if (o.redis.empty()) return nullptr;
  RedisOptions r = parse_redis_address(o.redis);
  r.prefix = o.redis_prefix;
  r.ttl = std::chrono::seconds(o.session_ttl_s);
  r.max_events = o.max_session_events;
  auto log = std::make_unique<RedisEventLog>(r);
  // Not fatal: the server starts, /readyz says why, and writes answer 503 until Redis answers.
  if (const std::string why = log->unreachable_reason(); !why.empty()) spdlog::warn("{}", why);
  return log;
}

struct Server::Impl {
  ServeOptions o;
  httplib::Server http;
  LiveSessions sessions;
  std::shared_ptr<const ServedModel> model;  // atomic_load / atomic_store
  std::mutex reload_mu;
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

  explicit Impl(ServeOptions opts)
      : o(std::move(opts)),
        sessions(SessionStoreOptions{std::chrono::seconds(o.session_ttl_s), o.max_sessions, 16,
                                     o.max_session_events},
                 redis_log(o)) {
    set_inference_threads(1);  // parallelism comes from the HTTP workers
    std::atomic_store(&model, load_served_model(o.model_dir, next_version++, o.retrieval));
    sessions.register_model(*std::atomic_load(&model));
    g_version.Set(static_cast<double>(std::atomic_load(&model)->version));
    ready = true;
    routes();
  }

  bool authorised(const httplib::Request& req) const {
    if (o.api_key.empty()) return true;
    if (req.get_header_value("X-API-Key") == o.api_key) return true;
    return req.get_header_value("Authorization") == "Bearer " + o.api_key;
  }

  // Wraps a handler: timing, metrics, API errors as JSON 4xx, anything else as JSON 500. The
  // route's latency histogram is created here, once, not looked up per request.
  template <typename F>
  httplib::Server::Handler wrap(const std::string& route, bool needs_key, F fn) {
    prometheus::Histogram* latency_of_route =
        &latency.Add({{"route", route}},
                     prometheus::Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001, 0.002,
                                                             0.005, 0.01, 0.025, 0.1, 1.0});
    return [this, route, needs_key, fn, latency_of_route](const httplib::Request& req,
                                                          httplib::Response& res) {
      const auto start = Clock::now();
      try {
        if (needs_key && !authorised(req)) throw ApiError(401, "missing or wrong API key");
        fn(req, res);
      } catch (const ApiError& e) {
        reply(res, e.status(), {{"error", e.what()}});
      } catch (const StoreUnavailable& e) {
        reply(res, 503, {{"error", std::string("session store unavailable: ") + e.what()}});
      } catch (const Error& e) {
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
    http.new_task_queue = [n = o.threads] {
      return new httplib::ThreadPool(static_cast<size_t>(n));
    };
    http.set_read_timeout(o.read_timeout_s, 0);
    http.set_write_timeout(o.write_timeout_s, 0);
    http.set_payload_max_length(o.payload_limit);
    http.set_keep_alive_max_count(1000);
    http.set_tcp_nodelay(true);  // small JSON replies: no 40 ms Nagle / delayed-ACK stalls
    http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) {
        const std::string reason = res.status == 413   ? "payload too large"
                                   : res.status == 404 ? "no such route"
                                                       : "HTTP " + std::to_string(res.status);
        reply(res, res.status, {{"error", reason}});
      }
    });
    http.Get("/healthz",
             wrap("/healthz", false, [](const httplib::Request&, httplib::Response& res) {
               reply(res, 200, {{"status", "ok"}});
             }));
    http.Get("/readyz",
             wrap("/readyz", false, [this](const httplib::Request&, httplib::Response& res) {
               const auto m = std::atomic_load(&model);
               if (!ready || !m) {
                 reply(res, 503, {{"status", "not ready"}, {"reason", "model not loaded"}});
                 return;
               }
               if (const std::string why = sessions.unreachable_reason(); !why.empty()) {
                 reply(res, 503, {{"status", "not ready"}, {"reason", "session store: " + why}});
                 return;
               }
               reply(res, 200,
                     {{"status", "ready"},
                      {"model", m->artifact.model->name()},
                      {"version", m->version},
                      {"store", sessions.shared() ? "redis" : "memory"}});
             }));
    http.Get("/metrics",
             wrap("/metrics", false, [this](const httplib::Request&, httplib::Response& res) {
               const MemorySessionStore& local = sessions.local();
               g_sessions.Set(static_cast<double>(local.size()));
               g_evictions.Set(static_cast<double>(local.evictions()));
               g_expirations.Set(static_cast<double>(local.expirations()));
               res.set_content(prometheus::TextSerializer().Serialize(registry->Collect()),
                               "text/plain; version=0.0.4");
             }));
    http.Post("/v1/events",
              wrap("/v1/events", true, [this](const httplib::Request& req, httplib::Response& res) {
                ingest(req.body, res);
              }));
    http.Post("/v1/recommend", wrap("/v1/recommend", false,
                                    [this](const httplib::Request& req, httplib::Response& res) {
                                      recommend(req.body, res);
                                    }));
    http.Get(
        R"(/v1/items/([^/]+)/similar)",
        wrap("/v1/items/similar", false,
             [this](const httplib::Request& req, httplib::Response& res) { similar(req, res); }));
    http.Post("/admin/reload", wrap("/admin/reload", true,
                                    [this](const httplib::Request& req, httplib::Response& res) {
                                      reload(req.body, res);
                                    }));
  }

  void ingest(const std::string& body, httplib::Response& res) {
    const EventBatch batch = decode_events(body);
    const auto m = std::atomic_load(&model);
    json rejected = json::array();
    for (const auto& r : batch.rejected)
      rejected.push_back({{"index", r.index}, {"reason", r.reason}});
    size_t accepted = 0, duplicates = 0;
    for (const auto& [index, e] : batch.events) {
      const uint32_t item = m->find(e.item_id);
      if (item == 0) {
        rejected.push_back({{"index", index}, {"reason", "unknown item '" + e.item_id + "'"}});
        continue;
      }
      LiveSessions::Outcome outcome;
      try {
        outcome = sessions.add(e.key(), e.event_id, item, e.type, e.ts_ms, now_ms(), *m);
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
    reply(res, accepted > 0 || duplicates > 0 || rejected.empty() ? 200 : 422,
          {{"accepted", accepted}, {"duplicates", duplicates}, {"rejected", rejected}});
  }

  void recommend(const std::string& body, httplib::Response& res) {
    const auto start = Clock::now();
    const RecommendRequest r = decode_recommend(body, o.max_k);
    const auto m = std::atomic_load(&model);
    const SessionModel& model_ref = *m->artifact.model;
    std::unique_ptr<SessionState> state = model_ref.start();
    json unknown = json::array();
    if (r.stateless) {
      int64_t t = 0;
      for (const auto& id : r.items) {
        const uint32_t item = m->find(id);
        if (item == 0) {
          unknown.push_back(id);
          continue;
        }
        model_ref.observe(*state, item, 0, t += 1000);
      }
    } else if (auto live = sessions.snapshot(r.key(), *m)) {
      state = std::move(live);  // reading never creates a session
    }
    const bool fallback = state->items.empty();
    const bool filtered = !r.categories.empty();
    std::vector<uint8_t> allowed;  // item -> passes the category filter (filtered calls only)
    if (filtered) {
      allowed.assign(m->num_items(), 0);
      for (const auto& c : r.categories) {
        if (const uint32_t id = m->categories.find(c); id != 0) {
          for (uint32_t item : m->items_of_category[id]) allowed[item] = 1;
        }
      }
    }
    std::vector<ScoredItem> top;
    if (fallback) {
      for (uint32_t item : m->by_popularity) {
        if (top.size() >= r.k) break;
        if (filtered && allowed[item] == 0) continue;
        top.push_back({item, static_cast<float>(m->artifact.item_counts[item])});
      }
    } else {
      const RetrievalFilter filter{allowed, r.exclude_seen ? std::span<const uint32_t>(state->items)
                                                           : std::span<const uint32_t>()};
      top = retrieve(*m, *state, r.k, filter);
    }
    json items = json::array();
    std::map<uint32_t, double> category_mass;
    const float best = top.empty() ? 0.0f : top.front().score;
    for (const auto& s : top) {
      json it = {{"item_id", m->artifact.items.name(s.item)},
                 {"score", s.score},
                 {"category", m->artifact.item_categories[s.item]}};
      if (r.explain && !fallback) {
        json why = json::array();
        for (const auto& a : model_ref.explain(*state, s.item, m->num_items(), 10)) {
          why.push_back({{"position", a.position},
                         {"item_id", m->artifact.items.name(a.item)},
                         {"weight", a.weight},
                         {"reason", a.reason}});
        }
        it["explanation"] = why;
      }
      items.push_back(it);
      if (m->item_category[s.item] != 0) {
        category_mass[m->item_category[s.item]] +=
            fallback ? 1.0 : std::exp(static_cast<double>(s.score - best));
      }
    }
    double total = 0;
    for (const auto& [c, w] : category_mass) total += w;
    std::vector<std::pair<uint32_t, double>> cats(category_mass.begin(), category_mass.end());
    std::sort(cats.begin(), cats.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    json categories = json::array();
    for (size_t i = 0; i < cats.size() && i < 5; ++i) {
      categories.push_back(
          {{"category", m->categories.name(cats[i].first)}, {"score", cats[i].second / total}});
    }
    (fallback ? recs_fallback : recs_model).Increment();
    json out = {
        {"items", items},
        {"categories", categories},
        {"model", {{"name", model_ref.name()}, {"version", m->version}}},
        {"fallback", fallback},
        {"latency_us",
         std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()}};
    if (!unknown.empty()) out["unknown_items"] = unknown;
    reply(res, 200, out);
  }

  // The k best items for a session state: through the model's index when it has one, else by
  // scoring every item. Filters apply before top-K either way.
  static std::vector<ScoredItem> retrieve(const ServedModel& m, const SessionState& state, size_t k,
                                          const RetrievalFilter& filter) {
    const SessionModel& model = *m.artifact.model;
    if (m.index) return m.index->search(model.query_vector(state), k, filter);
    thread_local std::vector<float> scores;
    scores.resize(m.num_items());
    model.score(state, scores);
    if (!filter.allowed.empty()) {
      const float ninf = -std::numeric_limits<float>::infinity();
      for (uint32_t i = 1; i < m.num_items(); ++i) {
        if (filter.allowed[i] == 0) scores[i] = ninf;
      }
    }
    return top_k(scores, k, filter.exclude);
  }

  // Items most likely to follow this one (the model's scores for a one-item session).
  void similar(const httplib::Request& req, httplib::Response& res) {
    const auto m = std::atomic_load(&model);
    const std::string id = req.matches[1];
    const uint32_t item = m->find(id);
    if (item == 0) throw ApiError(404, "unknown item '" + id + "'");
    size_t k = 20;
    if (req.has_param("k")) {
      const std::string v = req.get_param_value("k");
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

  void reload(const std::string& body, httplib::Response& res) {
    std::string dir = std::atomic_load(&model)->dir;
    if (!body.empty()) {
      json j;
      try {
        j = json::parse(body);
      } catch (const json::exception& e) {
        throw ApiError(400, fmt::format("malformed JSON: {}", e.what()));
      }
      if (!j.is_object()) throw ApiError(400, "expected a JSON object");
      for (const auto& [key, value] : j.items()) {
        if (key != "model") throw ApiError(400, "reload: unknown field '" + key + "'");
      }
      if (j.contains("model")) {
        if (!j["model"].is_string())
          throw ApiError(400, "reload: 'model' must be a directory path");
        dir = j["model"].get<std::string>();
      }
    }
    std::lock_guard lock(reload_mu);
    std::shared_ptr<const ServedModel> fresh;
    try {
      fresh = load_served_model(dir, next_version++, o.retrieval);
    } catch (const Error& e) {
      reply(res, 422,
            {{"error", std::string("reload failed, the current model stays: ") + e.what()}});
      return;
    }
    sessions.register_model(*fresh);
    std::atomic_store(&model, fresh);
    g_version.Set(static_cast<double>(fresh->version));
    g_reloads.Increment();
    spdlog::info("reloaded {} as version {}", dir, fresh->version);
    reply(res, 200,
          {{"model", fresh->artifact.model->name()}, {"version", fresh->version}, {"dir", dir}});
  }
};

Server::Server(ServeOptions o) : impl_(std::make_unique<Impl>(std::move(o))) {}
Server::~Server() { stop(); }

int Server::bind() {
  Impl& i = *impl_;
  if (i.o.port == 0) {
    i.o.port = i.http.bind_to_any_port(i.o.host);
    KAIROS_CHECK_IO(i.o.port > 0, "cannot bind {}", i.o.host);
  } else {
    KAIROS_CHECK_IO(i.http.bind_to_port(i.o.host, i.o.port), "cannot bind {}:{}", i.o.host,
                    i.o.port);
  }
  return i.o.port;
}

void Server::run() {
  spdlog::info("serving {} on http://{}:{} ({} threads)", impl_->o.model_dir, impl_->o.host,
               impl_->o.port, impl_->o.threads);
  impl_->http.listen_after_bind();
}

void Server::stop() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

}  // namespace kairos
