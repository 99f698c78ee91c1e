#include "train/early_stopping.h"

#include <gtest/gtest.h>

namespace kairos {
namespace {

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutImprovement) {
  EarlyStopping es(/*patience=*/2);
  EXPECT_TRUE(es.update(0.10));
  EXPECT_TRUE(es.update(0.12));
  EXPECT_FALSE(es.update(0.11));
  EXPECT_FALSE(es.should_stop());
  EXPECT_FALSE(es.update(0.12));  // equal is not better
  EXPECT_TRUE(es.should_stop());
  EXPECT_EQ(es.best_epoch(), 1);
  EXPECT_DOUBLE_EQ(es.best(), 0.12);
}

TEST(EarlyStopping, MinDeltaIgnoresTinyGains) {
  EarlyStopping es(1, 0.01);
  es.update(0.5);
  EXPECT_FALSE(es.update(0.505));
  EXPECT_TRUE(es.should_stop());
}

}  // namespace
}  // namespace kairos
