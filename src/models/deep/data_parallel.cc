#include "models/deep/data_parallel.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "core/error.h"

namespace kairos {

struct DataParallel::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

namespace {

std::pair<std::string, uint16_t> host_port(const std::string& master) {
  const size_t colon = master.rfind(':');
  KAIROS_CHECK_USAGE(colon != std::string::npos && colon > 0, "--master '{}': expected HOST:PORT",
                     master);
  const int port = std::atoi(master.c_str() + colon + 1);
  KAIROS_CHECK_USAGE(port > 0 && port < 65536, "--master '{}': bad port", master);
  return {master.substr(0, colon), static_cast<uint16_t>(port)};
}

// Runs one collective and waits; a peer's failure becomes a kIo error naming the collective.
template <typename F>
void collective(int rank, const char* what, F&& start) {
  try {
    auto work = start();
    work->wait();
  } catch (const std::exception& e) {
    KAIROS_THROW(ErrorKind::kIo, "data-parallel rank {}: {} failed (a peer died or timed out): {}",
                 rank, what, std::string(e.what()).substr(0, 300));
  }
}

// Runs `op` on the tensors flattened into one buffer, then copies the result back into them.
template <typename Op>
void flattened(const std::vector<torch::Tensor>& tensors, Op op) {
  if (tensors.empty()) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> flat;
  for (const auto& t : tensors) flat.push_back(t.reshape({-1}));
  std::vector<torch::Tensor> buffer = {torch::cat(flat)};
  op(buffer);
  int64_t offset = 0;
  for (const auto& t : tensors) {
    t.copy_(buffer[0].narrow(0, offset, t.numel()).view_as(t));
    offset += t.numel();
  }
}

}  // namespace

DataParallel::DataParallel(const RunOptions& run)
    : impl_(std::make_unique<Impl>()), rank_(run.rank), world_(run.world_size) {
  KAIROS_CHECK_USAGE(world_ >= 1 && rank_ >= 0 && rank_ < world_,
                     "--rank {} is not in [0, --world-size {})", rank_, world_);
  const auto [host, port] = host_port(run.master);
  const std::chrono::milliseconds timeout(static_cast<int64_t>(run.dist_timeout_s) * 1000);
  try {
    c10d::TCPStoreOptions so;
    so.port = port;
    so.isServer = rank_ == 0;
    so.numWorkers = static_cast<size_t>(world_);
    so.waitWorkers = true;
    so.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(host, so);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(host));
    options->threads = 1;
    impl_->group =
        c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, rank_, world_, options);
  } catch (const std::exception& e) {
    KAIROS_THROW(ErrorKind::kIo, "data-parallel rank {} of {}: rendezvous at {} failed: {}", rank_,
                 world_, run.master, std::string(e.what()).substr(0, 300));
  }
  spdlog::info("data-parallel: rank {} of {} joined at {} (Gloo)", rank_, world_, run.master);
}

DataParallel::~DataParallel() = default;

void DataParallel::all_reduce_sum(const std::vector<torch::Tensor>& tensors) {
  flattened(tensors, [this](std::vector<torch::Tensor>& buffer) {
    collective(rank_, "all-reduce", [&] { return impl_->group->allreduce(buffer); });
  });
}

std::pair<torch::Tensor, torch::Tensor> DataParallel::all_gather_rows(const torch::Tensor& rows,
                                                                      const torch::Tensor& values) {
  torch::NoGradGuard no_grad;
  // Sizes first, then rows and values padded to the largest rank's count.
  std::vector<torch::Tensor> count = {torch::tensor({rows.size(0)}, torch::kLong)};
  std::vector<std::vector<torch::Tensor>> counts(1);
  for (int r = 0; r < world_; ++r) counts[0].push_back(torch::zeros({1}, torch::kLong));
  collective(rank_, "all-gather (sizes)", [&] { return impl_->group->allgather(counts, count); });
  int64_t max_n = 0;
  std::vector<int64_t> n(world_);
  for (int r = 0; r < world_; ++r) max_n = std::max(max_n, n[r] = counts[0][r].item<int64_t>());
  const int64_t dim = values.size(1);
  torch::Tensor packed = torch::zeros({max_n, dim + 1}, values.options());
  if (rows.size(0) > 0) {
    packed.narrow(0, 0, rows.size(0)).narrow(1, 0, 1).copy_(rows.to(values.dtype()).unsqueeze(1));
    packed.narrow(0, 0, rows.size(0)).narrow(1, 1, dim).copy_(values);
  }
  std::vector<torch::Tensor> mine = {packed};
  std::vector<std::vector<torch::Tensor>> all(1);
  for (int r = 0; r < world_; ++r) all[0].push_back(torch::empty_like(packed));
  collective(rank_, "all-gather (rows)", [&] { return impl_->group->allgather(all, mine); });
  std::vector<torch::Tensor> parts;
  for (int r = 0; r < world_; ++r) parts.push_back(all[0][r].narrow(0, 0, n[r]));
  const torch::Tensor joined = torch::cat(parts);
  return {joined.narrow(1, 0, 1).squeeze(1).round().to(torch::kLong),
          joined.narrow(1, 1, dim).contiguous()};
}

void DataParallel::broadcast(const std::vector<torch::Tensor>& tensors) {
  flattened(tensors, [this](std::vector<torch::Tensor>& buffer) {
    collective(rank_, "broadcast", [&] { return impl_->group->broadcast(buffer); });
  });
}

int64_t DataParallel::all_min(int64_t v) {
  std::vector<torch::Tensor> t = {torch::tensor({v}, torch::kLong)};
  c10d::AllreduceOptions o;
  o.reduceOp = c10d::ReduceOp::MIN;
  collective(rank_, "all-reduce (min)", [&] { return impl_->group->allreduce(t, o); });
  return t[0].item<int64_t>();
}

std::unique_ptr<DataParallel> open_data_parallel(const RunOptions& run) {
  if (run.world_size <= 1) return nullptr;
  return std::make_unique<DataParallel>(run);
}

std::pair<torch::Tensor, torch::Tensor> touched_rows(const torch::Tensor& grad) {
  torch::NoGradGuard no_grad;
  const torch::Tensor rows = grad.ne(0).any(1).nonzero().squeeze(1);
  return {rows, grad.index_select(0, rows)};
}

RankSlice rank_slice(const DataParallel* dp, size_t begin, size_t end) {
  if (dp == nullptr) return {begin, end, false};
  const size_t n = end - begin, w = static_cast<size_t>(dp->world_size()),
               r = static_cast<size_t>(dp->rank());
  if (n < w) return {begin, begin, true};
  return {begin + n * r / w, begin + n * (r + 1) / w, false};
}

void average_gradients(DataParallel& dp, const std::vector<torch::Tensor>& params,
                       const torch::Tensor& sparse, int64_t targets) {
  torch::NoGradGuard no_grad;
  torch::Tensor total = torch::tensor({static_cast<double>(targets)});
  dp.all_reduce_sum({total});
  const double share = static_cast<double>(targets) / std::max(1.0, total.item<double>());
  std::vector<torch::Tensor> dense;
  for (auto p : params) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    p.mutable_grad().mul_(share);
    if (!sparse.defined() || !p.is_same(sparse)) dense.push_back(p.grad());
  }
  dp.all_reduce_sum(dense);
  if (!sparse.defined()) return;
  torch::Tensor g = sparse.grad();
  const auto [rows, values] = touched_rows(g);
  const auto [all_rows, all_values] = dp.all_gather_rows(rows, values);
  g.zero_();
  g.index_add_(0, all_rows, all_values);
}

}  // namespace kairos
