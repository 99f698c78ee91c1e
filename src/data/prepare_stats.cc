#include "data/prepare_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <numeric>

#include "core/event_type.h"
#include "core/format.h"

namespace kairos {
namespace {

std::string iso_time(int64_t ms) {
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json types_json(const std::array<uint64_t, 4>& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (int t = 0; t < kNumEventTypes; ++t) {
    j[std::string(kEventTypeNames[t])] = counts[t];
  }
  return j;
}

nlohmann::json lengths_json(const LengthDistribution& d) {
  nlohmann::json hist = nlohmann::json::object();
  for (const auto& [label, n] : d.histogram) hist[label] = n;
  return {{"sessions", d.count}, {"min", d.min}, {"max", d.max}, {"mean", d.mean},
          {"p50", d.p50},        {"p90", d.p90}, {"p99", d.p99}, {"histogram", hist}};
}

nlohmann::json part_json(const PartStats& p) {
  return {{"sessions", p.sessions},
          {"events", p.events},
          {"first", iso_time(p.first_ms)},
          {"last", iso_time(p.last_ms)},
          {"session_length", lengths_json(p.lengths)}};
}

std::string types_line(const std::array<uint64_t, 4>& c) {
  return fmt::format("{} view / {} cart / {} fav / {} buy", with_commas(c[0]), with_commas(c[1]),
                     with_commas(c[2]), with_commas(c[3]));
}

}  // namespace

LengthDistribution length_distribution(std::vector<uint64_t> lengths) {
  LengthDistribution d;
  d.count = lengths.size();
  const std::vector<std::pair<std::string, uint64_t>> buckets = {
      {"1", 1},   {"2", 2},      {"3", 3},      {"4", 4},
      {"5-9", 9}, {"10-19", 19}, {"20-49", 49}, {"50+", UINT64_MAX}};
  for (const auto& b : buckets) d.histogram.push_back({b.first, 0});
  if (lengths.empty()) return d;
  std::sort(lengths.begin(), lengths.end());
  d.min = lengths.front();
  d.max = lengths.back();
  d.mean = std::accumulate(lengths.begin(), lengths.end(), 0.0) / lengths.size();
  auto pct = [&](double q) { return lengths[static_cast<size_t>(q * (lengths.size() - 1))]; };
  d.p50 = pct(0.5);
  d.p90 = pct(0.9);
  d.p99 = pct(0.99);
  size_t b = 0;
  for (uint64_t len : lengths) {
    while (len > buckets[b].second) ++b;
    ++d.histogram[b].second;
  }
  return d;
}

nlohmann::json PrepareStats::to_json() const {
  nlohmann::json skipped = nlohmann::json::object();
  for (const auto& [reason, r] : read.skipped) {
    skipped[reason] = {{"rows", r.count}, {"examples", r.examples}};
  }
  nlohmann::json rounds = nlohmann::json::array();
  for (const auto& r : filters.rounds) {
    rounds.push_back({{"items_removed", r.items_removed},
                      {"events_removed", r.events_removed},
                      {"sessions_removed", r.sessions_removed}});
  }
  return {
      {"format", format},
      {"files", files},
      {"input",
       {{"rows_read", read.rows_read},
        {"rows_accepted", read.rows_accepted},
        {"rows_skipped", read.rows_skipped()},
        {"item_table_rows_read", read.side_rows_read},
        {"item_table_rows_used", read.side_rows_used},
        {"skipped_by_reason", skipped},
        {"events", events_read},
        {"events_per_type", types_json(events_per_type)},
        {"users", users},
        {"sessions", raw_sessions},
        {"items", items},
        {"categories", categories},
        {"category_conflicts", category_conflicts},
        {"outside_window", outside_window},
        {"first", iso_time(first_ms)},
        {"last", iso_time(last_ms)},
        {"synthetic_clock", synthetic_clock}}},
      {"sessionize", {{"source", session_source}, {"sessions", sessions_formed}}},
      {"filters",
       {{"consecutive_duplicates_removed", dedup.events_removed},
        {"min_item_support", min_item_support},
        {"min_session_length", min_session_length},
        {"rounds", rounds},
        {"events_removed", filters.total.events_removed},
        {"sessions_removed", filters.total.sessions_removed}}},
      {"split",
       {{"kind", split},
        {"unknown_test_item_events_removed", unknown_test_events},
        {"short_test_sessions_removed", short_test_sessions},
        {"short_test_session_events_removed", short_test_events},
        {"train", part_json(train)},
        {"valid", part_json(valid)},
        {"test", part_json(test)}}},
      {"dataset",
       {{"items", final_items},
        {"categories", final_categories},
        {"users", final_users},
        {"events_per_type", types_json(final_events_per_type)}}},
      {"seconds", seconds},
  };
}

std::string PrepareStats::to_table() const {
  std::string out;
  auto row = [&out](const std::string& k, const std::string& v) {
    out += fmt::format("  {:<34} {}\n", k, v);
  };
  out += "input\n";
  row("rows read", with_commas(read.rows_read));
  row("rows accepted", with_commas(read.rows_accepted));
  row("rows skipped", with_commas(read.rows_skipped()));
  if (read.side_rows_read > 0) {
    row("item table rows read / used",
        with_commas(read.side_rows_read) + " / " + with_commas(read.side_rows_used));
  }
  for (const auto& line : read.describe()) row("  skipped", line);
  row("events", with_commas(events_read));
  if (outside_window > 0) row("events outside the time window", with_commas(outside_window));
  row("events per type", types_line(events_per_type));
  row("users / sessions", with_commas(users) + " / " + with_commas(raw_sessions));
  row("items / categories", with_commas(items) + " / " + with_commas(categories));
  if (category_conflicts > 0)
    row("rows with a conflicting category", with_commas(category_conflicts));
  row("time span", iso_time(first_ms) + " .. " + iso_time(last_ms) +
                       (synthetic_clock ? " (synthetic clock)" : ""));
  out += "sessions and filters\n";
  row("sessions formed", with_commas(sessions_formed) + " (" + session_source + ")");
  if (dedup.events_removed > 0)
    row("consecutive duplicates removed", with_commas(dedup.events_removed));
  row("min item support / session length",
      fmt::format("{} / {}", min_item_support, min_session_length));
  row("filter rounds", std::to_string(filters.rounds.size()));
  row("events / sessions removed", with_commas(filters.total.events_removed) + " / " +
                                       with_commas(filters.total.sessions_removed));
  out += fmt::format("split ({})\n", split);
  row("unknown-item test events removed", with_commas(unknown_test_events));
  row("too-short test sessions removed",
      with_commas(short_test_sessions) + " (" + with_commas(short_test_events) + " events)");
  out += fmt::format("  {:<10} {:>12} {:>14} {:>8} {:>6} {:>6}  {}\n", "part", "sessions", "events",
                     "mean len", "p50", "max", "time span");
  for (const auto& [name, p] : {std::pair{"train", &train}, {"valid", &valid}, {"test", &test}}) {
    out += fmt::format("  {:<10} {:>12} {:>14} {:>8.2f} {:>6} {:>6}  {} .. {}\n", name,
                       with_commas(p->sessions), with_commas(p->events), p->lengths.mean,
                       p->lengths.p50, p->lengths.max, iso_time(p->first_ms), iso_time(p->last_ms));
  }
  if (split != "leave-one-out") {
    out += fmt::format("  {:<10} {:>12} {:>14}  (train + valid: what final models fit on)\n",
                       "train_full", with_commas(train.sessions + valid.sessions),
                       with_commas(train.events + valid.events));
  }
  out += "dataset\n";
  row("items / categories / users", with_commas(final_items) + " / " +
                                        with_commas(final_categories) + " / " +
                                        with_commas(final_users));
  row("events per type", types_line(final_events_per_type));
  return out;
}

}  // namespace kairos
