#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/event_type.h"
#include "core/format.h"
#include "core/parallel.h"

namespace kairos {
namespace {

TEST(EventType, ParsesTheAliasesOfPublicLogs) {
  EXPECT_EQ(parse_event_type("pv"), EventType::kView);
  EXPECT_EQ(parse_event_type("Clicks"), EventType::kView);
  EXPECT_EQ(parse_event_type("addtocart"), EventType::kCart);
  EXPECT_EQ(parse_event_type("fav"), EventType::kFav);
  EXPECT_EQ(parse_event_type("transaction"), EventType::kBuy);
  EXPECT_EQ(parse_event_type("orders"), EventType::kBuy);
  EXPECT_FALSE(parse_event_type("refund").has_value());
  EXPECT_EQ(event_type_name(EventType::kCart), "cart");
}

TEST(Error, CheckThrowsWithKindAndFormattedMessage) {
  try {
    KAIROS_CHECK_IO(1 + 1 == 3, "cannot open {} ({})", "x.csv", 2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_STREQ(e.what(), "cannot open x.csv (2)");
  }
  EXPECT_NO_THROW(KAIROS_CHECK(true, "never"));
}

TEST(Format, HumanReadableNumbers) {
  EXPECT_EQ(with_commas(0), "0");
  EXPECT_EQ(with_commas(1234567), "1,234,567");
  EXPECT_EQ(human_count(999), "999");
  EXPECT_EQ(human_count(2500000), "2.50M");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_duration(75.2), "1m15s");
}

TEST(ParallelFor, VisitsEveryIndexOnceWithAnyThreadCount) {
  for (int threads : {1, 2, 4}) {
    std::vector<std::atomic<int>> hits(1001);
    parallel_for(hits.size(), threads, 7, [&](size_t b, size_t e, int) {
      for (size_t i = b; i < e; ++i) ++hits[i];
    });
    for (const auto& h : hits) ASSERT_EQ(h.load(), 1) << threads << " threads";
  }
}

TEST(ParallelFor, CarriesWorkerExceptionsOut) {
  EXPECT_THROW(parallel_for(100, 2, 1,
                            [](size_t b, size_t, int) {
                              if (b == 57) throw std::runtime_error("boom");
                            }),
               std::runtime_error);
}

// The worker team serves one caller at a time: calls nested inside a region and calls from
// several threads at once (which spawn their own threads) all finish with every index visited
// once, and thread indices stay below the thread count; many short calls in a row reuse it.
TEST(ParallelFor, NestedAndConcurrentCallsFinish) {
  std::vector<std::atomic<int>> hits(64 * 50);
  std::atomic<bool> bad_index{false};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&, c] {
      for (int round = 0; round < 50; ++round) {
        parallel_for(8, 2, 1, [&](size_t b, size_t e, int t) {
          if (t >= 2) bad_index = true;
          for (size_t i = b; i < e; ++i) {
            parallel_for(2, 2, 1, [&](size_t b2, size_t e2, int t2) {
              if (t2 >= 2) bad_index = true;
              for (size_t j = b2; j < e2; ++j) ++hits[(c * 16 + i * 2 + j) * 50 + round];
            });
          }
        });
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_FALSE(bad_index.load());
  for (size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i].load(), 1) << i;
}

}  // namespace
}  // namespace kairos
