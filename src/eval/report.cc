#include "eval/report.h"

#include <fmt/format.h>

#include <set>

namespace kairos::eval {
namespace {

std::string ranking_label(const EvalResult& r) {
  return r.sampled()
             ? fmt::format("SAMPLED ranking ({}: NOT comparable to full ranking)", r.ranking)
             : "full ranking over the catalogue";
}

}  // namespace

nlohmann::json to_json(const EvalResult& r) {
  nlohmann::json intervals = nlohmann::json::object();
  for (const auto& [name, iv] : r.intervals) intervals[name] = {{"low", iv.low}, {"high", iv.high}};
  nlohmann::json by_length = nlohmann::json::array();
  const int k = r.cutoffs.empty() ? 0 : r.cutoffs.back();
  for (const auto& b : r.by_length) {
    by_length.push_back({{"prefix_length", b.lengths},
                         {"cases", b.cases},
                         {fmt::format("HR@{}", k), b.hr},
                         {fmt::format("MRR@{}", k), b.mrr}});
  }
  return {{"model", r.model},
          {"protocol", r.protocol},
          {"ranking", r.ranking},
          {"sampled", r.sampled()},
          {"ties", r.ties},
          {"part", r.part},
          {"cases", r.cases},
          {"cutoffs", r.cutoffs},
          {"metrics", r.metrics},
          {"ci95", intervals},
          {"by_prefix_length", by_length},
          {"fit_seconds", r.fit_seconds},
          {"eval_seconds", r.eval_seconds},
          {"cases_per_second", r.cases_per_second},
          {"latency_us",
           {{"p50", r.latency_p50_us}, {"p95", r.latency_p95_us}, {"p99", r.latency_p99_us}}},
          {"threads", r.threads},
          {"seed", r.seed}};
}

std::string to_csv(const std::vector<EvalResult>& results) {
  std::set<std::string> names;
  for (const auto& r : results) {
    for (const auto& [name, v] : r.metrics) names.insert(name);
  }
  std::string out = "model,protocol,ranking,ties,part,cases";
  for (const auto& n : names) out += "," + n;
  out += ",fit_seconds,eval_seconds,latency_p50_us,latency_p95_us,latency_p99_us\n";
  for (const auto& r : results) {
    out +=
        fmt::format("{},{},{},{},{},{}", r.model, r.protocol, r.ranking, r.ties, r.part, r.cases);
    for (const auto& n : names) {
      const auto it = r.metrics.find(n);
      out += it == r.metrics.end() ? "," : fmt::format(",{:.6f}", it->second);
    }
    out += fmt::format(",{:.3f},{:.3f},{:.1f},{:.1f},{:.1f}\n", r.fit_seconds, r.eval_seconds,
                       r.latency_p50_us, r.latency_p95_us, r.latency_p99_us);
  }
  return out;
}

std::string to_table(const std::vector<EvalResult>& results) {
  if (results.empty()) return "";
  const EvalResult& first = results.front();
  std::vector<std::string> cols;
  for (int k : first.cutoffs) {
    for (const char* m : {"HR", "MRR", "NDCG"}) cols.push_back(fmt::format("{}@{}", m, k));
  }
  if (first.protocol == "rest-of-session") {
    const int k = first.cutoffs.back();
    for (const char* m : {"Precision", "Recall", "MAP"}) cols.push_back(fmt::format("{}@{}", m, k));
  }
  if (!first.sampled()) {
    const int k = first.cutoffs.back();
    cols.push_back(fmt::format("Coverage@{}", k));
    cols.push_back(fmt::format("Popularity@{}", k));
  }
  std::string out = fmt::format("{} · {} on {} ({} cases) · ties: {}\n", first.protocol,
                                ranking_label(first), first.part, first.cases, first.ties);
  out += fmt::format("{:<12}", "model");
  for (const auto& c : cols) out += fmt::format(" {:>{}}", c, std::max<size_t>(8, c.size()));
  out += fmt::format(" {:>17} {:>8} {:>9} {:>9} {:>9}\n", "HR CI95", "fit s", "p50 us", "p95 us",
                     "p99 us");
  for (const auto& r : results) {
    out += fmt::format("{:<12}", r.model);
    for (const auto& c : cols) {
      const auto it = r.metrics.find(c);
      const std::string v = it == r.metrics.end() ? "-" : fmt::format("{:.4f}", it->second);
      out += fmt::format(" {:>{}}", v, std::max<size_t>(8, c.size()));
    }
    std::string ci = "-";
    if (const auto it =
            r.intervals.find(fmt::format("HR@{}", r.cutoffs.empty() ? 20 : r.cutoffs.back()));
        it != r.intervals.end()) {
      ci = fmt::format("[{:.4f},{:.4f}]", it->second.low, it->second.high);
    }
    out += fmt::format(" {:>17} {:>8.2f} {:>9.1f} {:>9.1f} {:>9.1f}\n", ci, r.fit_seconds,
                       r.latency_p50_us, r.latency_p95_us, r.latency_p99_us);
  }
  return out;
}

}  // namespace kairos::eval
