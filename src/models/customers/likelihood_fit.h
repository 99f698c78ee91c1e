// Maximum likelihood for the customer-base models (BG/NBD, Pareto/NBD): four positive parameters
// fitted on the log scale by NLopt's Nelder-Mead, restarted from its own optimum until the
// log-likelihood stops moving (a simplex can stall on a ridge). Customers with the same history
// (x, t_x, T) share one likelihood term, weighted by their count (CDNOW's 23,570 customers are
// ~9,500 histories; most never buy again).
#pragma once

#include <array>
#include <functional>
#include <span>
#include <string_view>

namespace kairos {

using FourParams = std::array<double, 4>;

struct LikelihoodFit {
  FourParams params{};
  double log_likelihood = 0;  // summed over customers
  int evaluations = 0;
};

// ln L(params | x, t_x, T) of one customer.
using CustomerLogLikelihood =
    std::function<double(const FourParams& params, double x, double t_x, double T)>;

// Throws kInput (naming `model`) on no customers, mismatched columns, a non-finite likelihood at
// `start` or an optimiser failure.
LikelihoodFit fit_by_likelihood(std::string_view model, const CustomerLogLikelihood& log_likelihood,
                                std::span<const double> x, std::span<const double> t_x,
                                std::span<const double> T, const FourParams& start);

}  // namespace kairos
