// The model factory: the table, hyperparameter errors that name what is valid.
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "models/factory.h"

namespace kairos {
namespace {

std::string usage_error(const std::string& name, const nlohmann::json& hp) {
  try {
    make_model(name, hp);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    return e.what();
  }
  ADD_FAILURE() << "no error for " << name << " " << hp.dump();
  return "";
}

TEST(Factory, EveryListedModelIsMadeWithItsDefaults) {
  // Nine baselines, plus gru4rec, sasrec, nextitnet, bsarec, narm, srgnn, multvae, svae and
  // hybrid with LibTorch.
  ASSERT_TRUE(model_infos().size() == 9u || model_infos().size() == 18u) << model_infos().size();
  for (const auto& info : model_infos()) {
    const auto m = make_model(info.name);
    EXPECT_EQ(m->name(), info.name);
    EXPECT_FALSE(info.description.empty());
  }
}

TEST(Factory, UnknownNamesListTheValidOnes) {
  const std::string msg = usage_error("gru5rec", nlohmann::json::object());
  EXPECT_NE(msg.find("gru5rec"), std::string::npos);
  EXPECT_NE(msg.find("vsknn"), std::string::npos);
  EXPECT_NE(msg.find("markov"), std::string::npos);
}

TEST(Factory, UnknownKeysListTheKnownOnes) {
  const std::string msg = usage_error("vsknn", {{"kk", 5}});
  EXPECT_NE(msg.find("'kk'"), std::string::npos);
  EXPECT_NE(msg.find("sample_size"), std::string::npos);
  EXPECT_NE(msg.find("weighting_score"), std::string::npos);
  usage_error("pop", {{"k", 1}});
  usage_error("iknn", {{"lambda", 20}});  // session-rec calls it lmbd
}

TEST(Factory, BadValuesAreUsageErrors) {
  usage_error("vsknn", {{"k", "many"}});
  usage_error("vsknn", {{"weighting", "cubic"}});
  usage_error("sr", {{"weighting_score", "div"}});
  usage_error("sr", {{"steps", 0}});
  usage_error("sknn", {{"k", 0}});
  usage_error("sknn", {{"sampling", "random"}});
  usage_error("vstan", {{"similarity", "jaccard"}});
  usage_error("stan", {{"lambda_spw", -1}});
  usage_error("markov", nlohmann::json::array());
}

}  // namespace
}  // namespace kairos
