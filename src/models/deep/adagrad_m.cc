#include "models/deep/adagrad_m.h"

#include <algorithm>
#include <cmath>

#include "core/parallel.h"
#include "models/deep/adagrad_rows.h"

namespace kairos {

AdagradM::Slot AdagradM::make_slot(torch::Tensor p) {
  Slot s;
  s.param = p;
  s.acc = torch::zeros_like(p);
  s.velocity = torch::zeros_like(p);
  return s;
}

std::vector<std::pair<std::string, torch::Tensor>> AdagradM::state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  size_t i = 0;
  for (const auto* slots : {&dense_, &sparse_}) {
    for (const Slot& s : *slots) {
      out.emplace_back("opt." + std::to_string(i) + ".acc", s.acc);
      out.emplace_back("opt." + std::to_string(i) + ".velocity", s.velocity);
      ++i;
    }
  }
  return out;
}

void AdagradM::add_dense(torch::Tensor param) { dense_.push_back(make_slot(param)); }

int AdagradM::add_sparse(torch::Tensor table) {
  sparse_.push_back(make_slot(table));
  return static_cast<int>(sparse_.size()) - 1;
}

void AdagradM::step_dense(double lr_factor) {
  torch::NoGradGuard no_grad;
  const double lr = lr_ * lr_factor;
  for (Slot& s : dense_) {
    torch::Tensor& g = s.param.mutable_grad();
    if (!g.defined()) continue;
    s.acc.addcmul_(g, g);
    torch::Tensor upd = g / (s.acc + eps_).sqrt();
    if (momentum_ > 0) {
      s.velocity.mul_(momentum_).add_(upd, lr);
      s.param.sub_(s.velocity);
    } else {
      s.param.sub_(upd, lr);
    }
    g.zero_();
  }
}

void AdagradM::step_rows(int handle, const torch::Tensor& rows, const torch::Tensor& grad,
                         double lr_factor) {
  torch::NoGradGuard no_grad;
  Slot& s = sparse_.at(handle);
  const float lr = static_cast<float>(lr_ * lr_factor);
  if (!s.param.is_cpu()) {  // device path: tensor ops (coalesce, then update the unique rows)
    auto [uniq, inverse] = at::_unique(rows, /*sorted=*/true, /*return_inverse=*/true);
    torch::Tensor g = torch::zeros({uniq.size(0), grad.size(1)}, grad.options());
    g.index_add_(0, inverse, grad);
    torch::Tensor acc = s.acc.index_select(0, uniq).addcmul_(g, g);
    s.acc.index_copy_(0, uniq, acc);
    torch::Tensor upd = g.div_(acc.add(eps_).sqrt_()).mul_(lr);
    if (momentum_ > 0) {
      torch::Tensor v = s.velocity.index_select(0, uniq).mul_(momentum_).add_(upd);
      s.velocity.index_copy_(0, uniq, v);
      upd = v;
    }
    s.param.index_add_(0, uniq, upd, -1.0);
    return;
  }
  // CPU: combine repeated rows through a row -> slot map, then one tight loop per row (the
  // tensor-op path above spends most of its time in allocation and a hash-based unique). Each
  // thread owns the rows r with r % parts == its part: it scans every index, sums its own rows'
  // gradients (in index order, so the sums do not depend on the thread count) and updates them.
  const torch::Tensor r = rows.to(torch::kLong).contiguous();
  const torch::Tensor gc = grad.contiguous();
  const int64_t n = r.size(0), dim = gc.size(1);
  const int64_t* idx = r.data_ptr<int64_t>();
  const float* g = gc.data_ptr<float>();
  if (s.slot_of_row.size() != static_cast<size_t>(s.param.size(0))) {
    s.slot_of_row.assign(s.param.size(0), -1);
  }
  const int parts = n * dim >= (1 << 16) ? threads_ : 1;
  s.uniq.resize(static_cast<size_t>(parts));
  s.sum.resize(static_cast<size_t>(parts));
  parallel_for(static_cast<size_t>(parts), parts, 1, [&](size_t part, size_t, int) {
    std::vector<int64_t>& uniq = s.uniq[part];
    std::vector<float>& sum = s.sum[part];
    uniq.clear();
    sum.resize(static_cast<size_t>(n * dim));
    for (int64_t i = 0; i < n; ++i) {
      if (static_cast<size_t>(idx[i] % parts) != part) continue;
      int32_t& slot = s.slot_of_row[idx[i]];
      if (slot < 0) {
        slot = static_cast<int32_t>(uniq.size());
        uniq.push_back(idx[i]);
        std::copy(g + i * dim, g + (i + 1) * dim, sum.data() + slot * dim);
      } else {
        float* dst = sum.data() + static_cast<int64_t>(slot) * dim;
        for (int64_t k = 0; k < dim; ++k) dst[k] += g[i * dim + k];
      }
    }
    for (const int64_t row : uniq) s.slot_of_row[row] = -1;
    adagrad_rows(s.param.data_ptr<float>(), s.acc.data_ptr<float>(), s.velocity.data_ptr<float>(),
                 sum.data(), uniq.data(), uniq.size(), dim, lr, static_cast<float>(momentum_),
                 static_cast<float>(eps_));
  });
}

}  // namespace kairos
