// Features of a session prefix for the purchase-intent baselines (logistic regression and
// gradient-boosted trees). Leakage rule: a prefix's features are computed from its own events and
// from statistics of the training sessions only (ItemStats), never from later events.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace kairos {

// Per-item statistics of training sessions: event counts, and the smoothed share of the item's
// sessions in which it was carted / bought (shrunk towards the global share).
class ItemStats {
 public:
  ItemStats() = default;
  // From the sessions of `train` whose index s has s % folds != fold (fold < 0: all of them).
  ItemStats(const SessionSet& train, uint32_t num_items, int fold = -1, int folds = 1);
  double log_popularity(uint32_t item) const;  // ln(1 + events)
  double buy_rate(uint32_t item) const;        // (bought + a * prior) / (sessions + a)
  double cart_rate(uint32_t item) const;       // the same for carts

 private:
  std::vector<uint32_t> events_, sessions_, bought_, carted_;
  double prior_buy_ = 0, prior_cart_ = 0;
};

// Out-of-fold statistics for the features of the training sessions themselves: a training
// session's features use statistics of the other folds' sessions only, so its own purchase cannot
// leak into them through the item buy rates (leave-one-out encoding would leak it in reverse: a
// buyer's own item rate drops by exactly its own buy). Validation and test sessions use the
// statistics of all training sessions.
class FoldedItemStats {
 public:
  static constexpr int kFolds = 5;
  FoldedItemStats(const SessionSet& train, uint32_t num_items);
  const ItemStats& all() const { return all_; }
  const ItemStats& for_training_session(size_t s) const { return folds_[s % kFolds]; }

 private:
  ItemStats all_;
  std::vector<ItemStats> folds_;
};

// Feature names, in column order.
const std::vector<std::string>& session_feature_names();

// The features of `prefix` (its events only) into `out` (size session_feature_names().size()).
// `stats` must not hold the session itself (FoldedItemStats for training sessions).
void session_features(const SessionView& session, uint32_t prefix, const ItemStats& stats,
                      std::span<const uint32_t> item_category, std::span<float> out);

}  // namespace kairos
