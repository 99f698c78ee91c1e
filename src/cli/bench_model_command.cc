// kairos bench model: per-event inference latency of a trained artifact, the way the server uses
// it — replay test sessions event by event through start()/observe() (GRU4Rec: one recurrent
// step) and score(state) over the whole catalogue after each event. For models with an
// inner-product form it also times top-20 retrieval from the state's query vector through the
// exact index (BLAS) and the HNSW index (Faiss), and measures the HNSW recall@20 against exact on
// the same queries. One thread, wall clock per call; prints p50/p90/p99 in microseconds as a
// table and JSON.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/error.h"
#include "data/dataset.h"
#include "eval/bootstrap.h"
#include "index/item_index.h"
#include "models/artifact.h"
#include "models/factory.h"

namespace kairos::cli {
namespace {

struct BenchModelFlags {
  std::string model, data;
  uint64_t events = 20000;
  int ef_search = HnswOptions{}.ef_search;
  int m = HnswOptions{}.m;
};

nlohmann::json quantiles(const std::vector<float>& us) {
  return {{"p50", eval::percentile(us, 0.5)},
          {"p90", eval::percentile(us, 0.9)},
          {"p99", eval::percentile(us, 0.99)}};
}

void run_bench_model(const BenchModelFlags& f) {
  set_inference_threads(1);
  const Artifact a = load_artifact(f.model);
  const Dataset data = Dataset::load(f.data);
  check_artifact_matches(a, data, f.model);
  const SessionModel& m = *a.model;
  const SessionSet test = data.test();
  std::vector<float> scores(a.num_items());
  std::vector<float> observe_us, score_us, query_us, exact_us, hnsw_us;
  using Clock = std::chrono::steady_clock;
  auto us = [](Clock::time_point t0) {
    return std::chrono::duration<float, std::micro>(Clock::now() - t0).count();
  };
  uint32_t dim = 0;
  std::vector<float> vectors = m.item_vectors(dim);
  std::unique_ptr<ItemIndex> exact, hnsw;
  double build_s = 0, recall_sum = 0;
  if (dim > 0) {
    exact = make_exact_index(vectors, dim);
    set_inference_threads(2);  // the HNSW build is parallel (OpenMP), as at server start
    const auto t0 = Clock::now();
    HnswOptions ho;
    ho.ef_search = f.ef_search;
    ho.m = f.m;
    hnsw = make_hnsw_index(std::move(vectors), dim, ho);
    build_s = std::chrono::duration<double>(Clock::now() - t0).count();
    set_inference_threads(1);
  }
  for (size_t s = 0; s < test.size() && observe_us.size() < f.events; ++s) {
    const SessionView v = test[s];
    auto state = m.start();
    for (size_t i = 0; i < v.size() && observe_us.size() < f.events; ++i) {
      auto t0 = Clock::now();
      m.observe(*state, v.items[i], v.types[i], v.ts_ms[i]);
      observe_us.push_back(us(t0));
      t0 = Clock::now();
      m.score(*state, scores);
      score_us.push_back(us(t0));
      if (!exact) continue;
      t0 = Clock::now();
      const std::vector<float> q = m.query_vector(*state);
      query_us.push_back(us(t0));
      t0 = Clock::now();
      const auto truth = exact->search(q, 20);
      exact_us.push_back(us(t0));
      t0 = Clock::now();
      const auto approx = hnsw->search(q, 20);
      hnsw_us.push_back(us(t0));
      size_t hit = 0;
      for (const auto& a : approx) {
        for (const auto& t : truth) hit += a.item == t.item;
      }
      recall_sum += truth.empty() ? 1.0 : static_cast<double>(hit) / truth.size();
    }
  }
  KAIROS_CHECK(!observe_us.empty(), "{} has no test events", f.data);
  nlohmann::json j = {{"model", m.name()},
                      {"items", a.num_items() - 1},
                      {"events", observe_us.size()},
                      {"observe_us", quantiles(observe_us)},
                      {"score_us", quantiles(score_us)}};
  std::vector<const char*> rows = {"observe_us", "score_us"};
  if (exact) {
    j["dim"] = dim;
    j["query_vector_us"] = quantiles(query_us);
    j["exact_top20_us"] = quantiles(exact_us);
    j["hnsw_top20_us"] = quantiles(hnsw_us);
    j["hnsw_recall@20"] = recall_sum / static_cast<double>(exact_us.size());
    j["hnsw_build_seconds"] = build_s;
    j["hnsw_ef_search"] = f.ef_search;
    j["hnsw_m"] = f.m;
    rows.insert(rows.end(), {"query_vector_us", "exact_top20_us", "hnsw_top20_us"});
  }
  std::printf("%-16s %8s  %s\n", "call", "events", "p50 / p90 / p99 us (one thread)");
  for (const char* k : rows) {
    std::printf("%-16s %8zu  %.1f / %.1f / %.1f\n", k, observe_us.size(), j[k]["p50"].get<double>(),
                j[k]["p90"].get<double>(), j[k]["p99"].get<double>());
  }
  if (exact) {
    std::printf("HNSW (M %d, ef_search %d): recall@20 vs exact %.4f, built in %.1f s (2 threads)\n",
                f.m, f.ef_search, j["hnsw_recall@20"].get<double>(), build_s);
  }
  std::printf("%s\n", j.dump().c_str());
}

}  // namespace

void add_bench_model_command(CLI::App& bench) {
  auto f = std::make_shared<BenchModelFlags>();
  CLI::App* sub = bench.add_subcommand(
      "model", "Per-event inference latency of a trained artifact (observe + score, as served)");
  sub->add_option("--model", f->model, "Model artifact directory")->required();
  sub->add_option("--data", f->data, "The prepared dataset it was trained on (test sessions)")
      ->required();
  sub->add_option("--events", f->events, "Events to replay")->capture_default_str();
  sub->add_option("--ef-search", f->ef_search, "HNSW search beam")->capture_default_str();
  sub->add_option("--ann-m", f->m, "HNSW graph degree (M)")
      ->check(CLI::Range(4, 128))
      ->capture_default_str();
  sub->callback([f] { run_bench_model(*f); });
}

}  // namespace kairos::cli
