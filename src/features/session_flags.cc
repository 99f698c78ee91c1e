#include "features/session_flags.h"

#include <algorithm>

#include "core/event_type.h"

namespace kairos {
namespace {

bool contains(const std::vector<uint32_t>& v, uint32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void remember(std::vector<uint32_t>* v, uint32_t x) {
  if (v->size() == SessionFlags::kMaxItems) v->erase(v->begin());
  v->push_back(x);
}

}  // namespace

std::array<float, SessionFlags::kCount> SessionFlags::of(uint32_t item, uint32_t category) const {
  return {contains(seen_, item) ? 1.0f : 0.0f, contains(carted_, item) ? 1.0f : 0.0f,
          last_category_ == static_cast<int64_t>(category) ? 1.0f : 0.0f};
}

void SessionFlags::add(uint32_t item, uint32_t category, uint8_t type) {
  if (!contains(seen_, item)) remember(&seen_, item);
  if (type == static_cast<uint8_t>(EventType::kCart) && !contains(carted_, item))
    remember(&carted_, item);
  last_category_ = category;
}

size_t SessionFlags::bytes() const {
  return sizeof(*this) + (seen_.capacity() + carted_.capacity()) * sizeof(uint32_t);
}

}  // namespace kairos
