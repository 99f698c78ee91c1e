#include "eval/label_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.h"

namespace kairos::eval {

nlohmann::json to_json(const LabelEvalResult& r) {
  nlohmann::json intervals = nlohmann::json::object();
  for (const auto& [name, iv] : r.intervals) intervals[name] = {{"low", iv.low}, {"high", iv.high}};
  const nlohmann::json bins = reliability_json(r.reliability);
  return {{"model", r.model},
          {"task", r.task},
          {"part", r.part},
          {"cases", r.cases},
          {"skipped_unknown_target", r.skipped_unknown},
          {"cutoffs", r.cutoffs},
          {"metrics", r.metrics},
          {"ci95", intervals},
          {"temperature", r.temperature},
          {"calibration", r.calibration},
          {"reliability", bins},
          {"fit_seconds", r.fit_seconds},
          {"eval_seconds", r.eval_seconds},
          {"cases_per_second", r.cases_per_second},
          {"threads", r.threads}};
}

std::string to_csv(const std::vector<LabelEvalResult>& results) {
  std::set<std::string> names;
  for (const auto& r : results) {
    for (const auto& [k, v] : r.metrics) names.insert(k);
  }
  std::string out = "model,task,part,cases,skipped_unknown_target,temperature";
  for (const auto& n : names) out += "," + n;
  out += ",fit_seconds,eval_seconds\n";
  for (const auto& r : results) {
    out += fmt::format("{},{},{},{},{},{:.6g}", r.model, r.task, r.part, r.cases, r.skipped_unknown,
                       r.temperature);
    for (const auto& n : names) {
      const auto it = r.metrics.find(n);
      out += it == r.metrics.end() ? "," : fmt::format(",{:.6f}", it->second);
    }
    out += fmt::format(",{:.3f},{:.3f}\n", r.fit_seconds, r.eval_seconds);
  }
  return out;
}

std::string to_table(const std::vector<LabelEvalResult>& results) {
  if (results.empty()) return "no results\n";
  const LabelEvalResult& f = results.front();
  std::string out = fmt::format(
      "{} task on {} ({} cases; {} prefixes skipped: next event of unknown class) · calibration "
      "fitted on validation: {}\n",
      f.task, f.part, f.cases, f.skipped_unknown, f.calibration);
  const int kmax = f.cutoffs.empty() ? 0 : f.cutoffs.back();
  size_t width = 16;  // the model column: as wide as the longest label
  for (const auto& r : results) width = std::max(width, r.model.size());
  out += fmt::format("{:<{}}", "model", width);
  for (int k : f.cutoffs)
    out += fmt::format(" {:>8} {:>8}", fmt::format("HR@{}", k), fmt::format("MRR@{}", k));
  out += fmt::format(" {:>14} {:>9} {:>19} {:>7} {:>7} {:>7} {:>6} {:>7}\n",
                     fmt::format("restRec@{}", kmax), "log-loss", "log-loss CI95", "Brier", "ECE",
                     "restCE", "T", "fit s");
  for (const auto& r : results) {
    out += fmt::format("{:<{}}", r.model, width);
    if (r.metrics.empty()) {
      out += " (no cases)\n";
      continue;
    }
    for (int k : r.cutoffs) {
      out += fmt::format(" {:>8.4f} {:>8.4f}", r.metrics.at(fmt::format("HR@{}", k)),
                         r.metrics.at(fmt::format("MRR@{}", k)));
    }
    const auto ci = r.intervals.find("log-loss");
    const std::string ci_text =
        ci == r.intervals.end() ? "-"
                                : fmt::format("[{:.4f},{:.4f}]", ci->second.low, ci->second.high);
    out += fmt::format(" {:>14.4f} {:>9.4f} {:>19} {:>7.4f} {:>7.4f} {:>7.4f} {:>6.3f} {:>7.2f}\n",
                       r.metrics.at(fmt::format("rest-Recall@{}", kmax)), r.metrics.at("log-loss"),
                       ci_text, r.metrics.at("Brier"), r.metrics.at("ECE"), r.metrics.at("rest-CE"),
                       r.temperature, r.fit_seconds);
  }
  return out;
}

std::vector<LabelComparison> compare_labels(const std::vector<LabelEvalResult>& results,
                                            uint32_t resamples, uint64_t seed) {
  std::vector<LabelComparison> out;
  if (results.empty() || results.front().case_session.empty()) return out;
  const LabelEvalResult& base = results.front();
  for (size_t m = 1; m < results.size(); ++m) {
    const LabelEvalResult& r = results[m];
    KAIROS_CHECK(r.case_session == base.case_session && r.cutoffs == base.cutoffs,
                 "{}: {} and {} were scored on different cases", r.task, r.model, base.model);
    LabelComparison c;
    c.model = r.model;
    c.baseline = base.model;
    c.task = r.task;
    c.k = r.cutoffs.front();
    c.log_loss = paired_mean_difference(r.case_log_loss, base.case_log_loss, r.case_session,
                                        resamples, seed);
    c.hit = paired_mean_difference(r.case_hit, base.case_hit, r.case_session, resamples, seed);
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json to_json(const LabelComparison& c) {
  return {{"model", c.model},
          {"baseline", c.baseline},
          {"task", c.task},
          {"log_loss", to_json(c.log_loss)},
          {fmt::format("HR@{}", c.k), to_json(c.hit)},
          {"resampled", "sessions"}};
}

std::string to_table(const std::vector<LabelComparison>& comparisons) {
  if (comparisons.empty()) return "";
  std::string out = fmt::format(
      "against {} (model - baseline; 95 % intervals of a paired bootstrap over sessions, {} "
      "resamples):\n",
      comparisons.front().baseline, comparisons.front().log_loss.resamples);
  size_t width = 14;
  for (const auto& c : comparisons) width = std::max(width, c.model.size());
  for (const auto& c : comparisons) {
    out += fmt::format("  {:<{}} log-loss {}   HR@{} {}\n", c.model, width, to_text(c.log_loss),
                       c.k, to_text(c.hit));
  }
  return out;
}

}  // namespace kairos::eval
