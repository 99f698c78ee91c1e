#include <gtest/gtest.h>

#include <fstream>

#include "data/prepare.h"
#include "data/test_util.h"
#include "data/vocab.h"

namespace kairos {
namespace {

TEST(Vocab, ReservesIndexZeroForPaddingAndUnknown) {
  const Vocab v({"", "b", "a"});
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v.find("b"), 1u);
  EXPECT_EQ(v.find("a"), 2u);
  EXPECT_EQ(v.find("zzz"), 0u);
  EXPECT_EQ(v.name(0), "");
}

TEST(Vocab, PrepareNumbersTrainItemsByFirstAppearanceAndCategoriesAlongside) {
  test::TempDir dir;
  std::ofstream(dir.file("train.txt")) << "30 10\n10 20 30\n";
  std::ofstream(dir.file("test.txt")) << "20 30\n";
  PrepareOptions o;
  o.read.format = "session-lines";
  o.train_files = {dir.file("train.txt")};
  o.test_files = {dir.file("test.txt")};
  o.valid_days = 0;
  const Dataset d = prepare(o).dataset;
  ASSERT_EQ(d.num_items(), 4u);
  EXPECT_EQ(d.items().name(1), "30");
  EXPECT_EQ(d.items().name(2), "10");
  EXPECT_EQ(d.items().name(3), "20");
  EXPECT_EQ(d.num_categories(), 1u);  // only the unknown category
  EXPECT_EQ(d.item_category()[1], 0u);
}

}  // namespace
}  // namespace kairos
