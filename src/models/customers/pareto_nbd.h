// The Pareto/NBD model of repeat buying (Schmittlein, Morrison & Colombo 1987): while alive a
// customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha) and dies after an
// exponential lifetime with rate mu ~ Gamma(s, beta), independent. Time is in weeks; a history
// is (x, t_x, T) as for BG/NBD (models/customers/bgnbd.h).
//
// The likelihood is Fader, Hardie & Lee's closed form with the Gauss hypergeometric function
// ("A note on deriving the Pareto/NBD model and related expressions", 2005, eq. 22; the
// alpha >= beta and alpha < beta branches), evaluated in log space; parameters by maximum
// likelihood (models/customers/likelihood_fit.h). BTYD's CDNOW walkthrough values are the test
// (tests/models/pareto_nbd_test.cc).
#pragma once

#include <span>

namespace kairos {

struct ParetoNbdParams {
  double r = 0.5, alpha = 1, s = 0.5, beta = 1;  // BTYD's demo start
};

struct ParetoNbdFit {
  ParetoNbdParams params;
  double log_likelihood = 0;
  int evaluations = 0;
};

// ln L(r, alpha, s, beta | x, t_x, T) of one customer.
double pareto_nbd_log_likelihood(const ParetoNbdParams& p, double x, double t_x, double T);

ParetoNbdFit fit_pareto_nbd(std::span<const double> x, std::span<const double> t_x,
                            std::span<const double> T, ParetoNbdParams start = {});

// P(alive at T | x, t_x, T).
double pareto_nbd_p_alive(const ParetoNbdParams& p, double x, double t_x, double T);

// E[X(t)]: expected repeat purchases of a new customer within t weeks of the first.
double pareto_nbd_expected(const ParetoNbdParams& p, double t);

// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] given the history.
double pareto_nbd_conditional_expected(const ParetoNbdParams& p, double x, double t_x, double T,
                                       double t);

// P(at least one purchase in (T, T + t] | x, t_x, T) = 1 - L(x, t_x, T + t) / L(x, t_x, T): no
// purchase in the window extends the history to T + t with nothing new.
double pareto_nbd_p_return(const ParetoNbdParams& p, double x, double t_x, double T, double t);

}  // namespace kairos
