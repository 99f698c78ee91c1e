#include "eval/audience_evaluator.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"
#include "core/system.h"
#include "eval/bootstrap.h"
#include "models/audience/audience_model.h"
#include "tasks/new_item_audience.h"

namespace kairos::eval {
namespace {

constexpr double kLiftShares[] = {0.01, 0.05, 0.10};

std::string lift_name(double share) {
  return fmt::format("lift@{}%", static_cast<int>(share * 100));
}

}  // namespace

AudienceEvaluation evaluate_audiences(const Transactions& t, const std::vector<ModelSpec>& models,
                                      const AudienceEvalOptions& o,
                                      const AudienceModelMaker& make) {
  AudienceData d;
  if (o.campaign_horizon_days > 0) {
    CampaignOptions co;
    co.cutoff_day = o.cutoff_day;
    co.horizon_days = o.campaign_horizon_days;
    co.themes = o.themes;
    co.min_theme_items = o.min_theme_items;
    co.min_buyers = o.min_buyers;
    d = campaign_audiences(t, co);
  } else {
    AudienceOptions ao;
    ao.cutoff_day = o.cutoff_day;
    ao.min_buyers = o.min_buyers;
    d = new_item_audiences(t, ao);
  }
  AudienceEvaluation e;
  e.campaign_horizon_days = o.campaign_horizon_days;
  e.cutoff_day = o.cutoff_day;
  e.min_buyers = o.min_buyers;
  e.customers = d.customers.size();
  e.new_items = d.new_items;
  e.cases = d.cases.size();
  e.too_few_buyers = d.too_few_buyers;
  for (const auto& c : d.cases) e.mean_buyers += static_cast<double>(c.buyers.size());
  if (!d.cases.empty()) e.mean_buyers /= static_cast<double>(d.cases.size());
  KAIROS_CHECK(!d.cases.empty() && !d.customers.empty(),
               "audience task: no {} with {} or more known buyers after {} ({} in all)",
               o.campaign_horizon_days > 0 ? "campaign theme" : "new item", o.min_buyers,
               format_day(o.cutoff_day), d.new_items);
  spdlog::info(
      "audiences: {} known customers, {} new items from {} ({} with fewer than {} known "
      "buyers left out), {:.1f} buyers per item",
      e.customers, e.new_items, format_day(o.cutoff_day), e.too_few_buyers, o.min_buyers,
      e.mean_buyers);
  const size_t n = d.customers.size();
  // One tie-breaking order for all models: a seeded shuffle of the customers.
  std::vector<uint32_t> shuffle(n);
  std::iota(shuffle.begin(), shuffle.end(), 0u);
  Rng rng(o.seed);
  for (size_t i = n; i > 1; --i) std::swap(shuffle[i - 1], shuffle[rng.below(i)]);
  for (const auto& spec : models) {
    AudienceEvalResult r;
    r.model = spec.label;
    auto model =
        make ? make(spec.model, spec.hparams) : make_audience_model(spec.model, spec.hparams);
    Stopwatch watch;
    model->fit(d.history, d.customers);
    r.fit_seconds = watch.seconds();
    watch.reset();
    std::map<std::string, std::vector<double>> per_case;
    std::vector<float> scores(n);
    std::vector<uint32_t> order(n);
    std::vector<uint32_t> rank(n);
    for (const auto& c : d.cases) {
      model->score(c.text, c.price, scores);
      order = shuffle;
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return scores[a] > scores[b]; });
      for (uint32_t pos = 0; pos < n; ++pos) rank[order[pos]] = pos;  // 0-based
      const auto buyers = static_cast<double>(c.buyers.size());
      for (int k : o.cutoffs) {
        double hits = 0, dcg = 0, idcg = 0;
        for (uint32_t b : c.buyers) {
          if (rank[b] < static_cast<uint32_t>(k)) {
            hits += 1;
            dcg += 1.0 / std::log2(rank[b] + 2.0);
          }
        }
        for (int j = 0; j < std::min<int>(k, static_cast<int>(c.buyers.size())); ++j)
          idcg += 1.0 / std::log2(j + 2.0);
        per_case[fmt::format("Recall@{}", k)].push_back(hits / buyers);
        per_case[fmt::format("NDCG@{}", k)].push_back(idcg > 0 ? dcg / idcg : 0);
      }
      for (double share : kLiftShares) {
        const auto top = static_cast<uint32_t>(std::ceil(share * static_cast<double>(n)));
        double hits = 0;
        for (uint32_t b : c.buyers) hits += rank[b] < top;
        per_case[lift_name(share)].push_back(hits / buyers /
                                             (static_cast<double>(top) / static_cast<double>(n)));
      }
    }
    r.score_seconds = watch.seconds();
    for (const auto& [name, values] : per_case) {
      r.metrics[name] =
          std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
      if (o.bootstrap > 0) {
        const auto [lo, hi] = bootstrap_interval(values, o.bootstrap, o.seed);
        r.intervals[name] = {lo, hi};
      }
    }
    spdlog::info("{}: fitted in {:.2f} s, scored {} items in {:.2f} s", r.model, r.fit_seconds,
                 d.cases.size(), r.score_seconds);
    e.results.push_back(std::move(r));
  }
  return e;
}

nlohmann::json to_json(const AudienceEvaluation& e) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : e.results) {
    nlohmann::json ci = nlohmann::json::object();
    for (const auto& [k, iv] : r.intervals) ci[k] = {{"low", iv.low}, {"high", iv.high}};
    results.push_back({{"model", r.model},
                       {"metrics", r.metrics},
                       {"ci95", ci},
                       {"fit_seconds", r.fit_seconds},
                       {"score_seconds", r.score_seconds}});
  }
  return {{"task", "audience"},
          {"cutoff", format_day(e.cutoff_day)},
          {"customers", e.customers},
          {e.campaign_horizon_days > 0 ? "themes" : "new_items", e.new_items},
          {"cases", e.cases},
          {"too_few_buyers", e.too_few_buyers},
          {"min_buyers", e.min_buyers},
          {"cases_are", e.campaign_horizon_days > 0 ? "campaign themes" : "new products"},
          {"campaign_horizon_days", e.campaign_horizon_days},
          {"mean_buyers", e.mean_buyers},
          {"results", results}};
}

std::string to_csv(const AudienceEvaluation& e) {
  if (e.results.empty()) return "model\n";
  std::string out = "model";
  for (const auto& [k, v] : e.results.front().metrics) out += "," + k;
  out += ",fit_seconds\n";
  for (const auto& r : e.results) {
    out += r.model;
    for (const auto& [k, v] : r.metrics) out += fmt::format(",{:.6f}", v);
    out += fmt::format(",{:.3f}\n", r.fit_seconds);
  }
  return out;
}

std::string to_table(const AudienceEvaluation& e) {
  std::string out =
      e.campaign_horizon_days > 0
          ? fmt::format(
                "campaign audiences · buyers of each theme's items in the {} days from {} · {} "
                "themes with >= {} known buyers ({:.1f} each) · {} known customers ranked\n",
                e.campaign_horizon_days, format_day(e.cutoff_day), e.cases, e.min_buyers,
                e.mean_buyers, e.customers)
          : fmt::format(
                "new-product audiences · items first sold from {} · {} items with >= {} known "
                "buyers ({:.1f} buyers each) · {} known customers ranked\n",
                format_day(e.cutoff_day), e.cases, e.min_buyers, e.mean_buyers, e.customers);
  if (e.results.empty()) return out;
  std::vector<std::string> names;
  for (const auto& [k, v] : e.results.front().metrics) names.push_back(k);
  out += fmt::format("{:<16}", "model");
  for (const auto& n : names) out += fmt::format(" {:>10}", n);
  out += "\n";
  for (const auto& r : e.results) {
    out += fmt::format("{:<16}", r.model);
    for (const auto& n : names) out += fmt::format(" {:>10.4f}", r.metrics.at(n));
    out += "\n";
  }
  return out;
}

}  // namespace kairos::eval
