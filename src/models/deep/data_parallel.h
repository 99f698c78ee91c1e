// Data-parallel training over LibTorch's distributed package: N processes (ranks) meet through a
// c10d TCPStore at the master address, form a ProcessGroupGloo (CPU; a CUDA build would use NCCL
// through the same calls), and sum their gradients after every step so that every replica applies
// the same update. Dense gradients travel as one flattened buffer per step; item tables travel as
// the rows a step touched (index, values) gathered from every rank, never as whole tables
// (docs/SCALING.md has the arithmetic at 8 and 64 workers).
//
// Any failure of a peer (killed, hung past the timeout) surfaces as a kairos::Error (kIo) naming
// this rank and the collective, so every surviving process exits with a message instead of
// hanging. c10d is confined to data_parallel.cc.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <utility>
#include <vector>

#include "models/run_options.h"

namespace kairos {

class DataParallel {
 public:
  // Rendezvous (rank 0 hosts the store); throws kIo when the peers do not all arrive in time.
  explicit DataParallel(const RunOptions& run);
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return world_; }

  // Sums the tensors over ranks in place (same shapes on every rank), as one flattened buffer.
  void all_reduce_sum(const std::vector<torch::Tensor>& tensors);
  // Each rank's (rows [n_r], values [n_r, d]) -> every rank's, concatenated in rank order.
  std::pair<torch::Tensor, torch::Tensor> all_gather_rows(const torch::Tensor& rows,
                                                          const torch::Tensor& values);
  // Copies rank 0's values into everyone's tensors.
  void broadcast(const std::vector<torch::Tensor>& tensors);
  // The minimum of `v` over ranks (e.g. "does every rank still have a batch").
  int64_t all_min(int64_t v);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_ = 0, world_ = 1;
};

// Null for a single-process run (world_size 1).
std::unique_ptr<DataParallel> open_data_parallel(const RunOptions& run);

// A row-sparse view of a dense gradient: the rows with any non-zero value and their values.
std::pair<torch::Tensor, torch::Tensor> touched_rows(const torch::Tensor& grad);

// This rank's part [lo, hi) of a global batch [begin, end): contiguous, rank r of w taking
// begin + n r / w .. begin + n (r + 1) / w. Every replica shuffles the same order, so the ranks'
// parts cover the global batch once. `skip`: the batch has fewer samples than ranks (a rank would
// get nothing), and every rank drops it. Without `dp` (one process): the whole batch.
struct RankSlice {
  size_t lo = 0, hi = 0;
  bool skip = false;
};
RankSlice rank_slice(const DataParallel* dp, size_t begin, size_t end);

// After a data-parallel backward pass: each rank's gradients are the mean over its `targets`
// targets; weighted by its share of the global batch's targets and summed over ranks, they become
// the global batch's mean gradient, as one process computes it. `sparse` (one of `params`, or
// undefined) is an item table whose gradient travels as the rows this step touched. Parameters
// without a gradient count as zero.
void average_gradients(DataParallel& dp, const std::vector<torch::Tensor>& params,
                       const torch::Tensor& sparse, int64_t targets);

}  // namespace kairos
