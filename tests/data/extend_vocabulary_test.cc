// extend_vocabulary (warm start): base items keep their indices whatever order the new data has
// them in, new items are appended in the new data's order, categories are the union (the new
// data's naming an item wins), and the sessions are the same events re-indexed.
#include <gtest/gtest.h>

#include "core/error.h"
#include "data/extend_vocabulary.h"
#include "data/test_util.h"

namespace kairos {
namespace {

TEST(ExtendVocabulary, BaseItemsKeepTheirIndicesAndNewOnesAreAppended) {
  DatasetParts p;
  p.item_names = {"", "b", "new1", "a", "new2"};
  p.category_names = {"", "shoes", "hats"};
  p.item_category = {0, 1, 2, 0, 1};
  p.items = {1, 2, 3, 4, 3};
  p.types = {0, 0, 0, 3, 0};
  p.ts = {1, 2, 3, 4, 5};
  p.offsets = {0, 3, 5};
  p.users = {0, 0};
  p.num_train = 1;
  p.num_test = 1;
  const Dataset data = Dataset::from_parts(std::move(p));
  // Base: a, b, c (c absent from the new data), with categories bags / - / bags.
  const ExtendedDataset ext =
      extend_vocabulary(data, {"", "a", "b", "c"}, {"", "bags", "", "bags"});
  EXPECT_EQ(ext.base_items, 4u);
  EXPECT_EQ(ext.new_items, 2u);
  EXPECT_EQ(ext.new_item_events, 2u);
  const Dataset& d = ext.dataset;
  ASSERT_EQ(d.num_items(), 6u);
  EXPECT_EQ(d.items().names(), (std::vector<std::string>{"", "a", "b", "c", "new1", "new2"}));
  EXPECT_EQ(d.categories().names(), (std::vector<std::string>{"", "shoes", "hats", "bags"}));
  // a: the new data has no category -> the base's bags; b: shoes from the new data; c: bags.
  EXPECT_EQ(std::vector<uint32_t>(d.item_category().begin(), d.item_category().end()),
            (std::vector<uint32_t>{0, 3, 1, 3, 2, 1}));
  const SessionView s0 = d.train()[0], s1 = d.test()[0];
  EXPECT_EQ(std::vector<uint32_t>(s0.items.begin(), s0.items.end()),
            (std::vector<uint32_t>{2, 4, 1}));
  EXPECT_EQ(std::vector<uint32_t>(s1.items.begin(), s1.items.end()), (std::vector<uint32_t>{5, 1}));
  EXPECT_EQ(s1.types[0], 3);
  EXPECT_EQ(s1.ts_ms[1], 5);
}

TEST(ExtendVocabulary, RefusesLeaveOneOutAndABaseWithoutPadding) {
  test::SessionsBuilder b(3);
  b.add(1);
  b.add(2);
  b.end_session();
  const Dataset d = b.build(1, 0, 0);
  EXPECT_THROW(extend_vocabulary(d, {"a", "b"}, {}), Error);
}

}  // namespace
}  // namespace kairos
