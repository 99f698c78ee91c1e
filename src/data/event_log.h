// EventLog: the raw events of one or more input files, columnar, with external ids interned.
//
// Readers append rows through add(); nothing is sorted or filtered here. Category is an item
// attribute in Kairos: the first category seen for an item wins, and rows that name another
// category for the same item are counted in `category_conflicts`. Side tables (RetailRocket item
// properties, Diginetica product-categories, Amazon item2attributes) set it through set_category().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/event_type.h"
#include "core/id_map.h"
#include "data/read_report.h"

namespace kairos {

struct StreamReadState;  // the `stream` reader's state across files (readers/stream_files.cc)

inline constexpr uint32_t kNone = UINT32_MAX;  // absent user / session / category

struct EventLog {
  // Per event (all the same length).
  std::vector<uint32_t> user;     // dense user id or kNone
  std::vector<uint32_t> session;  // dense session id or kNone (then sessions come from gaps)
  std::vector<uint32_t> item;     // dense item id (IdMap order, not the final vocabulary)
  std::vector<int64_t> ts_ms;     // unix milliseconds (or a synthetic clock, see session readers)
  std::vector<EventType> type;

  IdMap users, sessions, items, categories;
  std::vector<uint32_t> item_category;  // per dense item id: category id or kNone
  uint64_t category_conflicts = 0;

  // Events at index >= test_begin came from --test files (predefined split); SIZE_MAX if none.
  size_t test_begin = SIZE_MAX;
  // Whether the training part (index 0) and the test part (index 1) carry real timestamps.
  // Formats without times (session-lines, user-sequences) pass timed=false and a running counter
  // as ts; prepare then replaces those times by the synthetic clock of docs/FORMATS.md.
  bool part_timed[2] = {false, false};
  bool part_untimed[2] = {false, false};

  ReadReport report;
  std::shared_ptr<StreamReadState> stream;

  // A log read from a later part of a file on another thread (data/readers/chunked_read.h) keeps
  // each event's category (an id of `categories`, or kNone) instead of assigning item categories,
  // so that append() can assign them in file order: first wins, conflicts counted per row.
  bool defer_categories = false;
  std::vector<uint32_t> event_category;  // only with defer_categories

  size_t size() const { return item.size(); }
  // Makes room for `n` events in all per-event columns, backed by huge pages (readers call it
  // with an estimate of a file's rows; add() also grows through it). Never shrinks.
  void reserve(size_t n);

  // Appends one event. Empty user/session/category views mean "absent".
  void add(std::string_view user_id, std::string_view session_id, std::string_view item_id,
           std::string_view category_id, EventType t, int64_t ts, bool timed = true);
  int part() const { return test_begin == SIZE_MAX ? 0 : 1; }
  // Sets an item's category from a side table (first wins, conflicts counted).
  void set_category(std::string_view item_id, std::string_view category_id);

  // Appends the events of `later`, a log of the rows that follow this log's (its ids are interned
  // here in its order, its categories assigned per event, its report merged): the result is the
  // log one reader of both row sets would have built. `later` must be in the same part.
  void append(EventLog&& later);

  // Session ids are interned per part: call before reading the --test files so that session "1"
  // of the test file is a different session from session "1" of the training file.
  void begin_test_part();

 private:
  void assign_category(uint32_t item_dense, std::string_view category_id);
  std::string test_key_;  // scratch: test-part session ids are interned as "\x01test:" + id
};

}  // namespace kairos
