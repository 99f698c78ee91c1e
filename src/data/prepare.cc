#include "data/prepare.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/huge_pages.h"
#include "core/system.h"
#include "data/filters.h"
#include "data/session_table.h"
#include "data/split.h"

namespace kairos {
namespace {

constexpr double kMinuteMs = 60.0 * 1000.0;
constexpr uint64_t kMinEvalSessionLength = 2;  // one input event and one target

void read_all(const PrepareOptions& o, bool predefined, EventLog* log) {
  if (!predefined) {
    KAIROS_CHECK_USAGE(!o.inputs.empty(), "no input files (--input FILE, or --train/--test)");
    read_events(o.read, o.inputs, log);
    return;
  }
  KAIROS_CHECK_USAGE(!o.train_files.empty() && !o.test_files.empty(),
                     "a predefined split needs both --train and --test files");
  read_events(o.read, o.train_files, log);
  log->begin_test_part();
  ReadOptions test_read = o.read;  // side tables were read with the training files
  test_read.item_attribute_files.clear();
  test_read.buy_files.clear();  // buy files belong to the training part (docs/FORMATS.md)
  read_events(test_read, o.test_files, log);
}

// Drops the events outside [since, until) (after the synthetic clock, so a window works on
// untimed logs too); returns how many.
uint64_t apply_window(const PrepareOptions& o, SessionTable* table) {
  if (!o.since_ms && !o.until_ms) return 0;
  const int64_t lo = o.since_ms.value_or(INT64_MIN), hi = o.until_ms.value_or(INT64_MAX);
  return compact(
             table, [&](size_t, uint64_t e) { return table->ts[e] >= lo && table->ts[e] < hi; },
             [](uint64_t len) { return len > 0; })
      .events_removed;
}

void record_read_stats(const EventLog& log, PrepareStats* st) {
  st->read = log.report;
  st->events_read = log.size();
  for (EventType t : log.type) ++st->events_per_type[static_cast<int>(t)];
  st->users = log.users.size();
  st->raw_sessions = log.sessions.size();
  st->items = log.items.size();
  st->categories = log.categories.size();
  st->category_conflicts = log.category_conflicts;
  if (!log.ts_ms.empty()) {
    const auto [lo, hi] = std::minmax_element(log.ts_ms.begin(), log.ts_ms.end());
    st->first_ms = *lo;
    st->last_ms = *hi;
  }
}

SessionMode session_mode(const PrepareOptions& o, const EventLog& log, PrepareStats* st) {
  if (o.split == SplitKind::kLeaveOneOut) {
    st->session_source = "user sequences";
    return SessionMode::kUser;
  }
  if (log.sessions.size() > 0) {
    st->session_source = "session ids";
    return SessionMode::kSessionId;
  }
  st->session_source = fmt::format("{:g} min inactivity gap per user", o.session_gap_min);
  return SessionMode::kUserGap;
}

// Session order of the dataset: train, valid, test; each by start time (ties: table order).
// Leave-one-out keeps the table order (by user).
std::vector<uint32_t> dataset_order(const SessionTable& t, const std::vector<Part>& part,
                                    bool loo) {
  std::vector<uint32_t> order(t.num_sessions());
  std::iota(order.begin(), order.end(), 0);
  if (loo) return order;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (part[a] != part[b]) return part[a] < part[b];
    return t.start_ts(a) < t.start_ts(b);
  });
  return order;
}

PartStats part_stats(const DatasetParts& p, uint64_t begin, uint64_t end, int drop_last) {
  PartStats ps;
  std::vector<uint64_t> lengths;
  ps.first_ms = INT64_MAX;
  ps.last_ms = INT64_MIN;
  for (uint64_t s = begin; s < end; ++s) {
    const uint64_t b = p.offsets[s];
    const uint64_t e =
        std::max(b, p.offsets[s + 1] - std::min<uint64_t>(drop_last, p.offsets[s + 1]));
    if (e <= b) continue;
    lengths.push_back(e - b);
    ps.events += e - b;
    ps.first_ms = std::min(ps.first_ms, p.ts[b]);
    ps.last_ms = std::max(ps.last_ms, p.ts[e - 1]);
  }
  ps.sessions = end - begin;
  if (lengths.empty()) ps.first_ms = ps.last_ms = 0;
  ps.lengths = length_distribution(std::move(lengths));
  return ps;
}

class DatasetBuilder {
 public:
  DatasetBuilder(const EventLog& log, const SessionTable& t, const std::vector<Part>& part,
                 bool loo)
      : log_(log), t_(t), part_(part), loo_(loo) {}

  DatasetParts build(PrepareStats* st) {
    const std::vector<uint32_t> order = dataset_order(t_, part_, loo_);
    build_vocab(order);
    p_.split = st->split == "leave-one-out" ? SplitKind::kLeaveOneOut
               : st->split == "predefined"  ? SplitKind::kPredefined
                                            : SplitKind::kTemporal;
    // At most every event of the table survives: one allocation each, never regrown.
    reserve_huge(&p_.items, t_.num_events());
    reserve_huge(&p_.types, t_.num_events());
    reserve_huge(&p_.ts, t_.num_events());
    for (uint32_t s : order) add_session(s, st);
    if (loo_) p_.num_valid = p_.num_test = p_.num_train;
    p_.num_users = static_cast<uint32_t>(log_.users.size());
    return std::move(p_);
  }

 private:
  // Items of train_full (all items for leave-one-out), numbered by first appearance.
  void build_vocab(const std::vector<uint32_t>& order) {
    index_.assign(log_.items.size(), 0);
    std::vector<uint32_t> category_index(log_.categories.size(), 0);
    p_.item_names = {""};
    p_.category_names = {""};
    p_.item_category = {0};
    for (uint32_t s : order) {
      if (!loo_ && part_[s] == Part::kTest) continue;
      for (uint64_t e = t_.offsets[s]; e < t_.offsets[s + 1]; ++e) {
        const uint32_t item = t_.item[e];
        if (index_[item] != 0) continue;
        index_[item] = static_cast<uint32_t>(p_.item_names.size());
        p_.item_names.push_back(log_.items.name(item));
        const uint32_t c = item < log_.item_category.size() ? log_.item_category[item] : kNone;
        if (c != kNone && category_index[c] == 0) {
          category_index[c] = static_cast<uint32_t>(p_.category_names.size());
          p_.category_names.push_back(log_.categories.name(c));
        }
        p_.item_category.push_back(c == kNone ? 0 : category_index[c]);
      }
    }
  }

  // Copies session s, removing items unseen in train_full from test sessions.
  void add_session(uint32_t s, PrepareStats* st) {
    const Part part = part_[s];
    const uint64_t before = p_.items.size();
    uint64_t unknown = 0;
    for (uint64_t e = t_.offsets[s]; e < t_.offsets[s + 1]; ++e) {
      const uint32_t item = t_.item[e];
      // Validation sessions stay whole: they are part of train_full, which final models fit on.
      const bool known = loo_ || part != Part::kTest || index_[item] != 0;
      if (!known) {
        ++unknown;
        continue;
      }
      p_.items.push_back(index_[item]);
      p_.types.push_back(t_.type[e]);
      p_.ts.push_back(t_.ts[e]);
    }
    const uint64_t kept = p_.items.size() - before;
    st->unknown_test_events += unknown;  // zero outside the test part
    if (!loo_ && part == Part::kTest && kept < kMinEvalSessionLength) {
      p_.items.resize(before);
      p_.types.resize(before);
      p_.ts.resize(before);
      st->short_test_sessions += 1;
      st->short_test_events += kept;
      return;
    }
    p_.offsets.push_back(p_.items.size());
    p_.users.push_back(t_.user[s] == kNone ? 0 : t_.user[s] + 1);
    (part == Part::kTrain ? p_.num_train : part == Part::kValid ? p_.num_valid : p_.num_test)++;
  }

  const EventLog& log_;
  const SessionTable& t_;
  const std::vector<Part>& part_;
  bool loo_;
  DatasetParts p_;
  std::vector<uint32_t> index_;  // log item id -> vocabulary index (0 = not in vocabulary)
};

void record_final_stats(const DatasetParts& p, PrepareStats* st) {
  const bool loo = p.split == SplitKind::kLeaveOneOut;
  const uint64_t n = p.users.size();
  if (loo) {
    st->train = part_stats(p, 0, n, 2);
    st->valid = part_stats(p, 0, n, 1);
    st->test = part_stats(p, 0, n, 0);
  } else {
    st->train = part_stats(p, 0, p.num_train, 0);
    st->valid = part_stats(p, p.num_train, p.num_train + p.num_valid, 0);
    st->test = part_stats(p, p.num_train + p.num_valid, n, 0);
  }
  for (uint8_t t : p.types) ++st->final_events_per_type[t];
  st->final_items = p.item_names.size() - 1;
  st->final_categories = p.category_names.size() - 1;
  std::vector<uint8_t> seen(p.num_users + 1, 0);
  for (uint32_t u : p.users) seen[u] = 1;
  st->final_users = std::count(seen.begin() + 1, seen.end(), 1);
}

}  // namespace

PrepareResult prepare(const PrepareOptions& o) {
  Stopwatch clock;
  const bool predefined = !o.train_files.empty() || !o.test_files.empty();
  KAIROS_CHECK_USAGE(!(predefined && !o.inputs.empty()),
                     "give either --input files or --train/--test files, not both");
  KAIROS_CHECK_USAGE(!(predefined && o.split == SplitKind::kLeaveOneOut),
                     "--split leave-one-out cannot be combined with --train/--test files");
  const SplitKind split = predefined ? SplitKind::kPredefined : o.split;
  const bool loo = split == SplitKind::kLeaveOneOut;

  PrepareStats st;
  st.format = o.read.format;
  st.files = predefined ? o.train_files : o.inputs;
  if (predefined) st.files.insert(st.files.end(), o.test_files.begin(), o.test_files.end());
  st.split = std::string(split_kind_name(split));

  EventLog log;
  log.report.strict = o.read.strict;
  read_all(o, predefined, &log);
  record_read_stats(log, &st);
  if (log.size() == 0) {
    std::string reasons;
    for (const std::string& line : log.report.describe()) reasons += "\n  " + line;
    KAIROS_THROW(ErrorKind::kInput, "no events were read from the input files ({} rows skipped){}",
                 log.report.rows_skipped(), reasons.empty() ? "" : ":" + reasons);
  }
  spdlog::info("read {} events from {} rows in {:.1f}s", log.size(), log.report.rows_read,
               clock.seconds());

  const SessionMode mode = session_mode(o, log, &st);
  SessionTable table = sessionize(log, mode, static_cast<int64_t>(o.session_gap_min * kMinuteMs));
  st.sessions_formed = table.num_sessions();
  st.synthetic_clock = log.part_untimed[0] || log.part_untimed[1];
  if (st.synthetic_clock) apply_synthetic_clock(o.clock, log.part_untimed, &table);
  st.outside_window = apply_window(o, &table);

  if (o.dedup_consecutive) st.dedup = remove_consecutive_duplicates(&table);
  st.min_item_support = o.min_item_support.value_or(predefined ? 0 : 5);
  st.min_session_length = o.min_session_length.value_or(predefined ? 0 : loo ? 3 : 2);
  st.filters = filter_support_and_length(&table, st.min_item_support, st.min_session_length,
                                         log.items.size());

  std::vector<Part> part;
  if (loo) {
    part.assign(table.num_sessions(), Part::kTrain);
  } else {
    part = predefined ? split_predefined(table, o.valid_days).part
                      : split_temporal(table, o.test_days, o.valid_days).part;
  }
  DatasetParts parts = DatasetBuilder(log, table, part, loo).build(&st);
  record_final_stats(parts, &st);
  st.seconds = clock.seconds();
  // The copy kept inside dataset.kds leaves out the timing, so that preparing the same files with
  // the same flags writes the same bytes (stats.json beside it has the full report).
  nlohmann::json kept = st.to_json();
  kept.erase("seconds");
  parts.stats_json = kept.dump();
  return {Dataset::from_parts(std::move(parts)), std::move(st)};
}

}  // namespace kairos
