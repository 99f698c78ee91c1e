// parallel_for over [0, n) with a fixed number of threads and dynamic chunking.
// The first exception thrown by a worker is carried out (std::exception_ptr) and rethrown here.
// The extra threads come from a process-wide team kept between calls (parallel.cc); a call made
// while the team is busy (another thread's, or nested in a region) spawns its own.
#pragma once

#include <cstddef>
#include <functional>

namespace kairos {

// Calls fn(begin, end, thread_index) on chunks of at most `chunk` indices. threads <= 1 runs
// inline.
void parallel_for(size_t n, int threads, size_t chunk,
                  const std::function<void(size_t, size_t, int)>& fn);

// Hardware threads, at least 1.
int hardware_threads();

}  // namespace kairos
