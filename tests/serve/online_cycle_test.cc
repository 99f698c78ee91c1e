// The online-learning loop over HTTP (docs/ONLINE.md): a server logs its events (including views
// of items its model does not know) to the event stream; the stream becomes a dataset; the
// served model is warm-started on it; /admin/reload swaps the grown model in. A session opened
// before the swap keeps working, and the new items are now accepted, scored and recommended.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "core/rng.h"
#include "data/prepare.h"
#include "data/test_util.h"
#include "deep/deep_fixtures.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "pipeline/train_and_save.h"
#include "serve/server.h"

namespace kairos {
namespace {

using nlohmann::json;

json post(httplib::Client& c, const std::string& path, const json& body, int expect = 200,
          const httplib::Headers& headers = {}) {
  auto res = c.Post(path.c_str(), headers, body.dump(), "application/json");
  EXPECT_TRUE(res) << path;
  if (!res) return {};
  EXPECT_EQ(res->status, expect) << path << " " << body.dump() << " -> " << res->body;
  return json::parse(res->body);
}

std::vector<std::string> item_ids(const json& recommend) {
  std::vector<std::string> out;
  for (const auto& i : recommend["items"]) out.push_back(i["item_id"]);
  return out;
}

TEST(OnlineCycle, WarmStartedModelHotSwapsInAndServesTheNewItems) {
  test::TempDir tmp;
  const Dataset base = testing::planted_dataset(300, 40, 40);
  TrainRequest r;
  r.model = "gru4rec";
  r.hparams = testing::tiny_gru4rec({{"n_epochs", 6}});
  r.out = tmp.file("models/base");
  r.evaluate = false;
  train_and_save(base, r);

  ServeOptions o;
  o.model_dir = tmp.file("models/base");
  o.port = 0;
  o.threads = 2;
  o.api_key = "k";
  o.event_log_dir = tmp.file("stream");
  Server server(o);
  const int port = server.bind();
  std::thread t([&] { server.run(); });
  httplib::Client c("127.0.0.1", port);

  // A live session from before the swap.
  post(c, "/v1/events",
       json::array({{{"session_id", "live"}, {"item_id", "i3"}, {"ts", 1000}},
                    {{"session_id", "live"}, {"item_id", "i14"}, {"ts", 2000}}}),
       200, {{"X-API-Key", "k"}});
  // Shoppers start viewing four new products: after x they go to i(41 + x % 4). The server does
  // not know them yet: logged, listed as new_items, not applied.
  Rng rng(5);
  const int64_t t0 = 1'700'000'000'000;
  json batch = json::array();
  for (int s = 0; s < 400; ++s) {
    const int x = 1 + static_cast<int>(rng.below(10));
    const std::string sid = "s" + std::to_string(s);
    const int64_t ts = t0 + s * 600'000;  // sessions 10 minutes apart: ~2.8 days
    batch.push_back({{"session_id", sid}, {"item_id", "i" + std::to_string(x)}, {"ts", ts}});
    batch.push_back(
        {{"session_id", sid}, {"item_id", "i" + std::to_string(41 + x % 4)}, {"ts", ts + 1000}});
    if (batch.size() == 200) {
      const json res = post(c, "/v1/events", batch, 200, {{"X-API-Key", "k"}});
      EXPECT_EQ(res["accepted"], 100);
      EXPECT_EQ(res["new_items"].size(), 100u);
      batch = json::array();
    }
  }

  // The stream window as a dataset; the served model warm-started on it.
  PrepareOptions p;
  p.read.format = "stream";
  p.inputs = {o.event_log_dir};
  p.min_item_support = 1;
  p.test_days = 0.3;
  p.valid_days = 0.3;
  const PrepareResult prepared = prepare(p);
  ASSERT_NE(prepared.dataset.items().find("i42"), 0u);
  r.warm_start = tmp.file("models/base");
  r.out = tmp.file("models/warm");
  r.evaluate = true;
  const TrainResult warm = train_and_save(prepared.dataset, r);
  EXPECT_EQ(warm.warm_start["new_items"], 4);

  const json reloaded = post(c, "/admin/reload", {{"model", "warm"}}, 200, {{"X-API-Key", "k"}});
  EXPECT_EQ(reloaded["version"], 2);
  // The live session survived the swap (replayed into the grown model by item id).
  const json live = post(c, "/v1/recommend", {{"session_id", "live"}, {"k", 5}});
  EXPECT_EQ(live["fallback"], false);
  EXPECT_EQ(live["items"].size(), 5u);
  // New items are now accepted (no new_items) and recommended where the new behaviour leads.
  const json accepted =
      post(c, "/v1/events", {{"session_id", "live"}, {"item_id", "i42"}, {"ts", 3000}}, 200,
           {{"X-API-Key", "k"}});
  EXPECT_EQ(accepted["accepted"], 1);
  EXPECT_FALSE(accepted.contains("new_items"));
  int hits = 0;
  for (int x = 1; x <= 8; ++x) {
    const std::string sid = "after-" + std::to_string(x);
    post(c, "/v1/events", {{"session_id", sid}, {"item_id", "i" + std::to_string(x)}}, 200,
         {{"X-API-Key", "k"}});
    const auto top = item_ids(post(c, "/v1/recommend", {{"session_id", sid}, {"k", 3}}));
    hits += std::count(top.begin(), top.end(), "i" + std::to_string(41 + x % 4)) > 0;
  }
  EXPECT_GE(hits, 6) << "the new item after x should be in the top 3 for most x";
  EXPECT_EQ(c.Get("/v1/items/i43/similar?k=3")->status, 200);
  server.stop();
  t.join();
}

}  // namespace
}  // namespace kairos
