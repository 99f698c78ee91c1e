// ConfigReader: each field declared once (the WITH_DEFAULT macro), defaults kept for absent
// keys, wrong types and unknown keys named, aliases, run options refused with a hint, and the
// struct's own check() applied.
#include "models/config_reader.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace kairos {
namespace {

struct Inner {
  int n_epochs = 10;
  double rate = 0.5;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Inner, n_epochs, rate)
  void check(const std::string& model) const {
    KAIROS_CHECK_USAGE(n_epochs > 0, "{}: n_epochs must be positive", model);
  }
};

struct Outer {
  std::string cell = "gru";
  std::vector<int> layers = {64};
  Inner inner;  // not declared: read separately from the same flat object
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Outer, cell, layers)
};

std::string usage_error(const nlohmann::json& j) {
  try {
    ConfigReader r(j, "m");
    r.alias("epochs", "n_epochs");
    Outer o;
    r.read(o);
    r.read(o.inner);
    r.finish();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    return e.what();
  }
  return "";
}

TEST(ConfigReader, ReadsDeclaredKeysAndKeepsDefaults) {
  ConfigReader r({{"cell", "lstm"}, {"epochs", 3}, {"layers", nullptr}}, "m");
  r.alias("epochs", "n_epochs");
  Outer o;
  o.inner.rate = 0.25;  // a model-specific default survives
  r.read(o);
  r.read(o.inner);
  r.finish();
  EXPECT_EQ(o.cell, "lstm");
  EXPECT_EQ(o.layers, std::vector<int>{64});  // null = default
  EXPECT_EQ(o.inner.n_epochs, 3);
  EXPECT_EQ(o.inner.rate, 0.25);
  // The saved form is the flat union of both structs.
  nlohmann::json saved = o;
  saved.update(nlohmann::json(o.inner));
  EXPECT_EQ(saved,
            (nlohmann::json{{"cell", "lstm"}, {"layers", {64}}, {"n_epochs", 3}, {"rate", 0.25}}));
}

TEST(ConfigReader, NamesWhatIsWrong) {
  EXPECT_NE(usage_error({{"celll", "gru"}}).find("unknown hyperparameter 'celll'"),
            std::string::npos);
  EXPECT_NE(usage_error({{"cell", "gru"}, {"celll", "x"}}).find("known: cell"), std::string::npos);
  EXPECT_NE(usage_error({{"layers", "wide"}}).find("'layers' has the wrong type"),
            std::string::npos);
  EXPECT_NE(usage_error({{"n_epochs", 0}}).find("n_epochs must be positive"), std::string::npos);
  EXPECT_NE(usage_error({{"epochs", 2}, {"n_epochs", 3}}).find("not both"), std::string::npos);
  EXPECT_NE(usage_error({{"threads", 2}}).find("run option"), std::string::npos);
  EXPECT_NE(usage_error({{"log", "x.jsonl"}}).find("run option"), std::string::npos);
  EXPECT_NE(usage_error(nlohmann::json::array()).find("must be an object"), std::string::npos);
  EXPECT_EQ(usage_error(nullptr), "");
}

}  // namespace
}  // namespace kairos
