#include "data/event_log.h"

#include "core/huge_pages.h"

namespace kairos {

void EventLog::reserve(size_t n) {
  reserve_huge(&user, n);
  reserve_huge(&session, n);
  reserve_huge(&item, n);
  reserve_huge(&ts_ms, n);
  reserve_huge(&type, n);
}

void EventLog::add(std::string_view user_id, std::string_view session_id, std::string_view item_id,
                   std::string_view category_id, EventType t, int64_t ts, bool timed) {
  if (item.size() == item.capacity()) reserve(item.size() < 1024 ? 1024 : 2 * item.size());
  user.push_back(user_id.empty() ? kNone : users.intern(user_id));
  if (session_id.empty()) {
    session.push_back(kNone);
  } else if (test_begin == SIZE_MAX) {
    session.push_back(sessions.intern(session_id));
  } else {
    test_key_.assign("\x01test:");
    test_key_.append(session_id);
    session.push_back(sessions.intern(test_key_));
  }
  const uint32_t it = items.intern(item_id);
  item.push_back(it);
  ts_ms.push_back(ts);
  type.push_back(t);
  if (item_category.size() <= it) item_category.resize(it + 1, kNone);
  if (!category_id.empty()) assign_category(it, category_id);
  (timed ? part_timed : part_untimed)[part()] = true;
  ++report.events_added;
}

void EventLog::set_category(std::string_view item_id, std::string_view category_id) {
  const uint32_t it = items.intern(item_id);
  if (item_category.size() <= it) item_category.resize(it + 1, kNone);
  assign_category(it, category_id);
}

void EventLog::assign_category(uint32_t item_dense, std::string_view category_id) {
  uint32_t& slot = item_category[item_dense];
  if (slot == kNone) {
    slot = categories.intern(category_id);
    return;
  }
  const uint32_t c = categories.find(category_id);
  if (c != slot) ++category_conflicts;
}

void EventLog::begin_test_part() { test_begin = size(); }

}  // namespace kairos
