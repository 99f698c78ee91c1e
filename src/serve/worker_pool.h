// A fixed set of worker threads behind a bounded queue. try_submit() refuses work when the queue is
// full, so the caller can shed load (HTTP 503 + Retry-After) instead of queueing without bound.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kairos {

class WorkerPool {
 public:
  WorkerPool(int threads, size_t queue_capacity);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False (task dropped) when `queue_capacity` tasks are already waiting or the pool is stopped.
  bool try_submit(std::function<void()> task);
  // Runs what is queued, then joins the workers. Idempotent.
  void stop();

  size_t queued() const;
  size_t busy() const;

 private:
  void work();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  size_t capacity_;
  size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kairos
