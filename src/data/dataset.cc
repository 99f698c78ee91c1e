#include "data/dataset.h"

#include <fmt/format.h>
#include <zlib.h>

#include "core/error.h"
#include "data/dataset_storage.h"

namespace kairos {

std::string_view split_kind_name(SplitKind k) {
  switch (k) {
    case SplitKind::kTemporal:
      return "temporal";
    case SplitKind::kLeaveOneOut:
      return "leave-one-out";
    case SplitKind::kPredefined:
      return "predefined";
  }
  return "unknown";
}

uint32_t crc32_update(uint32_t crc, const void* data, size_t size) {
  const auto* p = static_cast<const Bytef*>(data);
  constexpr size_t kChunk = size_t{1} << 30;  // zlib takes uInt lengths
  while (size > 0) {
    const size_t n = std::min(size, kChunk);
    crc = static_cast<uint32_t>(::crc32(crc, p, static_cast<uInt>(n)));
    p += n;
    size -= n;
  }
  return crc;
}

uint32_t crc32_concat(uint32_t crc_a, uint32_t crc_b, uint64_t size_b) {
  return static_cast<uint32_t>(::crc32_combine(crc_a, crc_b, static_cast<z_off_t>(size_b)));
}

SessionSet::SessionSet(std::span<const uint64_t> offsets, std::span<const uint32_t> users,
                       std::span<const uint32_t> items, std::span<const uint8_t> types,
                       std::span<const int64_t> ts, size_t begin, size_t end, int drop_last)
    : offsets_(offsets),
      users_(users),
      items_(items),
      types_(types),
      ts_(ts),
      begin_(begin),
      end_(end),
      drop_last_(drop_last) {}

SessionView SessionSet::operator[](size_t i) const {
  const size_t s = begin_ + i;
  const uint64_t b = offsets_[s];
  uint64_t e = offsets_[s + 1];
  e = e >= b + static_cast<uint64_t>(drop_last_) ? e - drop_last_ : b;
  const size_t n = static_cast<size_t>(e - b);
  return {items_.subspan(b, n), types_.subspan(b, n), ts_.subspan(b, n), users_[s]};
}

SessionSet SessionSet::from_time(int64_t ms) const {
  SessionSet out = *this;
  while (out.begin_ < end_ && offsets_[out.begin_] < offsets_[out.begin_ + 1] &&
         ts_[offsets_[out.begin_]] < ms) {
    ++out.begin_;
  }
  return out;
}

uint64_t SessionSet::num_events() const {
  uint64_t n = 0;
  for (size_t i = 0; i < size(); ++i) n += (*this)[i].size();
  return n;
}

void Dataset::Storage::validate() const {
  const uint64_t n_sessions = offsets.empty() ? 0 : offsets.size() - 1;
  KAIROS_CHECK(!offsets.empty() && offsets[0] == 0, "dataset: session offsets must start at 0");
  KAIROS_CHECK(
      offsets.back() == items.size() && types.size() == items.size() && ts.size() == items.size(),
      "dataset: event arrays disagree ({} offsets end, {} items, {} types, {} times)",
      offsets.back(), items.size(), types.size(), ts.size());
  KAIROS_CHECK(users.size() == n_sessions, "dataset: {} users for {} sessions", users.size(),
               n_sessions);
  for (uint64_t i = 0; i < n_sessions; ++i) {
    KAIROS_CHECK(offsets[i] <= offsets[i + 1], "dataset: session offsets decrease at {}", i);
  }
  if (split == SplitKind::kLeaveOneOut) {
    KAIROS_CHECK(num_train == n_sessions && num_valid == n_sessions && num_test == n_sessions,
                 "dataset: leave-one-out split must list every sequence in each part");
  } else {
    KAIROS_CHECK(num_train + num_valid + num_test == n_sessions,
                 "dataset: split sizes {}+{}+{} != {} sessions", num_train, num_valid, num_test,
                 n_sessions);
  }
  KAIROS_CHECK(item_category.size() == item_vocab.size(),
               "dataset: {} item categories for {} items", item_category.size(), item_vocab.size());
  const uint32_t n_items = item_vocab.size();
  for (uint32_t item : items) {
    KAIROS_CHECK(item >= 1 && item < n_items, "dataset: item index {} out of range 1..{}", item,
                 n_items - 1);
  }
  for (uint32_t c : item_category) {
    KAIROS_CHECK(c < category_vocab.size(), "dataset: category index {} out of range", c);
  }
}

Dataset Dataset::from_parts(DatasetParts parts) {
  auto st = std::make_shared<Storage>();
  st->owned = std::move(parts);
  DatasetParts& p = st->owned;
  st->split = p.split;
  st->item_vocab = Vocab(p.item_names);
  st->category_vocab = Vocab(p.category_names);
  st->item_category = p.item_category;
  st->offsets = p.offsets;
  st->users = p.users;
  st->items = p.items;
  st->types = p.types;
  st->ts = p.ts;
  st->num_train = p.num_train;
  st->num_valid = p.num_valid;
  st->num_test = p.num_test;
  st->num_users = p.num_users;
  st->stats_json = p.stats_json;
  st->validate();
  uint32_t crc = 0;
  crc = crc32_update(crc, p.items.data(), p.items.size() * sizeof(uint32_t));
  crc = crc32_update(crc, p.offsets.data(), p.offsets.size() * sizeof(uint64_t));
  crc = crc32_update(crc, p.types.data(), p.types.size());
  crc = crc32_update(crc, p.ts.data(), p.ts.size() * sizeof(int64_t));
  // A saved file is identified by its file checksum (dataset_io.cc); an unsaved one by its content.
  st->fingerprint = fmt::format("mem-{:08x}", crc);
  Dataset d;
  d.storage_ = std::move(st);
  return d;
}

SplitKind Dataset::split() const { return storage_->split; }

namespace {
SessionSet make_set(const Dataset::Storage& st, size_t begin, size_t end, int drop_last) {
  return SessionSet(st.offsets, st.users, st.items, st.types, st.ts, begin, end, drop_last);
}
}  // namespace

SessionSet Dataset::train() const {
  const auto& st = *storage_;
  if (st.split == SplitKind::kLeaveOneOut) return make_set(st, 0, st.num_train, 2);
  return make_set(st, 0, st.num_train, 0);
}

SessionSet Dataset::valid() const {
  const auto& st = *storage_;
  if (st.split == SplitKind::kLeaveOneOut) return make_set(st, 0, st.num_valid, 1);
  return make_set(st, st.num_train, st.num_train + st.num_valid, 0);
}

SessionSet Dataset::train_full() const {
  const auto& st = *storage_;
  if (st.split == SplitKind::kLeaveOneOut) return make_set(st, 0, st.num_train, 1);
  return make_set(st, 0, st.num_train + st.num_valid, 0);
}

SessionSet Dataset::test() const {
  const auto& st = *storage_;
  if (st.split == SplitKind::kLeaveOneOut) return make_set(st, 0, st.num_test, 0);
  const size_t b = st.num_train + st.num_valid;
  return make_set(st, b, b + st.num_test, 0);
}

const Vocab& Dataset::items() const { return storage_->item_vocab; }
const Vocab& Dataset::categories() const { return storage_->category_vocab; }
std::span<const uint32_t> Dataset::item_category() const { return storage_->item_category; }
uint32_t Dataset::num_items() const { return storage_->item_vocab.size(); }
uint32_t Dataset::num_categories() const { return storage_->category_vocab.size(); }
uint32_t Dataset::num_users() const { return storage_->num_users; }
uint64_t Dataset::num_events() const { return storage_->items.size(); }
const std::string& Dataset::stats_json() const { return storage_->stats_json; }
std::string Dataset::fingerprint() const { return storage_->fingerprint; }

}  // namespace kairos
