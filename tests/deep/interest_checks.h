// Shared checks of interest models (models/interest/interest_model.h) for the deep tests.
#pragma once

#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "models/interest/interest_model.h"

namespace kairos::testing {

// Steps `state` through the events, checking after each that its outputs equal a replay of the
// prefix from the empty state.
inline void expect_steps_equal_replay(const InterestModel& m, InterestState& state,
                                      const std::vector<uint32_t>& items,
                                      const std::vector<uint8_t>& types) {
  for (size_t i = 0; i < items.size(); ++i) {
    m.observe(state, items[i], types[i]);
    const InterestOutput step = m.predict(state);
    const InterestOutput full =
        replay(m, std::span(items).first(i + 1), std::span(types).first(i + 1));
    EXPECT_EQ(step.intent, full.intent) << "after event " << i;
    EXPECT_EQ(step.category, full.category) << "after event " << i;
    EXPECT_EQ(step.next_action, full.next_action) << "after event " << i;
  }
}

}  // namespace kairos::testing
