// Session-parallel mini-batches (Hidasi et al., ICLR 2016): `batch` lanes each walk one session
// event by event; a lane whose session ends takes the next session and is flagged for a hidden
// state reset. Each step yields, per lane, the current item (input) and the next item (target).
// As in the official GRU4Rec, the epoch ends when a finished lane finds no session left.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace kairos {

class SessionParallelBatches {
 public:
  // `order`: session indices into `sessions` in the order they are taken (sessions with fewer
  // than two events are skipped).
  SessionParallelBatches(const SessionSet& sessions, std::vector<uint32_t> order, int batch);

  // Advances one step; false when the epoch is over. After a true return, input()/target() hold
  // one entry per lane and reset()[i] is 1 if lane i started a new session at this step.
  bool next();
  const std::vector<int64_t>& input() const { return input_; }
  const std::vector<int64_t>& target() const { return target_; }
  const std::vector<uint8_t>& reset() const { return reset_; }
  // Behaviour types of the input and target events (EventType values).
  const std::vector<uint8_t>& input_type() const { return input_type_; }
  const std::vector<uint8_t>& target_type() const { return target_type_; }
  // Per lane: the session (index into `sessions`) and the position of the input event.
  const std::vector<uint32_t>& session() const { return lane_session_; }
  const std::vector<uint32_t>& position() const { return lane_pos_; }
  int lanes() const { return static_cast<int>(input_.size()); }

 private:
  bool take_session(int lane);

  const SessionSet& sessions_;
  std::vector<uint32_t> order_;
  size_t next_session_ = 0;
  std::vector<uint32_t> lane_session_;  // index into sessions_
  std::vector<uint32_t> lane_pos_;      // position of the current input event
  std::vector<int64_t> input_, target_;
  std::vector<uint8_t> reset_, input_type_, target_type_;
  bool started_ = false;
};

}  // namespace kairos
