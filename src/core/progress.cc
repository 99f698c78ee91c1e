#include "core/progress.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "core/format.h"

namespace kairos {
namespace {
std::atomic<bool> g_enabled{true};
constexpr double kTtyRedrawS = 0.1;
constexpr double kLogIntervalS = 10.0;
}  // namespace

void ProgressBar::set_enabled(bool enabled) { g_enabled = enabled; }

ProgressBar::ProgressBar(std::string label, uint64_t total, std::string unit, bool shown)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_),
      tty_(isatty(STDERR_FILENO) != 0),
      shown_(shown),
      log_interval_s_(tty_ ? kTtyRedrawS : kLogIntervalS) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::add(uint64_t n) {
  done_ += n;
  if (!g_enabled || !shown_) return;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_draw_).count() < log_interval_s_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (std::chrono::duration<double>(now - last_draw_).count() < log_interval_s_) return;
  last_draw_ = now;
  draw(false);
}

void ProgressBar::set_note(const std::string& note) {
  std::lock_guard<std::mutex> lock(mu_);
  note_ = note;
}

void ProgressBar::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  if (g_enabled && shown_) draw(true);
}

void ProgressBar::draw(bool final_line) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const uint64_t done = done_;
  const double rate = elapsed > 0 ? done / elapsed : 0.0;
  std::string line = label_ + " ";
  if (total_ > 0) {
    constexpr int kWidth = 24;
    const double frac = std::min(1.0, static_cast<double>(done) / total_);
    const int filled = static_cast<int>(frac * kWidth);
    line += "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    line +=
        fmt::format("{:5.1f}% {}/{} {}", 100 * frac, human_count(done), human_count(total_), unit_);
  } else {
    line += fmt::format("{} {}", human_count(done), unit_);
  }
  line += fmt::format(" | {}/s", human_count(static_cast<uint64_t>(rate)));
  if (total_ > 0 && !final_line && rate > 0 && done < total_) {
    line += " | ETA " + human_duration((total_ - done) / rate);
  }
  line += " | " + human_duration(elapsed);
  if (!note_.empty()) line += " | " + note_;
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace kairos
