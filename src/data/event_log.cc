#include "data/event_log.h"

#include "core/error.h"
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
  if (defer_categories) {
    event_category.push_back(category_id.empty() ? kNone : categories.intern(category_id));
  } else {
    if (item_category.size() <= it) item_category.resize(it + 1, kNone);
    if (!category_id.empty()) assign_category(it, category_id);
  }
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

void EventLog::append(EventLog&& later) {
  KAIROS_ASSERT(later.part() == part());
  KAIROS_ASSERT(later.stream == nullptr);
  KAIROS_ASSERT(later.defer_categories || later.categories.size() == 0);
  const std::vector<uint32_t> user_of = users.absorb(later.users);
  const std::vector<uint32_t> session_of = sessions.absorb(later.sessions);
  const std::vector<uint32_t> item_of = items.absorb(later.items);
  const size_t n = later.size();
  if (item.capacity() < size() + n) reserve(size() + n);
  for (size_t i = 0; i < n; ++i) {
    user.push_back(later.user[i] == kNone ? kNone : user_of[later.user[i]]);
    session.push_back(later.session[i] == kNone ? kNone : session_of[later.session[i]]);
    item.push_back(item_of[later.item[i]]);
  }
  ts_ms.insert(ts_ms.end(), later.ts_ms.begin(), later.ts_ms.end());
  type.insert(type.end(), later.type.begin(), later.type.end());
  item_category.resize(items.size(), kNone);
  // Categories as add() would have assigned them row by row: a category enters `categories` when
  // it is the first of an item; a row naming another category than its item's counts a conflict.
  std::vector<uint32_t> category_of(later.categories.size(), kNone);  // filled when interned
  for (size_t i = 0; i < later.event_category.size(); ++i) {
    const uint32_t c = later.event_category[i];
    if (c == kNone) continue;
    uint32_t& slot = item_category[item_of[later.item[i]]];
    if (category_of[c] == kNone) {
      const std::string name = later.categories.name(c);
      const uint32_t known = categories.find(name);
      if (known != IdMap::kMissing) category_of[c] = known;
      if (slot == kNone) category_of[c] = categories.intern(name);
    }
    if (slot == kNone) {
      slot = category_of[c];
    } else if (slot != category_of[c]) {
      ++category_conflicts;
    }
  }
  category_conflicts += later.category_conflicts;
  for (int p = 0; p < 2; ++p) {
    part_timed[p] = part_timed[p] || later.part_timed[p];
    part_untimed[p] = part_untimed[p] || later.part_untimed[p];
  }
  report.merge(later.report);
  later = EventLog();
}

}  // namespace kairos
