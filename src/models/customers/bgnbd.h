// The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy
// way"): while alive a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha);
// after every purchase they drop out with probability p ~ Beta(a, b). Time is in weeks.
// A customer's history is (x, t_x, T): repeat purchases, the time of the last one and the length
// of observation, all from the first purchase (tasks/customer_window.h).
//
// Parameters are fitted by maximum likelihood (NLopt's Nelder-Mead on the log parameters, from
// BTYD's start (1, 3, 1, 3), restarted from its own optimum until the log-likelihood stops
// moving). The likelihood is evaluated in log space (log-sum-exp of its two terms: Hardie's fix
// of the overflow for large x). The Gauss hypergeometric function is Boost.Math's pFq series.
#pragma once

#include <cstdint>
#include <span>

namespace kairos {

struct BgNbdParams {
  double r = 1, alpha = 3, a = 1, b = 3;
};

struct BgNbdFit {
  BgNbdParams params;
  double log_likelihood = 0;  // summed over customers
  int evaluations = 0;
};

// ln L(r, alpha, a, b | x, t_x, T) of one customer (FHL 2005, eq. 6).
double bgnbd_log_likelihood(const BgNbdParams& p, double x, double t_x, double T);

// Maximum likelihood over the customers (x, t_x, T); throws kInput on no customers or a
// non-finite likelihood at the start.
BgNbdFit fit_bgnbd(std::span<const double> x, std::span<const double> t_x,
                   std::span<const double> T, BgNbdParams start = {});

// P(alive at T | x, t_x, T) (Fader, Hardie & Lee 2008 note).
double bgnbd_p_alive(const BgNbdParams& p, double x, double t_x, double T);

// E[X(t)]: expected repeat purchases of a new customer within t weeks of the first (eq. 9).
double bgnbd_expected(const BgNbdParams& p, double t);

// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] given the history (eq. 10).
double bgnbd_conditional_expected(const BgNbdParams& p, double x, double t_x, double T, double t);

// P(at least one purchase in (T, T + t] | x, t_x, T) = P(alive) (1 - ((alpha + T) /
// (alpha + T + t))^(r + x)): alive at T, the next purchase comes before any drop-out, and the
// posterior rate of an alive customer is Gamma(r + x, alpha + T).
double bgnbd_p_return(const BgNbdParams& p, double x, double t_x, double T, double t);

// Gauss's 2F1(a, b; c; z) for 0 <= z < 1.
double hyp2f1(double a, double b, double c, double z);

}  // namespace kairos
