// kairos bench serve: an open-loop load generator for a running `kairos serve`, shaped like real
// traffic rather than one hot session: requests arrive at a fixed mean rate (Poisson or evenly
// spaced) whether or not earlier ones have returned, spread over many sessions, with real item
// ids drawn by their training popularity from the served artifact's items.tsv.
//  - events:    {"session_id": "b<n>", "item_id": <popular item>, "type": "view"} into a random
//               session among --sessions;
//  - recommend: {"session_id": "b<n>", "k": K} for a random session that already has events.
// Latency runs from each request's scheduled time (no coordinated omission: a stalled server
// shows up as latency, not as a lower send rate). One I/O thread, --connections keep-alive
// connections; requests wait for a free connection in arrival order. Prints p50/p90/p99/p99.9
// and the achieved rate per kind, as a table and JSON.
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "cli/command.h"
#include "core/error.h"
#include "core/format.h"

namespace kairos::cli {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct BenchServeFlags {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string model;  // artifact dir: items.tsv gives item ids and training counts
  double rate = 1000;
  double seconds = 20;
  uint64_t sessions = 50'000;
  double events_share = 0.5;
  int connections = 64;
  int k = 20;
  std::string arrivals = "poisson";
  std::string api_key;
  uint64_t seed = 1;
  std::string json_out;
};

// Item ids of items.tsv (id, index, category, count) and a sampler by count.
struct Catalogue {
  std::vector<std::string> ids;
  std::vector<double> cumulative;
  const std::string& draw(std::mt19937_64& rng) const {
    std::uniform_real_distribution<double> u(0, cumulative.back());
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u(rng));
    return ids[std::min<size_t>(it - cumulative.begin(), ids.size() - 1)];
  }
};

Catalogue read_catalogue(const std::string& dir) {
  std::ifstream in(dir + "/items.tsv");
  KAIROS_CHECK_IO(in.good(), "cannot read {}/items.tsv", dir);
  Catalogue c;
  std::string line;
  std::getline(in, line);  // header
  double total = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      f.push_back(line.substr(start, tab - start));
    f.push_back(line.substr(start));
    if (f.size() < 4 || f[0].find('\\') != std::string::npos) continue;  // escaped ids: skip
    total += std::max(1.0, std::stod(f[3]));
    c.ids.push_back(f[0]);
    c.cumulative.push_back(total);
  }
  KAIROS_CHECK(!c.ids.empty(), "{}/items.tsv lists no items", dir);
  return c;
}

enum Kind { kEvent = 0, kRecommend = 1 };

struct Job {
  Kind kind;
  Clock::time_point scheduled;
  std::string body;
};

struct Stats {
  std::vector<float> latency_ms;
  std::map<int, uint64_t> status;
  uint64_t errors = 0;
};

class LoadGenerator {
 public:
  LoadGenerator(const BenchServeFlags& f, Catalogue cat)
      : f_(f), cat_(std::move(cat)), rng_(f.seed), timer_(ioc_) {
    tcp::resolver resolver(ioc_);
    endpoints_ = resolver.resolve(f.host, std::to_string(f.port));
    for (int i = 0; i < f.connections; ++i) {
      conns_.push_back(std::make_unique<Conn>(ioc_));
      connect(*conns_.back());
      idle_.push_back(conns_.back().get());
    }
    touched_.reserve(f.sessions);
  }

  nlohmann::json run() {
    start_ = Clock::now();
    end_ = start_ +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(f_.seconds));
    next_ = start_;
    schedule();
    ioc_.run();
    return report();
  }

 private:
  struct Conn {
    explicit Conn(net::io_context& ioc) : stream(ioc) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
    Job job;
    Clock::time_point last_used = Clock::now();
  };

  // A keep-alive connection left idle this long is opened afresh before its next request: the
  // server closes idle connections (kairos serve: --idle-timeout-ms, 60 s by default), and a
  // request written to a connection the server has just closed fails without being read. Idle
  // connections are taken last-in first-out, so at a low rate some wait that long in a long run.
  static constexpr std::chrono::seconds kReopenIdleAfter{20};

  void connect(Conn& c) {
    beast::error_code ec;
    c.stream.socket().close(ec);
    c.stream.connect(endpoints_, ec);
    KAIROS_CHECK_IO(!ec, "cannot connect to {}:{}: {}", f_.host, f_.port, ec.message());
    c.stream.socket().set_option(tcp::no_delay(true), ec);
    c.buffer.clear();
  }

  Job make_job(Clock::time_point at) {
    std::uniform_real_distribution<double> u(0, 1);
    const bool event = touched_.empty() || u(rng_) < f_.events_share;
    nlohmann::json body;
    if (event) {
      std::uniform_int_distribution<uint64_t> pick(0, f_.sessions - 1);
      const uint64_t s = pick(rng_);
      if (!seen_[s]) {
        seen_[s] = true;
        touched_.push_back(s);
      }
      body = {
          {"session_id", "b" + std::to_string(s)}, {"item_id", cat_.draw(rng_)}, {"type", "view"}};
    } else {
      std::uniform_int_distribution<size_t> pick(0, touched_.size() - 1);
      body = {{"session_id", "b" + std::to_string(touched_[pick(rng_)])}, {"k", f_.k}};
    }
    return {event ? kEvent : kRecommend, at, body.dump()};
  }

  // Issues every request whose time has come, then sleeps until the next one.
  void schedule() {
    const auto now = Clock::now();
    std::exponential_distribution<double> gap(f_.rate);
    while (next_ <= now && next_ < end_) {
      pending_.push_back(make_job(next_));
      ++sent_;
      const double dt = f_.arrivals == "poisson" ? gap(rng_) : 1.0 / f_.rate;
      next_ += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(dt));
    }
    while (!pending_.empty() && !idle_.empty()) {
      Conn* c = idle_.back();
      idle_.pop_back();
      dispatch(*c, std::move(pending_.front()));
      pending_.pop_front();
    }
    if (next_ < end_) {
      timer_.expires_at(next_);
      timer_.async_wait([this](beast::error_code) { schedule(); });
    } else {
      finishing_ = true;
      maybe_stop();
    }
  }

  void dispatch(Conn& c, Job job) {
    if (Clock::now() - c.last_used > kReopenIdleAfter) connect(c);
    c.job = std::move(job);
    c.req = {};
    c.req.method(http::verb::post);
    c.req.target(c.job.kind == kEvent ? "/v1/events" : "/v1/recommend");
    c.req.version(11);
    c.req.set(http::field::host, f_.host);
    c.req.set(http::field::content_type, "application/json");
    if (!f_.api_key.empty()) c.req.set("X-API-Key", f_.api_key);
    c.req.body() = c.job.body;
    c.req.prepare_payload();
    c.stream.expires_after(std::chrono::seconds(30));
    http::async_write(c.stream, c.req, [this, &c](beast::error_code ec, size_t) {
      if (ec) return done(c, 0);
      c.res = {};
      http::async_read(c.stream, c.buffer, c.res, [this, &c](beast::error_code ec2, size_t) {
        done(c, ec2 ? 0 : c.res.result_int());
      });
    });
  }

  void done(Conn& c, int status) {
    c.last_used = Clock::now();
    Stats& s = stats_[c.job.kind];
    if (status == 0) {
      ++s.errors;
      connect(c);
    } else {
      ++s.status[status];
      s.latency_ms.push_back(
          std::chrono::duration<float, std::milli>(Clock::now() - c.job.scheduled).count());
      if (!c.res.keep_alive()) connect(c);
    }
    ++completed_;
    if (!pending_.empty()) {
      Job next = std::move(pending_.front());
      pending_.pop_front();
      return dispatch(c, std::move(next));
    }
    idle_.push_back(&c);
    maybe_stop();
  }

  void maybe_stop() {
    if (finishing_ && completed_ == sent_) ioc_.stop();
  }

  nlohmann::json report() {
    const double wall = std::chrono::duration<double>(Clock::now() - start_).count();
    nlohmann::json out = {{"bench", "serve"},
                          {"target_rate", f_.rate},
                          {"seconds", f_.seconds},
                          {"sessions", f_.sessions},
                          {"sessions_touched", touched_.size()},
                          {"connections", f_.connections},
                          {"arrivals", f_.arrivals},
                          {"wall_seconds", wall}};
    std::printf("%-10s %9s %9s %8s %8s %8s %8s %8s %8s  %s\n", "kind", "requests", "req/s",
                "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "statuses");
    for (int k = 0; k < 2; ++k) {
      Stats& s = stats_[k];
      std::sort(s.latency_ms.begin(), s.latency_ms.end());
      auto q = [&](double p) -> double {
        if (s.latency_ms.empty()) return 0;
        return s.latency_ms[std::min(s.latency_ms.size() - 1,
                                     static_cast<size_t>(p * s.latency_ms.size()))];
      };
      uint64_t n = s.errors, ok = 0;
      std::string statuses;
      nlohmann::json st = nlohmann::json::object();
      for (const auto& [code, count] : s.status) {
        n += count;
        if (code >= 200 && code < 300) ok += count;
        statuses += fmt::format("{}:{} ", code, count);
        st[std::to_string(code)] = count;
      }
      const char* name = k == kEvent ? "events" : "recommend";
      std::printf("%-10s %9llu %9.0f %8.2f %8.2f %8.2f %8.2f %8.2f %8llu  %s\n", name,
                  static_cast<unsigned long long>(n), n / f_.seconds, q(0.5), q(0.9), q(0.99),
                  q(0.999), s.latency_ms.empty() ? 0.0 : s.latency_ms.back(),
                  static_cast<unsigned long long>(s.errors), statuses.c_str());
      // Latency histogram on log-spaced bins (x1.25 from 0.05 ms), for plots (kairos report).
      nlohmann::json histogram = nlohmann::json::array();
      size_t at = 0;
      for (double upper = 0.05; at < s.latency_ms.size(); upper *= 1.25) {
        const size_t begin = at;
        while (at < s.latency_ms.size() && s.latency_ms[at] <= upper) ++at;
        histogram.push_back({{"upper_ms", upper}, {"count", at - begin}});
      }
      out[name] = {{"histogram", histogram},
                   {"requests", n},
                   {"ok", ok},
                   {"errors", s.errors},
                   {"statuses", st},
                   {"rate", n / f_.seconds},
                   {"p50_ms", q(0.5)},
                   {"p90_ms", q(0.9)},
                   {"p99_ms", q(0.99)},
                   {"p999_ms", q(0.999)},
                   {"max_ms", s.latency_ms.empty() ? 0.0 : s.latency_ms.back()}};
    }
    return out;
  }

  const BenchServeFlags& f_;
  Catalogue cat_;
  std::mt19937_64 rng_;
  net::io_context ioc_;
  net::steady_timer timer_;
  tcp::resolver::results_type endpoints_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> idle_;
  std::deque<Job> pending_;
  std::map<uint64_t, bool> seen_;
  std::vector<uint64_t> touched_;
  Stats stats_[2];
  Clock::time_point start_, end_, next_;
  uint64_t sent_ = 0, completed_ = 0;
  bool finishing_ = false;
};

void run_bench_serve(const BenchServeFlags& f) {
  KAIROS_CHECK_USAGE(f.rate > 0 && f.seconds > 0 && f.sessions > 0 && f.connections > 0,
                     "bench serve: rate, seconds, sessions and connections must be positive");
  LoadGenerator gen(f, read_catalogue(f.model));
  const nlohmann::json j = gen.run();
  std::printf("%s\n", j.dump().c_str());
  if (!f.json_out.empty()) std::ofstream(f.json_out) << j.dump(2) << "\n";
}

}  // namespace

void add_bench_serve_command(CLI::App& bench) {
  auto f = std::make_shared<BenchServeFlags>();
  CLI::App* sub = bench.add_subcommand(
      "serve",
      "Open-loop load on a running `kairos serve`: events and recommends over many "
      "sessions with the artifact's item ids (p50/p99, achieved rate)");
  sub->add_option("--host", f->host, "Server address")->capture_default_str();
  sub->add_option("--port", f->port, "Server port")->capture_default_str();
  sub->add_option("--model", f->model, "The served artifact (its items.tsv)")->required();
  sub->add_option("--rate", f->rate, "Requests per second (all kinds)")->capture_default_str();
  sub->add_option("--seconds", f->seconds, "Duration")->capture_default_str();
  sub->add_option("--sessions", f->sessions, "Distinct sessions")->capture_default_str();
  sub->add_option("--events-share", f->events_share, "Share of requests that are events")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--connections", f->connections, "Keep-alive connections")->capture_default_str();
  sub->add_option("--k", f->k, "k of each recommend")->capture_default_str();
  sub->add_option("--arrivals", f->arrivals, "poisson or uniform spacing")
      ->check(CLI::IsMember({"poisson", "uniform"}))
      ->capture_default_str();
  sub->add_option("--api-key", f->api_key, "Sent as X-API-Key");
  sub->add_option("--seed", f->seed, "Random seed")->capture_default_str();
  sub->add_option("--json", f->json_out, "Also write the report here");
  sub->callback([f] { run_bench_serve(*f); });
}

}  // namespace kairos::cli
