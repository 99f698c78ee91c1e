// Hyperparameters of the session-kNN family: names and defaults are session-rec's.
#include <string>

#include "core/error.h"
#include "models/baselines/baselines.h"
#include "models/baselines/session_knn.h"
#include "models/config_reader.h"

namespace kairos {
namespace {

KnnOptions common(ConfigReader& h, KnnVariant v, uint32_t k, uint32_t sample_size) {
  KnnOptions o;
  o.variant = v;
  o.k = h.get<uint32_t>("k", k);
  o.sample_size = h.get<uint32_t>("sample_size", sample_size);
  o.backfill = h.get<bool>("backfill", true);
  const auto sampling = h.get<std::string>("sampling", "recent");
  KAIROS_CHECK_USAGE(sampling == "recent", "only sampling=recent is implemented, not '{}'",
                     sampling);
  KAIROS_CHECK_USAGE(o.k >= 1, "k must be at least 1");
  return o;
}

// A decay constant; null (session-rec's None) and 0 turn it off.
double lambda(ConfigReader& h, const nlohmann::json& j, const char* key, double fallback) {
  const double v = h.get<double>(key, fallback);
  if (j.is_object() && j.contains(key) && j[key].is_null()) return 0.0;
  KAIROS_CHECK_USAGE(v >= 0, "{} must be >= 0 (0 = off)", key);
  return v;
}

void stan_lambdas(ConfigReader& h, const nlohmann::json& j, KnnOptions& o) {
  o.lambda_spw = lambda(h, j, "lambda_spw", 1.02);
  o.lambda_snh_days = lambda(h, j, "lambda_snh", 5.0);
  o.lambda_inh = lambda(h, j, "lambda_inh", 2.05);
}

}  // namespace

std::unique_ptr<SessionModel> make_sknn(const nlohmann::json& hparams) {
  ConfigReader h(hparams, "sknn");
  KnnOptions o = common(h, KnnVariant::kSknn, 100, 500);
  const auto similarity = h.get<std::string>("similarity", "cosine");
  h.finish();
  if (similarity == "jaccard") {
    o.similarity = KnnSimilarity::kJaccard;
  } else if (similarity == "binary") {
    o.similarity = KnnSimilarity::kBinary;
  } else {
    KAIROS_CHECK_USAGE(similarity == "cosine",
                       "sknn: similarity must be cosine, jaccard or binary, not '{}'", similarity);
  }
  return make_session_knn("sknn", o);
}

std::unique_ptr<SessionModel> make_vsknn(const nlohmann::json& hparams) {
  ConfigReader h(hparams, "vsknn");
  KnnOptions o = common(h, KnnVariant::kVsknn, 100, 1000);
  o.similarity = KnnSimilarity::kVec;
  o.weighting = parse_decay(h.get<std::string>("weighting", "div"), "vsknn", "weighting");
  o.weighting_score =
      parse_decay(h.get<std::string>("weighting_score", "div"), "vsknn", "weighting_score");
  o.idf_weight = lambda(h, hparams, "idf_weighting", 0.0);
  h.finish();
  return make_session_knn("vsknn", o);
}

std::unique_ptr<SessionModel> make_stan(const nlohmann::json& hparams) {
  ConfigReader h(hparams, "stan");
  KnnOptions o = common(h, KnnVariant::kStan, 100, 5000);
  stan_lambdas(h, hparams, o);
  h.finish();
  return make_session_knn("stan", o);
}

std::unique_ptr<SessionModel> make_vstan(const nlohmann::json& hparams) {
  ConfigReader h(hparams, "vstan");
  KnnOptions o = common(h, KnnVariant::kVstan, 100, 5000);
  const auto similarity = h.get<std::string>("similarity", "cosine");
  stan_lambdas(h, hparams, o);
  o.lambda_ipw = lambda(h, hparams, "lambda_ipw", 1.02);
  o.idf_weight = lambda(h, hparams, "lambda_idf", 5.0);
  h.finish();
  KAIROS_CHECK_USAGE(similarity == "cosine" || similarity == "vec",
                     "vstan: similarity must be cosine or vec, not '{}'", similarity);
  o.similarity = similarity == "vec" ? KnnSimilarity::kVec : KnnSimilarity::kCosine;
  return make_session_knn("vstan", o);
}

}  // namespace kairos
