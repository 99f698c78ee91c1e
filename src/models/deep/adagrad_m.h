// Adagrad with momentum and row-sparse updates, as the official GRU4Rec's IndexedAdagradM:
//   acc += g^2;  v = momentum * v + lr * g / sqrt(acc + eps);  p -= v
// (eps inside the root, as there: a coordinate whose gradients stay small takes SGD-sized steps
// rather than a full normalised step of size lr).
// Dense parameters update every row; embedding-like tables update only the rows a mini-batch
// touched (duplicates summed first), which is what makes large catalogues trainable on a CPU:
// a dense step touches every row of a 43k-item table on every mini-batch.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace kairos {

class AdagradM {
 public:
  AdagradM(double lr, double momentum, double eps) : lr_(lr), momentum_(momentum), eps_(eps) {}

  // Threads for large sparse steps on the CPU (rows are split; default 1).
  void set_threads(int threads) { threads_ = threads < 1 ? 1 : threads; }

  // Registers a parameter updated from its .grad() by step_dense().
  void add_dense(torch::Tensor param);
  // Registers a table updated by step_rows(); returns its handle.
  int add_sparse(torch::Tensor table);

  // Applies the accumulated .grad() of every dense parameter, then zeroes it.
  void step_dense(double lr_factor);
  // rows: int64 [N] (may repeat); grad: [N, dim] gradients of those rows.
  void step_rows(int handle, const torch::Tensor& rows, const torch::Tensor& grad,
                 double lr_factor);

  // The optimiser state (accumulators, velocities) by name, dense slots then sparse ones in
  // registration order: saved beside the weights so that a warm start resumes it.
  std::vector<std::pair<std::string, torch::Tensor>> state() const;

 private:
  struct Slot {
    torch::Tensor param, acc, velocity;
    // CPU sparse step scratch: row -> position in its part's `uniq` (-1 = untouched), and per
    // part (rows r with r % parts == part) the distinct rows and their summed gradients.
    std::vector<int32_t> slot_of_row;
    std::vector<std::vector<int64_t>> uniq;
    std::vector<std::vector<float>> sum;
  };
  static Slot make_slot(torch::Tensor p);

  double lr_, momentum_, eps_;
  int threads_ = 1;
  std::vector<Slot> dense_, sparse_;
};

}  // namespace kairos
