// The session-kNN family as session-rec implements it (docs/models.md has the formulas):
//   sknn   ContextKNN (Jannach & Ludewig 2017): cosine (or jaccard/binary) between item sets
//   vsknn  VMContextKNN (Ludewig & Jannach 2018): position-weighted overlap, decay by how far
//          back the shared query item lies, idf weighting
//   stan   STAN (Garg et al. 2019): position-weighted cosine, time decay of neighbours, decay by
//          item distance inside the neighbour
//   vstan  V-STAN (Ludewig et al. 2021): STAN plus item-position and idf weighting
// Candidates are the `sample_size` most recent training sessions sharing an item with the query
// (all if 0), found through the inverted index while their weighted overlap with the query is
// accumulated; the `k` most similar become neighbours and add their similarity (times the
// variant's weights) to each of their items.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "models/baselines/decay.h"
#include "models/session_model.h"

namespace kairos {

enum class KnnVariant { kSknn, kVsknn, kStan, kVstan };
enum class KnnSimilarity { kCosine, kJaccard, kBinary, kVec };

// Zero turns a lambda or idf weight off (session-rec's None / False).
struct KnnOptions {
  KnnVariant variant = KnnVariant::kSknn;
  uint32_t k = 100;            // neighbours kept
  uint32_t sample_size = 500;  // most recent candidates (0 = all)
  KnnSimilarity similarity = KnnSimilarity::kCosine;
  Decay weighting = Decay::kDiv;        // vsknn: weight of a query position
  Decay weighting_score = Decay::kDiv;  // vsknn: decay by the step of the shared query item
  double idf_weight = 0;                // vsknn idf_weighting, vstan lambda_idf
  double lambda_spw = 0;                // stan/vstan: query position decay exp((p-n)/spw)
  double lambda_snh_days = 0;           // stan/vstan: neighbour age decay exp(-dt/snh), days
  double lambda_inh = 0;                // stan/vstan: item distance decay inside a neighbour
  double lambda_ipw = 0;                // vstan: decay by the position of the shared item
  bool backfill = true;                 // popularity back-fill below every candidate
};

std::unique_ptr<SessionModel> make_session_knn(std::string name, const KnnOptions& options);

}  // namespace kairos
