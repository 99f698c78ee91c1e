#include "models/factory.h"

#include <fmt/format.h>

#include "core/error.h"
#include "models/artifact.h"
#include "models/baselines/baselines.h"
#include "models/generative/markov_generator.h"
#include "models/hybrid.h"
#include "models/interest/interest_views.h"
#ifdef KAIROS_WITH_TORCH
#include "models/deep/deep_models.h"
#include "models/deep/torch_runtime.h"
#endif

namespace kairos {
namespace {

struct Entry {
  const char* name;
  const char* description;
  std::unique_ptr<SessionModel> (*make)(const nlohmann::json&);
  bool trained = false;  // learns weights through the Trainer (saved as artifacts)
};

// The one table of models (docs/models.md).
constexpr Entry kModels[] = {
    {"pop", "training popularity", make_pop},
    {"spop", "session popularity, training popularity as tie-break", make_spop},
    {"markov", "first-order transitions from the last item", make_markov},
    {"sr", "sequential rules (Ludewig & Jannach 2018)", make_sequential_rules},
    {"iknn", "item-kNN on session co-occurrence (Hidasi et al. 2016)", make_item_knn},
    {"sknn", "session-kNN (Jannach & Ludewig 2017)", make_sknn},
    {"vsknn", "vector multiplication session-kNN (Ludewig & Jannach 2018)", make_vsknn},
    {"stan", "sequence and time aware neighbourhood (Garg et al. 2019)", make_stan},
    {"vstan", "V-STAN (Ludewig et al. 2021)", make_vstan},
#ifdef KAIROS_WITH_TORCH
    {"gru4rec", "GRU4Rec, GRU or LSTM cell (Hidasi et al. 2016, 2018; LibTorch)", make_gru4rec,
     true},
    {"sasrec", "SASRec self-attention (Kang & McAuley 2018; LibTorch)", make_sasrec, true},
    {"nextitnet",
     "NextItNet: dilated causal convolutions, SASRec's training and scoring (Yuan et al. 2019; "
     "LibTorch)",
     make_nextitnet, true},
    {"bsarec",
     "BSARec: SASRec's attention blended with a low-pass frequency filter, trained on each "
     "prefix's last position (Shin et al. 2024; LibTorch)",
     make_bsarec, true},
    {"narm",
     "NARM: GRU with attention over the session, bilinear decoder (Li et al. 2017; LibTorch)",
     make_narm, true},
    {"srgnn",
     "SR-GNN: gated GNN over the session graph, attention readout; SGNN-HN star node, highway "
     "and NISER normalisation as options (Wu et al. 2019; LibTorch)",
     make_srgnn, true},
    {"multvae",
     "Mult-VAE over the session's item set, latent interest vector (Liang et al. 2018; LibTorch)",
     make_multvae, true},
    {"svae",
     "SVAE: a GRU feeding a latent interest vector per step, decoded to a multinomial (Sachdeva "
     "et al. 2019; LibTorch)",
     make_svae, true},
    {"hybrid",
     "score-level blend of a deep model and a kNN baseline, weight tuned on validation "
     "(models/hybrid.h)",
     make_hybrid, true},
#endif
};

#ifdef KAIROS_WITH_TORCH
// The interest model of `name` ("gru" or "heads"; the heads' encoder comes from a next-item
// artifact, which only this layer can load).
InterestMaker interest_maker(const std::string& name) {
  if (name == "gru") return make_interest_gru;
  NextItemLoaders loaders;
  loaders.load = [](const std::string& dir, const Dataset& data, std::string* model) {
    Artifact a = load_artifact(dir);
    check_artifact_matches(a, data, dir);
    *model = a.meta["model"].get<std::string>();
    if (*model == "gru4rec-lstm") *model = "gru4rec";  // as load_artifact reads it
    return std::move(a.model);
  };
  loaders.make = [](const std::string& model, const nlohmann::json& hparams) {
    return make_model(model, hparams);
  };
  return [loaders](const nlohmann::json& hparams) { return make_encoder_heads(hparams, loaders); };
}
#endif

}  // namespace

std::unique_ptr<SessionModel> make_model(const std::string& name, const nlohmann::json& hparams) {
  for (const Entry& e : kModels) {
    if (name == e.name) return e.make(hparams);
  }
  std::string names;
  for (const Entry& e : kModels) names += (names.empty() ? "" : ", ") + std::string(e.name);
  KAIROS_THROW(ErrorKind::kUsage, "unknown model '{}' (known: {})", name, names);
}

std::unique_ptr<LabelModel> make_any_label_model(const std::string& name,
                                                 const nlohmann::json& hparams) {
  if (name == "gru" || name == "heads") {
#ifdef KAIROS_WITH_TORCH
    return std::make_unique<InterestLabelView>(interest_maker(name), hparams, name);
#else
    KAIROS_THROW(ErrorKind::kUsage, "label model '{}' needs a build with LibTorch", name);
#endif
  }
  return make_label_model(name, hparams);
}

std::unique_ptr<SequenceIntentModel> make_sequence_intent_model(const std::string& name,
                                                                const nlohmann::json& hparams) {
#ifdef KAIROS_WITH_TORCH
  if (name == "gru" || name == "heads")
    return std::make_unique<InterestIntentView>(interest_maker(name), hparams, name);
#endif
  KAIROS_THROW(ErrorKind::kUsage,
               "unknown sequence intent model '{}' (the deep ones, gru and heads, need a LibTorch "
               "build)",
               name);
}

std::unique_ptr<ReturnModel> make_any_return_model(const std::string& name,
                                                   const nlohmann::json& hparams, int threads,
                                                   uint64_t seed) {
#ifdef KAIROS_WITH_TORCH
  if (name == "gru") {
    nlohmann::json h = hparams.is_null() ? nlohmann::json::object() : hparams;
    if (!h.contains("seed")) h["seed"] = seed;
    return make_return_gru(h);
  }
#endif
  return make_return_model(name, hparams, threads, seed);
}

std::vector<std::string> any_return_model_names() {
  std::vector<std::string> names = return_model_names();
#ifdef KAIROS_WITH_TORCH
  names.emplace_back("gru");
#endif
  return names;
}

std::unique_ptr<Forecaster> make_any_forecaster(const std::string& name,
                                                const nlohmann::json& hparams, int threads,
                                                uint64_t seed) {
#ifdef KAIROS_WITH_TORCH
  if (name == "lstm")
    return make_lstm_forecaster(hparams.is_null() ? nlohmann::json::object() : hparams, seed);
#endif
  return make_forecaster(name, hparams, threads, seed);
}

std::unique_ptr<SessionGenerator> make_generator(const std::string& name,
                                                 const nlohmann::json& hparams) {
  const bool empty = hparams.is_null() || hparams.empty();
  if (name == "markov") {
    KAIROS_CHECK_USAGE(empty, "generator markov takes no hyperparameters (got {})", hparams.dump());
    return std::make_unique<MarkovGenerator>();
  }
#ifdef KAIROS_WITH_TORCH
  if (name == "seqgan") return make_seq_gan(empty ? nlohmann::json::object() : hparams);
#endif
  KAIROS_THROW(ErrorKind::kUsage, "unknown generator '{}' (available: {})", name,
               fmt::join(generator_names(), ", "));
}

std::vector<std::string> generator_names() {
#ifdef KAIROS_WITH_TORCH
  return {"markov", "seqgan"};
#else
  return {"markov"};
#endif
}

std::vector<std::string> any_forecaster_names() {
  std::vector<std::string> names = forecaster_names();
#ifdef KAIROS_WITH_TORCH
  names.emplace_back("lstm");
#endif
  return names;
}

std::unique_ptr<AudienceModel> make_any_audience_model(const std::string& name,
                                                       const nlohmann::json& hparams) {
#ifdef KAIROS_WITH_TORCH
  if (name == "cold-start")
    return make_cold_start_audience(hparams.is_null() ? nlohmann::json::object() : hparams);
#endif
  return make_audience_model(name, hparams);
}

std::vector<std::string> any_audience_model_names() {
  std::vector<std::string> names = audience_model_names();
#ifdef KAIROS_WITH_TORCH
  names.emplace_back("cold-start");
#endif
  return names;
}

std::unique_ptr<InterestModel> make_interest_model(const std::string& name,
                                                   const nlohmann::json& hparams) {
#ifdef KAIROS_WITH_TORCH
  if (name == "gru" || name == "heads") return interest_maker(name)(hparams);
#endif
  KAIROS_THROW(ErrorKind::kUsage,
               "unknown interest model '{}' (the deep ones, gru and heads, need a LibTorch build)",
               name);
}

void set_inference_threads(int threads) {
#ifdef KAIROS_WITH_TORCH
  set_compute_threads(threads);
#else
  (void)threads;
#endif
}

const std::vector<ModelInfo>& model_infos() {
  static const std::vector<ModelInfo> infos = [] {
    std::vector<ModelInfo> v;
    for (const Entry& e : kModels) v.push_back({e.name, e.description, e.trained});
    return v;
  }();
  return infos;
}

}  // namespace kairos
