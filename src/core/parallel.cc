#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace kairos {
namespace {

// Spins for up to ~100 us until `ready()` (a training step's parallel regions are a fraction of a
// millisecond apart, and a futex wait and wake cost several microseconds each on a virtual
// machine: 7 % of GRU4Rec's training profile). True if ready.
template <typename Ready>
bool spin_until(Ready&& ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
  for (int i = 1;; ++i) {
    if (ready()) return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) return false;
  }
}

// Worker threads kept between calls. Creating a thread costs tens of microseconds (and a vmapped
// stack); a training step runs several parallel regions of about a millisecond each, so spawned
// threads were ~10 % of GRU4Rec's training profile. One caller at a time uses the team; a call
// made while it is busy (another thread's, or one nested inside a region) spawns its own threads
// as before, so nothing waits on the team or deadlocks. Workers and the caller spin briefly
// before they sleep.
class WorkerTeam {
 public:
  static WorkerTeam& instance() {
    static WorkerTeam* team = new WorkerTeam();  // never destroyed: workers sleep through exit
    return *team;
  }

  // Runs job(1) .. job(extra) on workers and job(0) on the caller; false if the team is busy.
  bool try_run(int extra, const std::function<void(int)>& job) {
    if (busy_.exchange(true, std::memory_order_acquire)) return false;
    bool notify = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      try {
        while (static_cast<int>(workers_.size()) < extra) {
          const int index = static_cast<int>(workers_.size());
          workers_.emplace_back([this, index] { loop(index); });
        }
      } catch (const std::system_error&) {  // no more threads: the caller spawns (and reports)
        busy_.store(false, std::memory_order_release);
        return false;
      }
      job_ = &job;
      wanted_ = extra;
      pending_.store(extra, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
      notify = sleepers_ > 0;
    }
    if (notify) wake_.notify_all();
    job(0);
    if (!spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> lock(mu_);
      caller_sleeping_ = true;
      done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
      caller_sleeping_ = false;
    }
    job_ = nullptr;
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  void loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      const auto fresh = [&] { return generation_.load(std::memory_order_acquire) != seen; };
      if (!spin_until(fresh)) {
        std::unique_lock<std::mutex> lock(mu_);
        ++sleepers_;
        wake_.wait(lock, fresh);
        --sleepers_;
      }
      seen = generation_.load(std::memory_order_acquire);
      if (index >= wanted_) continue;
      (*job_)(index + 1);  // the caller's job catches its own exceptions
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mu_);
        if (caller_sleeping_) done_.notify_one();
      }
    }
  }

  std::atomic<bool> busy_{false};  // set by the one caller using the team
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* job_ = nullptr;  // written before generation_ moves
  int wanted_ = 0;                                 // likewise
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  int sleepers_ = 0;              // workers waiting on wake_ (under mu_)
  bool caller_sleeping_ = false;  // the caller waits on done_ (under mu_)
};

}  // namespace

int hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

void parallel_for(size_t n, int threads, size_t chunk,
                  const std::function<void(size_t, size_t, int)>& fn) {
  chunk = std::max<size_t>(chunk, 1);
  if (threads <= 1 || n <= chunk) {
    for (size_t b = 0; b < n; b += chunk) fn(b, std::min(n, b + chunk), 0);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  const std::function<void(int)> worker = [&](int t) {
    try {
      for (;;) {
        const size_t b = next.fetch_add(chunk);
        if (b >= n) break;
        fn(b, std::min(n, b + chunk), t);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error) error = std::current_exception();
      next = n;
    }
  };
  if (!WorkerTeam::instance().try_run(threads - 1, worker)) {
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    worker(0);
    for (auto& th : pool) th.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace kairos
