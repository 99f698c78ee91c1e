#include "train/interrupt.h"

#include <csignal>

namespace kairos {
namespace {

volatile std::sig_atomic_t g_requested = 0;
struct sigaction g_old_int, g_old_term;

extern "C" void on_signal(int sig) {
  if (g_requested != 0) {  // the second one: the default action
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_requested = 1;
}

}  // namespace

TrainingInterrupt::TrainingInterrupt(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  g_requested = 0;
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

TrainingInterrupt::~TrainingInterrupt() {
  if (!enabled_) return;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

bool TrainingInterrupt::requested() const { return enabled_ && g_requested != 0; }

}  // namespace kairos
