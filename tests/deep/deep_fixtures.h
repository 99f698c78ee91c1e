// A second-order planted pattern for the deep-model tests: sessions [x, y, g(x, y)] with x from
// items 1..10, y from 11..20 and g = 21 + (x + y) mod 20. The third item depends on both
// earlier ones, so a first-order Markov chain guesses among ten, while a sequence model that
// remembers x can be right every time.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/rng.h"
#include "data/dataset.h"
#include "data/test_util.h"
#include "models/factory.h"

namespace kairos::testing {

inline std::vector<uint32_t> planted_session(Rng& rng) {
  const uint32_t x = 1 + static_cast<uint32_t>(rng.below(10));
  const uint32_t y = 11 + static_cast<uint32_t>(rng.below(10));
  return {x, y, 21 + (x + y) % 20};
}

// train / valid / test sessions of the planted pattern (41 items incl. padding). With `funnel`,
// sessions whose first item is odd go on with a cart and a buy of their third item (the interest
// heads' planted pattern: after the first event the purchase is decided; after [x, y, g] the next
// action is a cart exactly when x is odd; items 1..20 are category c1, 21..40 c2).
inline Dataset planted_dataset(size_t train, size_t valid, size_t test, uint64_t seed = 7,
                               bool funnel = false) {
  Rng rng(seed);
  std::vector<uint32_t> cats(41, 1);
  cats[0] = 0;
  for (uint32_t i = 21; i < 41; ++i) cats[i] = 2;
  test::SessionsBuilder b(40, {"", "c1", "c2"}, cats);
  for (size_t s = 0; s < train + valid + test; ++s) {
    const std::vector<uint32_t> v = planted_session(rng);
    for (uint32_t item : v) b.add(item, 0);
    if (funnel && v[0] % 2 == 1) {
      b.add(v[2], 1);  // cart
      b.add(v[2], 3);  // buy
    }
    b.end_session();
  }
  return b.build(train, valid, test);
}

inline Dataset planted_funnel_dataset(size_t train, size_t valid, size_t test, uint64_t seed = 7) {
  return planted_dataset(train, valid, test, seed, true);
}

inline nlohmann::json tiny_interest(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"hidden", 24},          {"item_dim", 16}, {"category_dim", 4},
                      {"type_dim", 4},         {"dropout", 0.0}, {"batch_size", 32},
                      {"learning_rate", 0.01}, {"n_epochs", 10}, {"patience", 10}};
  j.update(extra);
  return j;
}

// Small, fast settings (the tests run in the default suite).
inline nlohmann::json tiny_gru4rec(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"layers", {32}},         {"batch_size", 16},        {"n_sample", 0},
                      {"dropout_p_embed", 0.0}, {"dropout_p_hidden", 0.0}, {"learning_rate", 0.1},
                      {"momentum", 0.3},        {"n_epochs", 12},          {"logq", 0.0},
                      {"patience", 12}};
  j.update(extra);
  return j;
}

inline nlohmann::json tiny_sasrec(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"hidden", 32},   {"blocks", 1},           {"heads", 2},
                      {"max_len", 8},   {"dropout", 0.0},        {"batch_size", 32},
                      {"n_epochs", 25}, {"learning_rate", 0.01}, {"patience", 25}};
  j.update(extra);
  return j;
}

inline nlohmann::json tiny_narm(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"embedding", 24},    {"hidden", 32},          {"dropout_embed", 0.0},
                      {"dropout_out", 0.0}, {"max_len", 8},          {"batch_size", 32},
                      {"n_epochs", 25},     {"learning_rate", 0.01}, {"patience", 25}};
  j.update(extra);
  return j;
}

inline nlohmann::json tiny_nextitnet(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"hidden", 32},          {"dilations", {1, 2}}, {"max_len", 8},
                      {"dropout", 0.0},        {"batch_size", 32},    {"n_epochs", 25},
                      {"learning_rate", 0.01}, {"patience", 25}};
  j.update(extra);
  return j;
}

inline nlohmann::json tiny_multvae(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"hidden", 64},          {"latent", 32},        {"dropout", 0.0},
                      {"beta_max", 0.05},      {"anneal_steps", 200}, {"batch_size", 32},
                      {"learning_rate", 0.01}, {"n_epochs", 25},      {"patience", 25}};
  j.update(extra);
  return j;
}

inline nlohmann::json tiny_svae(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"embedding", 24}, {"rnn", 32},        {"hidden", 32},
                      {"latent", 16},    {"beta_max", 0.05}, {"anneal_steps", 200},
                      {"max_len", 8},    {"batch_size", 32}, {"learning_rate", 0.01},
                      {"n_epochs", 25},  {"patience", 25}};
  j.update(extra);
  return j;
}

inline nlohmann::json tiny_srgnn(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"hidden", 32},          {"max_len", 8},      {"batch_size", 64},
                      {"learning_rate", 0.01}, {"weight_decay", 0}, {"n_epochs", 15},
                      {"patience", 15}};
  j.update(extra);
  return j;
}

// SR-GNN with every SGNN-HN / NISER option on.
inline nlohmann::json tiny_sgnn_hn(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = tiny_srgnn(
      {{"star", true}, {"highway", true}, {"positions", true}, {"steps", 2}, {"scale", 12.0}});
  j.update(extra);
  return j;
}

// Scores of a fitted model for a session prefix (no types, no times).
inline std::vector<float> scores_of(const SessionModel& m, uint32_t num_items,
                                    const std::vector<uint32_t>& items) {
  std::vector<float> s(num_items);
  m.score(SessionQuery{items, {}, {}, 0}, s);
  return s;
}

}  // namespace kairos::testing
