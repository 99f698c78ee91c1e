// A progress bar for long work: done/total, rate and ETA on stderr.
// On a terminal it redraws one line; otherwise (CI logs, pipes) it prints a line at most every
// `log_interval_s` seconds, so logs stay readable. Thread-safe: add() may be called from workers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace kairos {

class ProgressBar {
 public:
  // total == 0 means unknown: rate is shown, no ETA. `shown` false: counts, never draws (one of
  // several threads' share of a job whose progress another thread shows).
  ProgressBar(std::string label, uint64_t total, std::string unit = "items", bool shown = true);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void add(uint64_t n);
  // Extra text shown after the rate, e.g. "loss 3.21".
  void set_note(const std::string& note);
  void finish();

  // Globally silence bars (tests, --quiet).
  static void set_enabled(bool enabled);

 private:
  void draw(bool final_line);

  std::string label_, unit_, note_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mu_;
  bool tty_;
  bool finished_ = false;
  bool shown_ = true;
  double log_interval_s_;
};

}  // namespace kairos
