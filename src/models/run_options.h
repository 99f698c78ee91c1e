// How one training run goes, as opposed to what the model is (its configuration, saved in the
// artifact's meta.json): threads and the training log. Run options are never saved with a model
// and never change what it learns beyond floating-point summation order. A data-parallel run
// adds its rank and world size here (issue 15).
#pragma once

#include <string>

namespace kairos {

struct RunOptions {
  // Threads for a training epoch's large products (LibTorch stays at one intra-op thread;
  // models/deep/torch_runtime.h). `kairos train --threads`.
  int threads = 2;
  // JSON-lines training log, one object per epoch ("" = none). `kairos train --log`.
  std::string log;
  // Data-parallel training (`kairos train --world-size N --rank R --master HOST:PORT`): N
  // processes, one shard of the data each, gradients summed over c10d's Gloo process group.
  int world_size = 1, rank = 0;
  std::string master = "127.0.0.1:29500";
  int dist_timeout_s = 120;  // a peer silent this long fails the run (a killed worker)
  // SIGINT / SIGTERM stop training after the batch in progress, keeping the best validated epoch
  // (train/interrupt.h); `kairos train` sets it; ignored with world_size > 1.
  bool interruptible = false;
};

}  // namespace kairos
