#include "data/extend_vocabulary.h"

#include <unordered_map>

#include "core/error.h"

namespace kairos {

ExtendedDataset extend_vocabulary(const Dataset& data, const std::vector<std::string>& base_items,
                                  const std::vector<std::string>& base_item_categories) {
  KAIROS_CHECK_USAGE(data.split() != SplitKind::kLeaveOneOut,
                     "warm start needs a temporal or predefined split, not leave-one-out");
  KAIROS_CHECK(!base_items.empty() && base_items[0].empty(),
               "the base vocabulary must start with the padding entry");
  ExtendedDataset out;
  DatasetParts p;
  p.split = data.split();
  p.stats_json = data.stats_json();
  p.num_users = data.num_users();

  // Categories: the new data's, then the base's others.
  p.category_names = data.categories().names();
  std::unordered_map<std::string, uint32_t> category_index;
  for (uint32_t c = 0; c < p.category_names.size(); ++c) category_index[p.category_names[c]] = c;
  auto category_of = [&](const std::string& name) -> uint32_t {
    if (name.empty()) return 0;
    auto [it, added] = category_index.emplace(name, static_cast<uint32_t>(p.category_names.size()));
    if (added) p.category_names.push_back(name);
    return it->second;
  };

  // Items: the base's in order, then the new ones.
  p.item_names = base_items;
  out.base_items = static_cast<uint32_t>(base_items.size());
  std::vector<uint32_t> remap(data.num_items(), 0);  // new dataset index -> extended index
  const Vocab base(base_items);
  const auto data_category = data.item_category();
  p.item_category.assign(base_items.size(), 0);
  for (uint32_t i = 1; i < base_items.size(); ++i) {
    p.item_category[i] = i < base_item_categories.size() ? category_of(base_item_categories[i]) : 0;
  }
  for (uint32_t i = 1; i < data.num_items(); ++i) {
    const std::string& name = data.items().name(i);
    uint32_t to = base.find(name);
    if (to == 0) {
      to = static_cast<uint32_t>(p.item_names.size());
      p.item_names.push_back(name);
      p.item_category.push_back(0);
      ++out.new_items;
    }
    remap[i] = to;
    if (data_category[i] != 0) p.item_category[to] = data_category[i];  // the new data's wins
  }

  for (const SessionSet& part : {data.train(), data.valid(), data.test()}) {
    for (size_t s = 0; s < part.size(); ++s) {
      const SessionView v = part[s];
      for (size_t e = 0; e < v.size(); ++e) {
        const uint32_t to = remap[v.items[e]];
        p.items.push_back(to);
        if (to >= out.base_items) ++out.new_item_events;
      }
      p.types.insert(p.types.end(), v.types.begin(), v.types.end());
      p.ts.insert(p.ts.end(), v.ts_ms.begin(), v.ts_ms.end());
      p.users.push_back(v.user);
      p.offsets.push_back(p.items.size());
    }
  }
  p.num_train = data.train().size();
  p.num_valid = data.valid().size();
  p.num_test = data.test().size();
  out.dataset = Dataset::from_parts(std::move(p));
  return out;
}

}  // namespace kairos
