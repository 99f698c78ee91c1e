// POST /v1/predict: one interest profile (next items, category distribution, purchase
// probability, next-action distribution) from one session state. A stateless call and a live
// session with the same events agree; `kairos predict` prints what the server answers (both go
// through serve/engine.h); without an interest model the profile has next items only.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "data/test_util.h"
#include "deep/deep_fixtures.h"
#include "models/artifact.h"
#include "pipeline/train_interest.h"
#include "serve/engine.h"
#include "serve/server.h"

namespace kairos {
namespace {

using nlohmann::json;

std::string run(const std::string& args) {
  FILE* p = popen((std::string(KAIROS_BINARY) + " " + args + " 2>/dev/null").c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << args;
  return out;
}

// The parts of an answer that depend on the session alone (not the call's timing or model tag).
json profile_part(json j) {
  j.erase("latency_us");
  j.erase("model");
  return j;
}

class PredictTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new test::TempDir();
    const Dataset d = testing::planted_funnel_dataset(1200, 200, 200);
    auto m = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 3}}));
    m->fit(d, d.train_full());
    save_artifact(*m, d, tmp_->file("next"));
    auto vae = make_model("multvae", testing::tiny_multvae({{"n_epochs", 2}, {"latent", 12}}));
    vae->fit(d, d.train_full());
    save_artifact(*vae, d, tmp_->file("vae"));
    auto svae = make_model("svae", testing::tiny_svae({{"n_epochs", 2}, {"latent", 12}}));
    svae->fit(d, d.train_full());
    save_artifact(*svae, d, tmp_->file("svae"));
    InterestTrainOptions o;
    o.hparams = testing::tiny_interest({{"n_epochs", 4}});
    o.tasks = {Task::kCategory, Task::kIntent, Task::kNextAction};
    o.out = tmp_->file("interest");
    o.evaluate = false;
    train_interest_and_save(d, o);
    // The same heads on the served GRU4Rec's frozen encoder.
    o.model = "heads";
    o.hparams = {{"encoder", tmp_->file("next")}, {"hidden", 16}, {"n_epochs", 3}};
    o.out = tmp_->file("heads");
    train_interest_and_save(d, o);
  }
  static void TearDownTestSuite() { delete tmp_; }

  void start(bool interest, const std::string& model = "next",
             const std::string& interest_dir = "interest") {
    ServeOptions o;
    o.model_dir = tmp_->file(model);
    if (interest) o.interest_dir = tmp_->file(interest_dir);
    o.retrieval.mode = "exact";
    o.port = 0;
    o.threads = 2;
    server_ = std::make_unique<Server>(o);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    for (int i = 0; i < 200 && !client_->Get("/healthz"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  void TearDown() override {
    if (!server_) return;
    server_->stop();
    thread_.join();
  }
  json post(const std::string& path, const std::string& body, int expect = 200) {
    auto res = client_->Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expect) << body << " -> " << res->body;
    return json::parse(res->body);
  }

  // The model in `dir` has a 12-unit latent vector.
  void expect_latent_profile(const std::string& dir) {
    start(true, dir);
    const json a = post("/v1/predict", R"({"items":["i3","i14"],"k":3})");
    ASSERT_TRUE(a.contains("latent")) << a.dump();
    ASSERT_EQ(a["latent"].size(), 12u);
    EXPECT_TRUE(a.contains("purchase"));
    const json b = post("/v1/predict", R"({"items":["i8","i19"],"k":3})");
    EXPECT_NE(a["latent"], b["latent"]);
    post("/v1/events", R"([{"session_id":"v","item_id":"i3","ts":1000},
                           {"session_id":"v","item_id":"i14","ts":2000}])");
    EXPECT_EQ(post("/v1/predict", R"({"session_id":"v","k":3})")["latent"], a["latent"]);
    EXPECT_FALSE(post("/v1/predict", R"({"session_id":"nobody"})").contains("latent"));
  }

  static test::TempDir* tmp_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  int port_ = 0;
};
test::TempDir* PredictTest::tmp_ = nullptr;

TEST_F(PredictTest, StatelessAndLiveSessionsGiveOneProfile) {
  start(true);
  const json stateless =
      post("/v1/predict", R"({"items":["i3","i14","i38"],"types":["view","view","view"],"k":5})");
  ASSERT_EQ(stateless["items"].size(), 5u);
  EXPECT_EQ(stateless["events"], 3);
  EXPECT_EQ(stateless["heads"], json({"category", "intent", "next-action"}));
  // x = 3 is odd: the planted funnel buys.
  EXPECT_GT(stateless["purchase"]["probability"].get<double>(), 0.5);
  EXPECT_EQ(stateless["purchase"]["target"], "converts");
  ASSERT_EQ(stateless["next_action"].size(), 4u);
  EXPECT_GT(stateless["next_action"]["cart"].get<double>(), 0.5);
  double total = 0;
  for (const auto& [type, p] : stateless["next_action"].items()) total += p.get<double>();
  EXPECT_NEAR(total, 1.0, 1e-4);
  ASSERT_FALSE(stateless["categories"].empty());
  EXPECT_LE(stateless["categories"].size(), 2u);  // the unknown category is never listed

  post("/v1/events", R"([{"session_id":"s","item_id":"i3","ts":1000},
                         {"session_id":"s","item_id":"i14","ts":2000},
                         {"session_id":"s","item_id":"i38","ts":3000}])");
  const json live = post("/v1/predict", R"({"session_id":"s","k":5})");
  EXPECT_EQ(profile_part(live), profile_part(stateless));

  // x = 4 is even: no purchase ahead.
  const json even = post("/v1/predict", R"({"items":["i4"]})");
  EXPECT_LT(even["purchase"]["probability"].get<double>(), 0.5);
  // An empty session: popular items, no heads read.
  const json empty = post("/v1/predict", R"({"session_id":"nobody"})");
  EXPECT_TRUE(empty["fallback"].get<bool>());
  EXPECT_FALSE(empty.contains("purchase"));
}

// Heads on the next-item model's encoder ("heads") serve as any interest model: a live session's
// profile is the stateless one.
TEST_F(PredictTest, HeadsOnTheNextItemEncoderServe) {
  start(true, "next", "heads");
  const json stateless =
      post("/v1/predict", R"({"items":["i3","i14","i38"],"types":["view","view","cart"],"k":5})");
  EXPECT_EQ(stateless["heads"], json({"category", "intent", "next-action"}));
  ASSERT_EQ(stateless["next_action"].size(), 4u);
  const double p = stateless["purchase"]["probability"].get<double>();
  EXPECT_TRUE(p >= 0 && p <= 1) << p;
  post("/v1/events", R"([{"session_id":"h","item_id":"i3","ts":1000},
                         {"session_id":"h","item_id":"i14","ts":2000},
                         {"session_id":"h","item_id":"i38","ts":3000,"type":"cart"}])");
  EXPECT_EQ(profile_part(post("/v1/predict", R"({"session_id":"h","k":5})")),
            profile_part(stateless));
}

TEST_F(PredictTest, TheCommandPrintsWhatTheServerAnswers) {
  start(true);
  const json served =
      post("/v1/predict",
           R"({"items":["i5","i12","no-such","i38"],"types":["view","cart","view","view"],"k":7})");
  EXPECT_EQ(served["unknown_items"], json({"no-such"}));
  const std::string out =
      run("predict --model " + tmp_->file("next") + " --interest " + tmp_->file("interest") +
          " --items i5,i12,no-such,i38 --types view,cart,view,view --k 7 --json");
  EXPECT_EQ(json::parse(out), profile_part(served));
}

TEST_F(PredictTest, WithoutAnInterestModelTheProfileHasItemsOnly) {
  start(false);
  const json p = post("/v1/predict", R"({"items":["i3","i14"],"k":3})");
  EXPECT_EQ(p["items"].size(), 3u);
  EXPECT_EQ(p["heads"], json::array());
  EXPECT_FALSE(p.contains("categories"));
  EXPECT_FALSE(p.contains("purchase"));
  EXPECT_FALSE(p.contains("latent"));  // GRU4Rec has no latent interest vector
  // The items are recommend's.
  const json r = post("/v1/recommend", R"({"items":["i3","i14"],"k":3})");
  EXPECT_EQ(p["items"], r["items"]);
}

// Mult-VAE's latent vector (the encoder's mean) is the session's interest profile: one per
// session, the same stateless and live, and next to the interest heads when they are loaded.
TEST_F(PredictTest, MultVaeGivesItsLatentInterestVector) { expect_latent_profile("vae"); }

// SVAE's (the last step's mean) too: live, the GRU state advances one step per event.
TEST_F(PredictTest, SvaeGivesItsLatentInterestVector) { expect_latent_profile("svae"); }

TEST_F(PredictTest, BadTypesAreRefused) {
  start(true);
  post("/v1/predict", R"({"items":["i3","i14"],"types":["view"]})", 400);
  post("/v1/predict", R"({"items":["i3"],"types":["look"]})", 400);
  post("/v1/predict", R"({"session_id":"s","types":["view"]})", 400);
}

}  // namespace
}  // namespace kairos
