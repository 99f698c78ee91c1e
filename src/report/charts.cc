#include "report/charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "eval/prefix_buckets.h"

namespace kairos::report {
namespace {

using nlohmann::json;

json base(const json& data) {
  return {{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
          {"data", {{"values", data}}}};
}

json prefix_order() {
  json order = json::array();
  for (const char* b : eval::kPrefixBuckets) order.push_back(b);
  return order;
}

// The series label of an evaluation row: the model, and the target for intent rows.
std::string series(const json& r) {
  std::string s = r.value("model", "?");
  if (r.contains("target")) s += " · " + r["target"].get<std::string>();
  return s;
}

// "NAME@K" values of every result for NAME in `names`, with their 95 % intervals where the
// evaluation computed one: rows {series, metric, K, value[, low, high]}.
json metric_at_k_rows(const json& results, const std::vector<std::string>& names) {
  json rows = json::array();
  for (const json& r : results) {
    const json& m = r.value("metrics", json::object());
    const json& ci = r.value("ci95", json::object());
    for (const auto& [key, value] : m.items()) {
      const size_t at = key.find('@');
      if (at == std::string::npos || !value.is_number()) continue;
      const std::string name = key.substr(0, at);
      if (std::find(names.begin(), names.end(), name) == names.end()) continue;
      json row = {{"series", series(r)},
                  {"metric", name},
                  {"K", std::stoi(key.substr(at + 1))},
                  {"value", value}};
      if (ci.contains(key)) {
        row["low"] = ci[key]["low"];
        row["high"] = ci[key]["high"];
      }
      rows.push_back(row);
    }
  }
  return rows;
}

Chart metric_at_k(const json& results, const std::vector<std::string>& names,
                  const std::string& caption) {
  const json rows = metric_at_k_rows(results, names);
  if (rows.empty()) return {};
  json spec = base(rows);
  spec["facet"] = {
      {"column", {{"field", "metric"}, {"type", "nominal"}, {"sort", names}, {"title", nullptr}}}};
  const json x = {{"field", "K"}, {"type", "ordinal"}, {"title", "cut-off K"}};
  const json color = {{"field", "series"}, {"type", "nominal"}, {"title", "model"}};
  spec["spec"] = {
      {"width", 220},
      {"height", 200},
      {"layer",
       {{{"mark", {{"type", "line"}, {"point", true}}},
         {"encoding",
          {{"x", x},
           {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", "value"}}},
           {"color", color},
           {"tooltip",
            {{{"field", "series"}}, {{"field", "K"}}, {{"field", "value"}, {"format", ".4f"}}}}}}},
        {{"transform", {{{"filter", "isValid(datum.low)"}}}},
         {"mark", {{"type", "errorbar"}, {"ticks", true}}},
         {"encoding",
          {{"x", x},
           {"y", {{"field", "low"}, {"type", "quantitative"}, {"title", "value"}}},
           {"y2", {{"field", "high"}}},
           {"color", color}}}}}}};
  spec["resolve"] = {{"scale", {{"y", "independent"}}}};
  return {"Accuracy at each cut-off", caption, spec};
}

Chart by_prefix_length(const json& results, const std::string& field, const std::string& title,
                       const std::string& caption) {
  json rows = json::array();
  for (const json& r : results) {
    for (const json& b : r.value("by_prefix_length", json::array())) {
      if (!b.contains(field) || !b[field].is_number() || b.value("cases", 0) == 0) continue;
      rows.push_back({{"series", series(r)},
                      {"prefix", b["prefix_length"]},
                      {"value", b[field]},
                      {"cases", b["cases"]}});
    }
  }
  if (rows.empty()) return {};
  json spec = base(rows);
  spec["width"] = 420;
  spec["height"] = 220;
  spec["mark"] = {{"type", "line"}, {"point", true}};
  spec["encoding"] = {{"x",
                       {{"field", "prefix"},
                        {"type", "ordinal"},
                        {"sort", prefix_order()},
                        {"title", "prefix length (events)"}}},
                      {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", field}}},
                      {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "model"}}},
                      {"tooltip",
                       {{{"field", "series"}},
                        {{"field", "prefix"}},
                        {{"field", "value"}, {"format", ".4f"}},
                        {{"field", "cases"}}}}};
  return {title, caption, spec};
}

Chart reliability(const json& results, const std::string& caption) {
  json rows = json::array();
  for (const json& r : results) {
    for (const json& b : r.value("reliability", json::array())) {
      if (b.value("count", 0) == 0) continue;
      rows.push_back({{"series", series(r)},
                      {"confidence", b["confidence"]},
                      {"accuracy", b["accuracy"]},
                      {"count", b["count"]}});
    }
  }
  if (rows.empty()) return {};
  const json x = {{"field", "confidence"},
                  {"type", "quantitative"},
                  {"scale", {{"domain", {0, 1}}}},
                  {"title", "predicted probability (bin mean)"}};
  const json y = {{"field", "accuracy"},
                  {"type", "quantitative"},
                  {"scale", {{"domain", {0, 1}}}},
                  {"title", "observed frequency"}};
  json spec = {{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
               {"width", 300},
               {"height", 300}};
  spec["layer"] = {
      {{"data",
        {{"values", {{{"confidence", 0}, {"accuracy", 0}}, {{"confidence", 1}, {"accuracy", 1}}}}}},
       {"mark", {{"type", "line"}, {"strokeDash", {4, 4}}, {"color", "#999"}}},
       {"encoding", {{"x", x}, {"y", y}}}},
      {{"data", {{"values", rows}}},
       {"mark", {{"type", "line"}, {"point", true}}},
       {"encoding",
        {{"x", x},
         {"y", y},
         {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "model"}}},
         {"tooltip",
          {{{"field", "series"}},
           {{"field", "confidence"}, {"format", ".3f"}},
           {{"field", "accuracy"}, {"format", ".3f"}},
           {{"field", "count"}}}}}}}};
  return {"Reliability diagram", caption, spec};
}

Chart binary_curve_chart(const json& results, bool roc) {
  json rows = json::array();
  for (const json& r : results) {
    for (const json& c : r.value("curve", json::array())) {
      rows.push_back({{"series", series(r)},
                      {"x", roc ? c["fpr"] : c["tpr"]},
                      {"y", roc ? c["tpr"] : c["precision"]},
                      {"threshold", c["threshold"]}});
    }
  }
  if (rows.empty()) return {};
  const json x = {{"field", "x"},
                  {"type", "quantitative"},
                  {"scale", {{"domain", {0, 1}}}},
                  {"title", roc ? "false-positive rate" : "recall"}};
  const json y = {{"field", "y"},
                  {"type", "quantitative"},
                  {"scale", {{"domain", {0, 1}}}},
                  {"title", roc ? "true-positive rate" : "precision"}};
  json spec = {{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
               {"width", 300},
               {"height", 300}};
  json layers = json::array();
  if (roc) {
    layers.push_back({{"data", {{"values", {{{"x", 0}, {"y", 0}}, {{"x", 1}, {"y", 1}}}}}},
                      {"mark", {{"type", "line"}, {"strokeDash", {4, 4}}, {"color", "#999"}}},
                      {"encoding", {{"x", x}, {"y", y}}}});
  }
  layers.push_back({{"data", {{"values", rows}}},
                    {"mark", "line"},
                    {"encoding",
                     {{"x", x},
                      {"y", y},
                      {"order", {{"field", "threshold"}, {"sort", "descending"}}},
                      {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "model"}}},
                      {"tooltip",
                       {{{"field", "series"}},
                        {{"field", "threshold"}, {"format", ".3f"}},
                        {{"field", "x"}, {"format", ".3f"}},
                        {{"field", "y"}, {"format", ".3f"}}}}}}});
  spec["layer"] = layers;
  return {roc ? "ROC curves" : "Precision-recall curves",
          roc ? "True- against false-positive rate as the threshold falls (test part, calibrated "
                "probabilities); the dashed diagonal is a random ranking."
              : "Precision against recall as the threshold falls (test part).",
          spec};
}

Chart grouped_bars(const json& rows, const std::string& group, const std::string& value_title,
                   const std::string& title, const std::string& caption) {
  json spec = base(rows);
  spec["width"] = 420;
  spec["height"] = 220;
  spec["mark"] = "bar";
  const json y = {{"field", "value"}, {"type", "quantitative"}, {"title", value_title}};
  spec["encoding"] = {
      {"x", {{"field", "series"}, {"type", "nominal"}, {"title", "model"}}},
      {"xOffset", {{"field", group}, {"type", "nominal"}}},
      {"y", y},
      {"color", {{"field", group}, {"type", "nominal"}, {"title", nullptr}}},
      {"tooltip",
       {{{"field", "series"}}, {{"field", group}}, {{"field", "value"}, {"format", ".4g"}}}}};
  return {title, caption, spec};
}

std::vector<Chart> next_item_charts(const json& results) {
  std::vector<Chart> out;
  out.push_back(metric_at_k(results, {"HR", "MRR", "NDCG"},
                            "Hit rate, MRR and NDCG at each cut-off K, full ranking over the "
                            "catalogue; bars are 95 % bootstrap intervals over the test cases."));
  int k = 0;
  for (const json& r : results) {
    for (const json& c : r.value("cutoffs", json::array())) k = std::max(k, c.get<int>());
  }
  out.push_back(by_prefix_length(results, fmt::format("HR@{}", k), "Accuracy by prefix length",
                                 fmt::format("HR@{} of the cases whose input prefix has that many "
                                             "events: how much each model gains as a session "
                                             "goes on.",
                                             k)));
  json bias = json::array(), latency = json::array();
  for (const json& r : results) {
    const json& m = r.value("metrics", json::object());
    for (const std::string name : {"Coverage", "Popularity"}) {
      const std::string key = fmt::format("{}@{}", name, k);
      if (m.contains(key))
        bias.push_back({{"series", series(r)}, {"measure", key}, {"value", m[key]}});
    }
    const json latency_us = r.value("latency_us", json::object());
    for (const auto& [p, v] : latency_us.items()) {
      latency.push_back({{"series", series(r)}, {"percentile", p}, {"value", v}});
    }
  }
  if (!bias.empty()) {
    out.push_back(grouped_bars(bias, "measure", "share", "Coverage and popularity bias",
                               fmt::format("Coverage@{0}: share of the catalogue that appears in "
                                           "any top-{0} list; Popularity@{0}: mean training "
                                           "popularity of the recommended items (higher = more "
                                           "popularity-biased).",
                                           k)));
  }
  if (!latency.empty()) {
    out.push_back(grouped_bars(latency, "percentile", "µs per case", "Scoring latency",
                               "Per-case scoring latency percentiles in the evaluator (µs; each "
                               "evaluator thread scores one case at a time)."));
  }
  return out;
}

std::vector<Chart> training_charts(const json& epochs, const std::string& run) {
  json rows = json::array();
  for (const json& e : epochs) {
    for (const auto& [key, v] : e.items()) {
      if (!v.is_number()) continue;
      if (key == "loss" || (key.rfind("valid_", 0) == 0 && key != "valid_seconds")) {
        rows.push_back({{"run", run},
                        {"epoch", e["epoch"]},
                        {"measure", key == "loss" ? "training loss" : key.substr(6) + " (valid)"},
                        {"value", v},
                        {"best", e.value("best", false)}});
      }
    }
  }
  json spec = base(rows);
  spec["facet"] = {{"column", {{"field", "measure"}, {"type", "nominal"}, {"title", nullptr}}}};
  spec["spec"] = {{"width", 220},
                  {"height", 200},
                  {"mark", {{"type", "line"}, {"point", true}}},
                  {"encoding",
                   {{"x", {{"field", "epoch"}, {"type", "ordinal"}}},
                    {"y",
                     {{"field", "value"},
                      {"type", "quantitative"},
                      {"scale", {{"zero", false}}},
                      {"title", nullptr}}},
                    {"color", {{"field", "run"}, {"type", "nominal"}}},
                    {"tooltip",
                     {{{"field", "epoch"}},
                      {{"field", "measure"}},
                      {{"field", "value"}, {"format", ".4f"}},
                      {{"field", "best"}}}}}}};
  spec["resolve"] = {{"scale", {{"y", "independent"}}}};
  return {{"Training curves",
           "Mean training loss and the validation scalar per epoch; the trainer keeps the best "
           "validation epoch (early stopping on validation, never on test).",
           spec}};
}

std::vector<Chart> bench_serve_charts(const json& j) {
  json rows = json::array();
  for (const std::string kind : {"events", "recommend"}) {
    for (const json& h : j.value(kind, json::object()).value("histogram", json::array())) {
      rows.push_back({{"kind", kind}, {"ms", h["upper_ms"]}, {"count", h["count"]}});
    }
  }
  json spec = base(rows);
  spec["width"] = 480;
  spec["height"] = 240;
  spec["mark"] = {{"type", "line"}, {"point", true}, {"interpolate", "step-before"}};
  spec["encoding"] = {
      {"x",
       {{"field", "ms"},
        {"type", "quantitative"},
        {"scale", {{"type", "log"}}},
        {"title", "latency ≤ ms (log scale)"}}},
      {"y", {{"field", "count"}, {"type", "quantitative"}, {"title", "requests"}}},
      {"color", {{"field", "kind"}, {"type", "nominal"}}},
      {"tooltip",
       {{{"field", "kind"}}, {{"field", "ms"}, {"format", ".3f"}}, {{"field", "count"}}}}};
  return {{"Latency histogram",
           fmt::format("Requests per latency bin (bins x1.25 wide), open-loop load at {} req/s "
                       "over {} s, latency from each request's scheduled time.",
                       j.value("target_rate", 0.0), j.value("seconds", 0.0)),
           spec}};
}

// Return task: the weekly cumulative repeat purchases, actual and as each model with a tracking
// curve expects them (BTYD's tracking plot), with the cut-off marked.
Chart return_tracking(const json& c) {
  const json& tracking = c.value("tracking", json::object());
  const json& actual = tracking.value("actual", json::array());
  json rows = json::array();
  for (size_t w = 0; w < actual.size(); ++w) {
    rows.push_back({{"series", "actual"}, {"week", w + 1}, {"value", actual[w]}});
  }
  for (const json& r : c["results"]) {
    const json& expected = r.value("tracking_expected", json::array());
    for (size_t w = 0; w < expected.size(); ++w) {
      rows.push_back({{"series", r.value("model", "?")}, {"week", w + 1}, {"value", expected[w]}});
    }
  }
  if (rows.size() == actual.size()) return {};  // no model draws one
  json spec = base(rows);
  spec["width"] = 520;
  spec["height"] = 260;
  spec["mark"] = {{"type", "line"}};
  spec["encoding"] = {
      {"x",
       {{"field", "week"}, {"type", "quantitative"}, {"title", "week from the first purchase"}}},
      {"y",
       {{"field", "value"}, {"type", "quantitative"}, {"title", "cumulative repeat purchases"}}},
      {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "series"}}},
      {"tooltip",
       {{{"field", "series"}}, {{"field", "week"}}, {{"field", "value"}, {"format", ".0f"}}}}};
  return {
      "Cumulative repeat purchases",
      fmt::format("Weekly cumulative repeat purchase days of all customers from {}, actual "
                  "against the model's expectation; the cut-off is {} (horizon {} days).",
                  tracking.value("start", "?"), c.value("cutoff", "?"), c.value("horizon_days", 0)),
      spec};
}

// Return task: mean purchases in the horizon by repeat purchases before the cut-off.
Chart return_by_frequency(const json& results) {
  json rows = json::array();
  json order = json::array();
  for (const json& r : results) {
    for (const json& b : r.value("by_repeat_purchases", json::array())) {
      if (b.value("customers", 0) == 0) continue;
      if (std::find(order.begin(), order.end(), b["repeat_purchases"]) == order.end())
        order.push_back(b["repeat_purchases"]);
      rows.push_back({{"series", r.value("model", "?")},
                      {"repeat", b["repeat_purchases"]},
                      {"predicted", b["predicted"]},
                      {"actual", b["actual"]}});
    }
  }
  if (rows.empty()) return {};
  json spec = base(rows);
  const json x = {{"field", "repeat"},
                  {"type", "ordinal"},
                  {"sort", order},
                  {"title", "repeat purchases before the cut-off"}};
  spec["width"] = 420;
  spec["height"] = 240;
  spec["layer"] = {
      {{"mark", {{"type", "line"}, {"point", true}}},
       {"encoding",
        {{"x", x},
         {"y", {{"field", "predicted"}, {"type", "quantitative"}, {"title", "mean purchases"}}},
         {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "model"}}},
         {"tooltip",
          {{{"field", "series"}},
           {{"field", "repeat"}},
           {{"field", "predicted"}, {"format", ".3f"}},
           {{"field", "actual"}, {"format", ".3f"}}}}}}},
      {{"mark", {{"type", "tick"}, {"color", "black"}, {"thickness", 2}}},
       {"encoding", {{"x", x}, {"y", {{"field", "actual"}, {"type", "quantitative"}}}}}}};
  return {"Purchases in the horizon by past frequency",
          "Mean purchase days in the horizon per customer, predicted (lines) and actual (black "
          "ticks), grouped by repeat purchases before the cut-off (BTYD's conditional "
          "expectations plot).",
          spec};
}

// Demand: the total series' forecasts at the rolling origins against the actual units, with the
// 80 % interval, one panel per model.
Chart demand_total(const json& results) {
  json rows = json::array();
  for (const json& r : results) {
    for (const json& p : r.value("total_path", json::array())) {
      rows.push_back({{"series", r.value("model", "?")},
                      {"day", p["day"]},
                      {"actual", p["actual"]},
                      {"forecast", p["forecast"]},
                      {"lo80", p["lo80"]},
                      {"hi80", p["hi80"]}});
    }
  }
  if (rows.empty()) return {};
  json spec = base(rows);
  const json x = {{"field", "day"}, {"type", "temporal"}, {"title", "day"}};
  spec["facet"] = {{"row", {{"field", "series"}, {"type", "nominal"}, {"title", nullptr}}}};
  spec["spec"] = {
      {"width", 560},
      {"height", 150},
      {"layer",
       {{{"mark", {{"type", "area"}, {"opacity", 0.25}}},
         {"encoding",
          {{"x", x},
           {"y", {{"field", "lo80"}, {"type", "quantitative"}, {"title", "units"}}},
           {"y2", {{"field", "hi80"}}}}}},
        {{"mark", {{"type", "line"}, {"color", "black"}}},
         {"encoding", {{"x", x}, {"y", {{"field", "actual"}, {"type", "quantitative"}}}}}},
        {{"mark", {{"type", "line"}, {"color", "#e45756"}, {"point", true}}},
         {"encoding",
          {{"x", x},
           {"y", {{"field", "forecast"}, {"type", "quantitative"}}},
           {"tooltip",
            {{{"field", "day"}, {"type", "temporal"}},
             {{"field", "forecast"}, {"format", ".0f"}},
             {{"field", "actual"}, {"format", ".0f"}}}}}}}}}};
  return {"Total units: forecast against actual",
          "All units sold per day (black) and each model's forecasts made at the weekly rolling "
          "origins (red), with the 80 % split-conformal interval (band).",
          spec};
}

// Demand: item WAPE by horizon day.
Chart demand_by_step(const json& results) {
  json rows = json::array();
  for (const json& r : results) {
    const json& steps = r.value("wape_by_step", json::array());
    for (size_t k = 0; k < steps.size(); ++k) {
      if (steps[k].is_number())
        rows.push_back({{"series", r.value("model", "?")}, {"day", k + 1}, {"value", steps[k]}});
    }
  }
  if (rows.empty()) return {};
  json spec = base(rows);
  spec["width"] = 420;
  spec["height"] = 220;
  spec["mark"] = {{"type", "line"}, {"point", true}};
  spec["encoding"] = {
      {"x", {{"field", "day"}, {"type", "ordinal"}, {"title", "days after the origin"}}},
      {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", "WAPE (items)"}}},
      {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "model"}}}};
  return {"Item WAPE by horizon day",
          "Weighted absolute percentage error over every item series and origin, per day "
          "ahead.",
          spec};
}

std::string num(const json& v, const char* format = "{:.4f}") {
  if (!v.is_number()) return "-";
  return fmt::format(fmt::runtime(format), v.get<double>());
}

std::string interval(const json& ci, const std::string& key) {
  if (!ci.contains(key)) return "-";
  return fmt::format("[{:.4f}, {:.4f}]", ci[key].value("low", NAN), ci[key].value("high", NAN));
}

std::vector<Chart> all_charts_of(const ReportInput& in) {
  const json& c = in.content;
  switch (in.kind) {
    case InputKind::kEvaluation: {
      const std::string task = c.value("task", "next-item");
      const json& results = c["results"];
      if (task == "next-item") return next_item_charts(results);
      if (task == "demand") return {demand_total(results), demand_by_step(results)};
      if (task == "audience") {
        return {metric_at_k(results, {"Recall", "NDCG"},
                            "Recall and NDCG of a new product's buyers among the top K customers, "
                            "averaged over the new products; bars are 95 % bootstrap intervals "
                            "over products.")};
      }
      if (task == "return") {
        json evaluated = json::array();
        for (const json& r : results) {
          if (r.value("evaluated", false)) evaluated.push_back(r);
        }
        return {return_tracking(c), return_by_frequency(evaluated),
                reliability(evaluated,
                            "Mean predicted P(return) against the share of customers who bought "
                            "again, per probability bin; the diagonal is perfect calibration.")};
      }
      if (task == "intent") {
        return {binary_curve_chart(results, true), binary_curve_chart(results, false),
                reliability(results,
                            "Mean calibrated probability against the observed purchase "
                            "frequency per probability bin (test part); the diagonal is perfect "
                            "calibration."),
                by_prefix_length(results, "roc_auc", "ROC-AUC by prefix length",
                                 "ROC-AUC of the prefixes with that many events: how early a "
                                 "model tells buyers from browsers.")};
      }
      return {metric_at_k(results, {"HR", "MRR"},
                          "Hit rate and MRR of the true class at each cut-off K; bars are 95 % "
                          "bootstrap intervals where computed."),
              reliability(results,
                          "Top-label reliability: the mean top probability against how often "
                          "the top class was right, per confidence bin (test part, calibrated).")};
    }
    case InputKind::kTraining:
      return training_charts(c["training"].value("epochs", json::array()), in.name);
    case InputKind::kTrainingLog:
      return training_charts(c, in.name);
    case InputKind::kBenchServe:
      return bench_serve_charts(c);
  }
  return {};
}

}  // namespace

std::vector<Chart> charts_of(const ReportInput& in) {
  std::vector<Chart> out = all_charts_of(in);
  // A chart without data (e.g. curves in an evaluation written before they were recorded) is
  // left out rather than drawn empty.
  std::erase_if(out, [](const Chart& c) { return c.spec.is_null(); });
  return out;
}

Table table_of(const ReportInput& in) {
  const json& c = in.content;
  Table t;
  switch (in.kind) {
    case InputKind::kEvaluation: {
      const std::string task = c.value("task", "next-item");
      if (task == "audience") {
        t.columns = {"model", "Recall@100", "95 % CI", "NDCG@10", "lift@1%", "lift@5%", "lift@10%"};
        for (const json& r : c["results"]) {
          const json& m = r["metrics"];
          t.rows.push_back({r.value("model", "?"), num(m.value("Recall@100", json())),
                            interval(r.value("ci95", json::object()), "Recall@100"),
                            num(m.value("NDCG@10", json())),
                            num(m.value("lift@1%", json()), "{:.2f}"),
                            num(m.value("lift@5%", json()), "{:.2f}"),
                            num(m.value("lift@10%", json()), "{:.2f}")});
        }
      } else if (task == "demand") {
        t.columns = {"model",    "item WAPE",  "item week WAPE",  "MASE",           "bias",
                     "80 % cov", "total WAPE", "total week WAPE", "total 80 % cov", "seconds"};
        for (const json& r : c["results"]) {
          const json& m = r["items"];
          const json& tot = r["total"];
          t.rows.push_back({r.value("model", "?"), num(m.value("WAPE", json())),
                            num(m.value("week WAPE", json())), num(m.value("MASE", json())),
                            num(m.value("bias", json())),
                            num(m.value("coverage80", json()), "{:.3f}"),
                            num(tot.value("WAPE", json())), num(tot.value("week WAPE", json())),
                            num(tot.value("coverage80", json()), "{:.3f}"),
                            num(r.value("seconds", json()), "{:.1f}")});
        }
      } else if (task == "return") {
        t.columns = {"model",    "customers", "ROC-AUC",   "95 % CI",      "PR-AUC",
                     "log-loss", "ECE",       "count MAE", "total error %"};
        for (const json& r : c["results"]) {
          if (!r.value("evaluated", false)) {
            t.rows.push_back({r.value("model", "?"), "skipped: " + r.value("skipped", ""), "", "",
                              "", "", "", "", ""});
            continue;
          }
          const json& m = r["metrics"];
          t.rows.push_back({r.value("model", "?"), std::to_string(r.value("customers", 0)),
                            num(m.value("ROC-AUC", json())),
                            interval(r.value("ci95", json::object()), "ROC-AUC"),
                            num(m.value("PR-AUC", json())), num(m.value("log-loss", json())),
                            num(m.value("ECE", json())), num(m.value("count MAE", json())),
                            num(m.value("count total error %", json()), "{:.1f}")});
        }
      } else if (task == "intent") {
        t.columns = {"model",  "target",   "cases", "ROC-AUC", "95 % CI",
                     "PR-AUC", "log-loss", "ECE",   "F1"};
        for (const json& r : c["results"]) {
          const json& m = r["metrics"];
          t.rows.push_back({r.value("model", "?"), r.value("target", "?"),
                            std::to_string(r.value("cases", 0)), num(m.value("ROC-AUC", json())),
                            interval(r.value("ci95", json::object()), "ROC-AUC"),
                            num(m.value("PR-AUC", json())), num(m.value("log-loss", json())),
                            num(m.value("ECE", json())), num(m.value("F1", json()))});
        }
      } else if (task == "next-item") {
        int k = 0;
        for (const json& r : c["results"]) {
          for (const json& cut : r.value("cutoffs", json::array())) k = std::max(k, cut.get<int>());
        }
        const std::string hr = fmt::format("HR@{}", k), mrr = fmt::format("MRR@{}", k);
        t.columns = {"model", "cases", hr, "95 % CI", mrr, "95 % CI", fmt::format("Coverage@{}", k),
                     "fit s"};
        for (const json& r : c["results"]) {
          const json& m = r["metrics"];
          const json& ci = r.value("ci95", json::object());
          t.rows.push_back({r.value("model", "?"), std::to_string(r.value("cases", 0)),
                            num(m.value(hr, json())), interval(ci, hr), num(m.value(mrr, json())),
                            interval(ci, mrr), num(m.value(fmt::format("Coverage@{}", k), json())),
                            num(r.value("fit_seconds", json()), "{:.1f}")});
        }
      } else {
        t.columns = {"model", "cases", "HR@1", "log-loss", "95 % CI", "ECE"};
        for (const json& r : c["results"]) {
          const json& m = r["metrics"];
          t.rows.push_back({r.value("model", "?"), std::to_string(r.value("cases", 0)),
                            num(m.value("HR@1", json())), num(m.value("log-loss", json())),
                            interval(r.value("ci95", json::object()), "log-loss"),
                            num(m.value("ECE", json()))});
        }
      }
      break;
    }
    case InputKind::kTraining:
    case InputKind::kTrainingLog: {
      const json& epochs =
          in.kind == InputKind::kTraining ? c["training"].value("epochs", json::array()) : c;
      t.columns = {"epoch", "loss", "validation", "events/s", "best"};
      for (const json& e : epochs) {
        std::string valid = "-";
        for (const auto& [key, v] : e.items()) {
          if (key.rfind("valid_", 0) == 0 && key != "valid_seconds" && v.is_number()) {
            valid = (valid == "-" ? "" : valid + ", ") + key.substr(6) + " " + num(v);
          }
        }
        t.rows.push_back({std::to_string(e.value("epoch", 0)), num(e.value("loss", json())), valid,
                          num(e.value("events_per_s", json()), "{:.0f}"),
                          e.value("best", false) ? "yes" : ""});
      }
      break;
    }
    case InputKind::kBenchServe: {
      t.columns = {"kind", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "errors"};
      for (const std::string kind : {"events", "recommend"}) {
        if (!c.contains(kind)) continue;
        const json& k = c[kind];
        t.rows.push_back(
            {kind, std::to_string(k.value("requests", 0)), num(k.value("rate", json()), "{:.0f}"),
             num(k.value("p50_ms", json()), "{:.2f}"), num(k.value("p90_ms", json()), "{:.2f}"),
             num(k.value("p99_ms", json()), "{:.2f}"), num(k.value("p999_ms", json()), "{:.2f}"),
             std::to_string(k.value("errors", 0))});
      }
      break;
    }
  }
  return t;
}

}  // namespace kairos::report
