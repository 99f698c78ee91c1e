#include "features/session_parallel.h"

#include "core/error.h"

namespace kairos {

SessionParallelBatches::SessionParallelBatches(const SessionSet& sessions,
                                               std::vector<uint32_t> order, int batch)
    : sessions_(sessions), order_(std::move(order)) {
  KAIROS_CHECK_USAGE(batch > 0, "batch size must be positive");
  lane_session_.assign(batch, 0);
  lane_pos_.assign(batch, 0);
  input_.assign(batch, 0);
  target_.assign(batch, 0);
  reset_.assign(batch, 1);
  input_type_.assign(batch, 0);
  target_type_.assign(batch, 0);
}

bool SessionParallelBatches::take_session(int lane) {
  while (next_session_ < order_.size()) {
    const uint32_t s = order_[next_session_++];
    if (sessions_[s].size() < 2) continue;
    lane_session_[lane] = s;
    lane_pos_[lane] = 0;
    reset_[lane] = 1;
    return true;
  }
  return false;
}

bool SessionParallelBatches::next() {
  if (!started_) {
    started_ = true;
    for (int i = 0; i < lanes(); ++i) {
      if (take_session(i)) continue;
      if (i == 0) return false;  // no session of two or more events
      // Fewer sessions than lanes: run with the lanes that have one.
      for (auto* v : {&input_, &target_}) v->resize(i);
      input_type_.resize(i);
      target_type_.resize(i);
      lane_session_.resize(i);
      lane_pos_.resize(i);
      reset_.resize(i);
      break;
    }
  } else {
    for (int i = 0; i < lanes(); ++i) {
      reset_[i] = 0;
      ++lane_pos_[i];
      if (lane_pos_[i] + 1 >= sessions_[lane_session_[i]].size() && !take_session(i)) return false;
    }
  }
  for (int i = 0; i < lanes(); ++i) {
    const SessionView v = sessions_[lane_session_[i]];
    input_[i] = v.items[lane_pos_[i]];
    target_[i] = v.items[lane_pos_[i] + 1];
    input_type_[i] = v.types[lane_pos_[i]];
    target_type_[i] = v.types[lane_pos_[i] + 1];
  }
  return true;
}

}  // namespace kairos
