// The return / churn task's data (docs/TASKS.md "Return"): every customer's purchase occasions,
// and the view of them at a cut-off date — features from the days before it only, labels from the
// horizon after it.
//
// A purchase occasion is a customer-day with at least one purchase line (BTYD's convention: lines
// of the same day are one transaction). For a cut-off day C and a horizon of H days:
//   customers  those whose first occasion is before C
//   features   computed from occasions with day < C only (customer_feature_names())
//   BG/NBD     x = repeat occasions before C, t_x = (last - first) / 7, T = (C - 1 - first) / 7,
//              in weeks (T runs to the last calibration day C - 1, as in BTYD's cdnow set-up)
//   labels     returns = any occasion in [C, C + H); count = the number of such occasions
// The labels live apart from the features so that a model's fit() can be handed the features of
// the evaluation window without its labels.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/transactions.h"

namespace kairos {

struct PurchaseHistories {
  std::vector<uint64_t> offsets{0};  // customer c = occasions [offsets[c], offsets[c + 1])
  std::vector<int32_t> day;          // per occasion, ascending within a customer
  std::vector<double> amount;        // per occasion: money (NaN when unknown)
  std::vector<double> quantity;      // per occasion: units
  std::vector<uint32_t> lines;       // per occasion: purchase lines

  size_t customers() const { return offsets.size() - 1; }
  std::span<const int32_t> days_of(size_t c) const {
    return {day.data() + offsets[c], day.data() + offsets[c + 1]};
  }
  int32_t first_day() const;  // over all customers
  int32_t last_day() const;
};

PurchaseHistories purchase_histories(const Transactions& t);

const std::vector<std::string>& customer_feature_names();

struct CustomerFeatures {
  int32_t cutoff = 0;              // first day not seen
  std::vector<uint32_t> customer;  // per row: the customer
  std::vector<float> x;            // rows x customer_feature_names().size(), NaN = missing
  size_t dim = 0;
  // BG/NBD's sufficient statistics, per row.
  std::vector<double> repeat, recency_weeks, age_weeks;  // x, t_x, T
  std::vector<int32_t> first_day;
  // Every row's occasions before the cut-off, oldest first (sequence models): row i is
  // [history_offsets[i], history_offsets[i + 1]).
  std::vector<uint64_t> history_offsets{0};
  std::vector<int32_t> history_day;
  std::vector<float> history_amount, history_quantity, history_lines;
  size_t rows() const { return customer.size(); }
};

struct CustomerLabels {
  int32_t horizon_days = 0;
  std::vector<int> returns;   // per row: 0 / 1
  std::vector<double> count;  // per row: occasions in the horizon
};

struct CustomerWindow {
  CustomerFeatures features;
  CustomerLabels labels;
};

// Throws kUsage on horizon_days < 1.
CustomerWindow customer_window(const PurchaseHistories& h, int32_t cutoff, int32_t horizon_days);

// Rows of `w` whose keep[i] is true (features and labels alike).
CustomerWindow select_rows(const CustomerWindow& w, const std::vector<bool>& keep);

}  // namespace kairos
