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
};

}  // namespace kairos
