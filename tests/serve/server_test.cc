// The HTTP API over loopback with a small trained GRU4Rec: ingest -> recommend changes with the
// session; stateless and stateful calls agree and equal the model's own scores (what `kairos
// predict` prints); fallbacks, filters, explanations, bad input, the API key and reload.
#include "serve/server.h"
#include "serve/session_audience.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "data/test_util.h"
#include "deep/deep_fixtures.h"
#include "models/artifact.h"

namespace kairos {
namespace {

using nlohmann::json;

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new test::TempDir();
    data_ = new Dataset(testing::planted_dataset(600, 20, 20));
    auto m = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 4}}));
    m->fit(*data_, data_->train_full());
    save_artifact(*m, *data_, tmp_->file("v1"));
    auto m2 = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 1}, {"seed", 9}}));
    m2->fit(*data_, data_->train_full());
    save_artifact(*m2, *data_, tmp_->file("v2"));
  }
  static void TearDownTestSuite() {
    delete data_;
    delete tmp_;
  }

  void SetUp() override { start({}); }
  void TearDown() override { stop(); }

  void start(const std::string& key, const std::string& retrieval = "auto",
             size_t max_session_events = 1000, int ttl_s = 1800) {
    ServeOptions o;
    o.session_ttl_s = ttl_s;
    o.max_session_events = max_session_events;
    o.retrieval.mode = retrieval;
    o.model_dir = tmp_->file("v1");
    o.port = 0;
    o.threads = 4;
    o.api_key = key;
    o.payload_limit = 64 * 1024;
    server_ = std::make_unique<Server>(o);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    for (int i = 0; i < 200 && !client_->Get("/healthz"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  void stop() {
    server_->stop();
    thread_.join();
    server_.reset();
  }

  json post(const std::string& path, const std::string& body, int expect = 200,
            const httplib::Headers& headers = {}) {
    auto res = client_->Post(path.c_str(), headers, body, "application/json");
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expect) << path << " " << body << " -> " << res->body;
    return json::parse(res->body);
  }

  static std::vector<std::string> ids(const json& r) {
    std::vector<std::string> out;
    for (const auto& it : r["items"]) out.push_back(it["item_id"]);
    return out;
  }

  static test::TempDir* tmp_;
  static Dataset* data_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  int port_ = 0;
};
test::TempDir* ServerTest::tmp_ = nullptr;
Dataset* ServerTest::data_ = nullptr;

TEST_F(ServerTest, HealthReadyAndMetrics) {
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  auto ready = client_->Get("/readyz");
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(json::parse(ready->body)["model"], "gru4rec");
  post("/v1/recommend", R"({"items":["i1"]})");
  const auto metrics = client_->Get("/metrics");
  EXPECT_NE(metrics->body.find("kairos_request_duration_seconds_bucket{route=\"/v1/recommend\""),
            std::string::npos);
  EXPECT_NE(metrics->body.find("kairos_state{what=\"model_version\"} 1"), std::string::npos);
}

TEST_F(ServerTest, RecommendationsFollowTheSessionAndMatchTheModel) {
  const json empty = post("/v1/recommend", R"({"session_id":"s1","k":5})");
  EXPECT_TRUE(empty["fallback"].get<bool>());
  const json ev = post("/v1/events",
                       R"([{"session_id":"s1","item_id":"i3","ts":1000,"event_id":"a"},
                           {"session_id":"s1","item_id":"i14","ts":2000,"event_id":"b"}])");
  EXPECT_EQ(ev["accepted"], 2);
  const json stateful = post("/v1/recommend", R"({"session_id":"s1","k":5})");
  EXPECT_FALSE(stateful["fallback"].get<bool>());
  // Planted pattern: after i3, i14 comes i37 (21 + 17 % 20).
  EXPECT_EQ(stateful["items"][0]["item_id"], "i37");
  const json stateless = post("/v1/recommend", R"({"items":["i3","i14"],"k":5})");
  EXPECT_EQ(ids(stateful), ids(stateless));
  // The scores are the model's own (the same call `kairos predict` makes).
  const Artifact a = load_artifact(tmp_->file("v1"));
  const auto scores = testing::scores_of(*a.model, a.num_items(), {3, 14});
  for (size_t i = 0; i < 5; ++i) {
    const std::string id = stateful["items"][i]["item_id"];
    EXPECT_NEAR(stateful["items"][i]["score"].get<double>(), scores[std::stoul(id.substr(1))],
                1e-4);
  }
  // One more event changes the answer.
  post("/v1/events", R"({"session_id":"s1","item_id":"i37","ts":3000})");
  EXPECT_NE(ids(post("/v1/recommend", R"({"session_id":"s1","k":5})")), ids(stateful));
}

TEST_F(ServerTest, DuplicatesOrderAndUnknownItemsArePerEventDecisions) {
  const json r = post("/v1/events", R"([{"session_id":"s2","item_id":"i3","ts":5000,"event_id":"x"},
                                        {"session_id":"s2","item_id":"i4","ts":6000,"event_id":"x"},
                                        {"session_id":"s2","item_id":"nope","ts":7000},
                                        {"session_id":"s2","item_id":"i5","ts":1000},
                                        {"session_id":"s2","item_id":"i6","type":"teleport"}])");
  EXPECT_EQ(r["accepted"], 1);
  EXPECT_EQ(r["duplicates"], 1);
  ASSERT_EQ(r["rejected"].size(), 3u);
  EXPECT_EQ(r["rejected"][0]["index"], 2);
  EXPECT_NE(r["rejected"][1]["reason"].get<std::string>().find("timestamp"), std::string::npos);
  EXPECT_NE(r["rejected"][2]["reason"].get<std::string>().find("teleport"), std::string::npos);
}

TEST_F(ServerTest, FiltersExcludeSeenAndExplanations) {
  const json r = post(
      "/v1/recommend",
      R"({"items":["i3","i14"],"k":10,"exclude_seen":true,"explain":true,"filter":{"categories":["c1"]}})");
  ASSERT_EQ(r["items"].size(), 10u);
  for (const auto& it : r["items"]) {
    EXPECT_EQ(it["category"], "c1");
    EXPECT_NE(it["item_id"], "i3");
    EXPECT_NE(it["item_id"], "i14");
    ASSERT_FALSE(it["explanation"].empty());
    EXPECT_TRUE(it["explanation"][0].contains("reason"));
  }
  EXPECT_EQ(r["categories"][0]["category"], "c1");
  const json unknown = post("/v1/recommend", R"({"items":["ghost"],"k":3})");
  EXPECT_TRUE(unknown["fallback"].get<bool>());
  EXPECT_EQ(unknown["unknown_items"][0], "ghost");
  auto similar = client_->Get("/v1/items/i3/similar?k=4");
  EXPECT_EQ(json::parse(similar->body)["items"].size(), 4u);
  EXPECT_EQ(client_->Get("/v1/items/ghost/similar")->status, 404);
  EXPECT_EQ(client_->Get("/v1/items/i3/similar?k=abc")->status, 400);
}

TEST_F(ServerTest, ASessionKeepsItsMostRecentEvents) {
  stop();
  start({}, "auto", 2);
  post("/v1/events", R"([{"session_id":"s","item_id":"i3","ts":1000},
                         {"session_id":"s","item_id":"i14","ts":2000},
                         {"session_id":"s","item_id":"i37","ts":3000}])");
  const json r =
      post("/v1/recommend", R"({"session_id":"s","k":100,"exclude_seen":true,"explain":true})");
  const auto got = ids(r);
  // i3 fell out of the kept events: no longer excluded, no longer explained.
  EXPECT_NE(std::find(got.begin(), got.end(), "i3"), got.end());
  EXPECT_EQ(std::find(got.begin(), got.end(), "i14"), got.end());
  EXPECT_EQ(std::find(got.begin(), got.end(), "i37"), got.end());
  for (const auto& why : r["items"][0]["explanation"]) {
    EXPECT_NE(why["item_id"], "i3");
    EXPECT_LT(why["position"].get<int>(), 2);
  }
  EXPECT_EQ(r["items"][0]["explanation"].size(), 2u);
}

TEST_F(ServerTest, BadRequestsGetJsonErrors) {
  for (const char* body :
       {"{oops", R"({"k":3})", R"({"session_id":"s","k":-1})", R"({"session_id":"s","bogus":1})"}) {
    const json r = post("/v1/recommend", body, 400);
    EXPECT_TRUE(r.contains("error"));
  }
  EXPECT_TRUE(post("/v1/events", "[", 400).contains("error"));
  EXPECT_EQ(post("/v1/events", R"({"session_id":"s","item_id":"ghost"})", 422)["accepted"], 0);
  auto big = client_->Post("/v1/events", std::string(100 * 1024, ' '), "application/json");
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(client_->Get("/nowhere")->status, 404);
}

TEST_F(ServerTest, ReloadSwapsWithoutFailingRequestsAndKeepsTheOldModelOnError) {
  stop();
  start("sesame");
  const httplib::Headers key = {{"X-API-Key", "sesame"}};
  post("/v1/events", R"({"session_id":"s3","item_id":"i3","ts":1000})", 200, key);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, calls{0};
  std::thread load([&] {
    httplib::Client c("127.0.0.1", port_);
    while (!done) {
      auto r = c.Post("/v1/recommend", R"({"session_id":"s3","k":5})", "application/json");
      if (!r || r->status != 200) ++failures;
      ++calls;
    }
  });
  // A directory under the models root that is not an artifact: refused, nothing of it echoed.
  std::filesystem::create_directories(tmp_->file("junk"));
  std::ofstream(tmp_->file("junk/meta.json")) << "{not json";
  const json bad = post("/admin/reload", R"({"model":"junk"})", 422, key);
  EXPECT_NE(bad["error"].get<std::string>().find("current model stays"), std::string::npos);
  EXPECT_EQ(bad.dump().find(tmp_->path().string()), std::string::npos);
  const json ok = post("/admin/reload", R"({"model":"v2"})", 200, key);
  EXPECT_EQ(ok["version"], 3);  // 1 = first load, 2 = the failed attempt
  EXPECT_EQ(ok.dump().find(tmp_->path().string()), std::string::npos);  // replies name no paths
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  done = true;
  load.join();
  EXPECT_GT(calls.load(), 0);
  EXPECT_EQ(failures.load(), 0);
  // The session built under the old model is replayed into the new one.
  const json r = post("/v1/recommend", R"({"session_id":"s3","k":5})");
  EXPECT_EQ(r["model"]["version"], 3);
  EXPECT_FALSE(r["fallback"].get<bool>());
}

TEST_F(ServerTest, AdminIsRefusedWithoutAKeyAndReloadStaysUnderTheModelsRoot) {
  // No key: admin routes are refused outright (events stay open).
  EXPECT_EQ(post("/admin/reload", R"({"model":"v2"})", 403)["error"].get<std::string>().find(
                "--api-key") != std::string::npos,
            true);
  stop();
  start("sesame");
  const httplib::Headers key = {{"X-API-Key", "sesame"}};
  // Out of the root: absolute paths, '..', a symlink leading out. Nothing about them is echoed.
  std::filesystem::create_directory_symlink("/etc", tmp_->file("escape"));
  for (const char* body : {R"({"model":"/etc"})", R"({"model":"../../etc"})",
                           R"({"model":"v1/../../etc"})", R"({"model":"escape"})"}) {
    auto res = client_->Post("/admin/reload", key, body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_TRUE(res->status == 400 || res->status == 404) << body << " -> " << res->status;
    EXPECT_EQ(res->body.find("passwd"), std::string::npos);
    EXPECT_EQ(res->body.find("/etc"), std::string::npos) << res->body;
  }
  post("/admin/reload", R"({"model":"nothing-here"})", 404, key);
  // Concurrent reloads: each one either reloads or is told another is in progress.
  std::vector<std::thread> ts;
  std::atomic<int> ok{0}, busy{0}, other{0};
  for (int i = 0; i < 6; ++i) {
    ts.emplace_back([&] {
      httplib::Client c("127.0.0.1", port_);
      auto r = c.Post("/admin/reload", key, R"({"model":"v1"})", "application/json");
      (r && r->status == 200 ? ok : r && r->status == 409 ? busy : other)++;
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_GE(ok.load(), 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(ServerTest, ASessionOnlyReadAfterReloadsKeepsItsHistory) {
  // TTL 1 s: an old model's item names are forgotten 1 s after it was replaced. A session that
  // is only read (kept alive by reads) must have been re-encoded under the new model by then.
  stop();
  start("sesame", "auto", 1000, 1);
  const httplib::Headers key = {{"X-API-Key", "sesame"}};
  post("/v1/events", R"([{"session_id":"r","item_id":"i3","ts":1000},
                         {"session_id":"r","item_id":"i14","ts":2000}])",
       200, key);
  post("/admin/reload", R"({"model":"v2"})", 200, key);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(post("/v1/recommend", R"({"session_id":"r","k":3})")["fallback"].get<bool>());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  post("/admin/reload", R"({"model":"v1"})", 200, key);
  const json r = post("/v1/recommend", R"({"session_id":"r","k":3,"explain":true})");
  EXPECT_FALSE(r["fallback"].get<bool>());
  EXPECT_EQ(r["items"][0]["explanation"].size(), 2u);  // both events are still there
}

TEST_F(ServerTest, InvalidUtf8AndOverlongIdsGet400WithACleanReason) {
  // Raw invalid UTF-8 inside a JSON string, and an id that is valid JSON but holds a control
  // character, and ids past the byte limit.
  const std::string bad_utf8 = "{\"session_id\":\"s\xff\",\"k\":3}";
  json r = post("/v1/recommend", bad_utf8, 400);
  EXPECT_NE(r["error"].get<std::string>().find("UTF-8"), std::string::npos);
  r = post("/v1/recommend", R"({"items":["a\u0001b"],"k":3})", 400);
  EXPECT_NE(r["error"].get<std::string>().find("control"), std::string::npos);
  const std::string long_id(300, 'x');
  r = post("/v1/events", R"({"session_id":")" + long_id + R"(","item_id":"i3"})", 422);
  EXPECT_NE(r["rejected"][0]["reason"].get<std::string>().find("longer than"), std::string::npos);
  auto sim = client_->Get("/v1/items/%FF%FE/similar");
  ASSERT_TRUE(sim);
  EXPECT_EQ(sim->status, 400);
  EXPECT_NO_THROW(json::parse(sim->body));
}

TEST_F(ServerTest, FarFutureTimestampsAreRefusedPerEventAndDoNotPoisonTheSession) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const json r = post("/v1/events", R"([{"session_id":"f","item_id":"i3","ts":9223372036854775807},
                                        {"session_id":"f","item_id":"i4","ts":)" +
                                        std::to_string(now) + "}]");
  EXPECT_EQ(r["accepted"], 1);
  ASSERT_EQ(r["rejected"].size(), 1u);
  EXPECT_EQ(r["rejected"][0]["index"], 0);
  EXPECT_NE(r["rejected"][0]["reason"].get<std::string>().find("future"), std::string::npos);
  // Later events of the session are still accepted.
  EXPECT_EQ(post("/v1/events", R"({"session_id":"f","item_id":"i5"})")["accepted"], 1);
}

TEST_F(ServerTest, OneRequestsCostIsCapped) {
  // Stateless items beyond --max-session-events (1000 here), and k beyond the explain cap.
  json items = json::array();
  for (int i = 0; i < 1001; ++i) items.push_back("i3");
  json r = post("/v1/recommend", json{{"items", items}, {"k", 5}}.dump(), 400);
  EXPECT_NE(r["error"].get<std::string>().find("at most 1000 items"), std::string::npos);
  r = post("/v1/recommend", R"({"items":["i3"],"k":1000,"explain":true})", 400);
  EXPECT_NE(r["error"].get<std::string>().find("explain"), std::string::npos);
  post("/v1/recommend", R"({"items":["i3"],"k":100,"explain":true})", 200);
}

TEST_F(ServerTest, RecommendingForAnUnknownSessionCreatesNoSession) {
  EXPECT_TRUE(
      post("/v1/recommend", R"({"session_id":"never-seen","k":3})")["fallback"].get<bool>());
  EXPECT_NE(client_->Get("/metrics")->body.find("kairos_state{what=\"sessions\"} 0"),
            std::string::npos);
  post("/v1/events", R"({"session_id":"seen","item_id":"i3","ts":1000})");
  EXPECT_NE(client_->Get("/metrics")->body.find("kairos_state{what=\"sessions\"} 1"),
            std::string::npos);
}

TEST_F(ServerTest, ApiKeyGuardsWritesAndAdmin) {
  stop();
  start("sesame");
  post("/v1/events", R"({"session_id":"s","item_id":"i3"})", 401);
  post("/admin/reload", "{}", 401);
  post("/v1/events", R"({"session_id":"s","item_id":"i3"})", 200, {{"X-API-Key", "sesame"}});
  post("/v1/events", R"({"session_id":"s","item_id":"i4"})", 200,
       {{"Authorization", "Bearer sesame"}});
  post("/v1/recommend", R"({"session_id":"s"})");  // reads need no key
}

TEST_F(ServerTest, EventsWithoutATimeAreNeverOutOfOrder) {
  // The server's clock reading may trail a concurrent request's; it moves up, it is not refused.
  const int64_t ahead = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() +
                        60'000;  // a client clock a minute ahead: within the allowed skew
  post("/v1/events", R"({"session_id":"t","item_id":"i3","ts":)" + std::to_string(ahead) + "}");
  EXPECT_EQ(post("/v1/events", R"({"session_id":"t","item_id":"i14"})")["accepted"], 1);
  post("/v1/events", R"({"session_id":"t","item_id":"i15","ts":1000})", 422);
}

TEST_F(ServerTest, ModelCardItemSearchAndTheDashboardPage) {
  auto res = client_->Get("/v1/model");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const json card = json::parse(res->body);
  EXPECT_EQ(card["model"], "gru4rec");
  EXPECT_EQ(card["version"], 1);
  EXPECT_EQ(card["num_items"], data_->num_items() - 1);
  EXPECT_EQ(card["dataset"]["fingerprint"], data_->fingerprint());
  EXPECT_FALSE(card["writes_need_key"]);
  EXPECT_TRUE(card["interest"].is_null());
  // Search: the most popular first; `q` keeps the ids containing it; k and q are bounded.
  res = client_->Get("/v1/items?k=5");
  ASSERT_TRUE(res);
  const json all = json::parse(res->body)["items"];
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1]["count"], all[i]["count"]);
  res = client_->Get("/v1/items?q=i1&k=100");
  ASSERT_TRUE(res);
  const json some = json::parse(res->body)["items"];
  EXPECT_FALSE(some.empty());
  for (const auto& it : some)
    EXPECT_NE(it["item_id"].get<std::string>().find("i1"), std::string::npos);
  for (const char* bad : {"/v1/items?k=0", "/v1/items?k=x", "/v1/items?k=100000"}) {
    res = client_->Get(bad);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << bad;
    EXPECT_TRUE(json::parse(res->body).contains("error"));
  }
  res = client_->Get(("/v1/items?q=" + std::string(5000, 'a')).c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  // The dashboard: one page, the libraries and its script inline.
  res = client_->Get("/ui");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(res->body.find("vegaEmbed"), std::string::npos);
  EXPECT_NE(res->body.find("/v1/recommend"), std::string::npos);
  EXPECT_EQ(res->body.find("KAIROS_APP"), std::string::npos);  // placeholders replaced
}

// The dashboard in headless Chromium: the key is asked for before the first write, three clicked
// events change the recommendations shown, and they equal /v1/recommend for that session.
TEST_F(ServerTest, DashboardPlaygroundInABrowser) {
  const std::filesystem::path root(KAIROS_SOURCE_DIR);
  const char* chromium_env = std::getenv("KAIROS_CHROMIUM");
  const std::string chromium = chromium_env != nullptr ? chromium_env : "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium))
    GTEST_SKIP() << chromium << " is not installed (scripts/setup installs it)";
  if (!std::filesystem::exists(root / "web/node_modules/playwright-core"))
    GTEST_SKIP()
        << "web/node_modules/playwright-core is missing (scripts/setup runs npm ci in web/)";
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
  stop();
  start("k3y-for-the-ui");
  const std::filesystem::path out = std::filesystem::path(KAIROS_TEST_OUTPUT) / "ui";
  std::filesystem::create_directories(out);
  const std::string cmd = "node " + (root / "tests/serve/dashboard_check.mjs").string() +
                          " http://127.0.0.1:" + std::to_string(port_) + " k3y-for-the-ui " +
                          (out / "server-").string() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) output.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << output;
  EXPECT_NE(output.find("\"errors\":[]"), std::string::npos) << output;
  EXPECT_TRUE(std::filesystem::exists(out / "server-dashboard.png"));
}

TEST_F(ServerTest, AnnRetrievalServesWhatExactRetrievalServes) {
  const std::string events = R"([{"session_id":"s","item_id":"i3","ts":1000},
                                  {"session_id":"s","item_id":"i14","ts":2000}])";
  const std::string ask =
      R"({"session_id":"s","k":8,"exclude_seen":true,"filter":{"categories":["c2"]}})";
  post("/v1/events", events);
  const json exact = post("/v1/recommend", ask);
  stop();
  start("", "ann");
  post("/v1/events", events);
  const json ann = post("/v1/recommend", ask);
  ASSERT_EQ(ann["items"].size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(ann["items"][i]["item_id"], exact["items"][i]["item_id"]);
    EXPECT_NEAR(ann["items"][i]["score"].get<double>(), exact["items"][i]["score"].get<double>(),
                1e-4);
    EXPECT_NE(ann["items"][i]["item_id"], "i3");  // exclude_seen
    EXPECT_NE(ann["items"][i]["item_id"], "i14");
    EXPECT_EQ(ann["items"][i]["category"], "c2");  // the filter
  }
  auto similar = client_->Get("/v1/items/i3/similar?k=5");
  ASSERT_EQ(similar->status, 200);
  EXPECT_EQ(json::parse(similar->body)["items"].size(), 5u);
}

// The score of a live session for a category: the session-decay model, by hand. Items 1-2 are
// in category 1, item 3 in category 2; the session 1, 3, 2 (last event age 0).
TEST(SessionAudience, ScoreIsTheSessionDecayCategoryProbability) {
  const std::vector<uint32_t> item_category = {0, 1, 1, 2};
  const std::vector<uint32_t> session = {1, 3, 2};
  SessionAudienceOptions o;  // decay 0.7, gamma 1
  const double prior = 0.25;
  // In category 1: ages 2 and 0 -> 0.49 + 1; all: 0.49 + 0.7 + 1.
  EXPECT_NEAR(session_category_interest(session, item_category, 1, prior, o),
              (1.49 + 0.25) / (2.19 + 1.0), 1e-12);
  EXPECT_NEAR(session_category_interest(session, item_category, 2, prior, o),
              (0.7 + 0.25) / (2.19 + 1.0), 1e-12);
  o.window = 1;  // only the last event is read
  EXPECT_NEAR(session_category_interest(session, item_category, 2, prior, o), 0.25 / 2.0, 1e-12);
}

// POST /v1/audiences {"category": ...}: the live sessions (and users) drawn to a category now,
// views included, best first; sessions without an event in it are not candidates. Works without
// customer data; it lists shoppers' ids, so it needs the API key (403 when none is set, 401
// without it); bad requests get 400, an unknown category 404.
TEST_F(ServerTest, AudiencesRankLiveSessionsForACategory) {
  post("/v1/audiences", R"({"category": "c1"})", 403);
  stop();
  start("sesame");
  const httplib::Headers key = {{"X-API-Key", "sesame"}};
  post("/v1/audiences", R"({"category": "c1"})", 401);
  // i1..i20 are in c1, i21..i40 in c2 (the planted dataset).
  post("/v1/events", R"([{"session_id":"a","item_id":"i3","ts":1000},
                         {"session_id":"a","item_id":"i5","ts":2000},
                         {"session_id":"a","item_id":"i22","ts":3000},
                         {"session_id":"b","item_id":"i25","ts":1000},
                         {"session_id":"b","item_id":"i4","ts":2000,"type":"cart"},
                         {"session_id":"c","item_id":"i30","ts":1000},
                         {"session_id":"c","item_id":"i31","ts":2000},
                         {"user_id":"u7","item_id":"i2","ts":1000}])",
       200, key);
  const json r = post("/v1/audiences", R"({"category": "c1", "k": 10})", 200, key);
  EXPECT_EQ(r["model"], "session-decay");
  EXPECT_EQ(r["candidates"], 4);
  EXPECT_EQ(r["matched"], 3);
  ASSERT_EQ(r["sessions"].size(), 3u) << r.dump();
  // u7 only saw c1; b's last event is in c1; a's last is not.
  EXPECT_EQ(r["sessions"][0]["user_id"], "u7");
  EXPECT_EQ(r["sessions"][1]["session_id"], "b");
  EXPECT_EQ(r["sessions"][2]["session_id"], "a");
  EXPECT_EQ(r["sessions"][2]["events"], 3);
  EXPECT_EQ(r["sessions"][2]["events_in_category"], 2);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_LT(r["sessions"][i]["score"].get<double>(), r["sessions"][i - 1]["score"].get<double>());
  }
  const json c2 = post("/v1/audiences", R"({"category": "c2", "k": 1})", 200, key);
  ASSERT_EQ(c2["sessions"].size(), 1u);
  EXPECT_EQ(c2["sessions"][0]["session_id"], "c");
  post("/v1/audiences", R"({"category": "c9"})", 404, key);
  post("/v1/audiences", R"({"category": 3})", 400, key);
  post("/v1/audiences", R"({"category": "c1", "k": 0})", 400, key);
  post("/v1/audiences", R"({"category": "c1", "segment": "x"})", 400, key);
}

// Sessions built under the previous model (before a reload) are read through their external ids:
// the same audience, the same scores.
TEST_F(ServerTest, LiveSessionAudiencesSurviveAReload) {
  stop();
  start("sesame");
  const httplib::Headers key = {{"X-API-Key", "sesame"}};
  post("/v1/events", R"([{"session_id":"a","item_id":"i3","ts":1000},
                         {"session_id":"a","item_id":"i22","ts":2000},
                         {"session_id":"b","item_id":"i4","ts":1000}])",
       200, key);
  const json before = post("/v1/audiences", R"({"category": "c1"})", 200, key);
  post("/admin/reload", R"({"model":"v2"})", 200, key);
  const json after = post("/v1/audiences", R"({"category": "c1"})", 200, key);
  ASSERT_EQ(after["sessions"].size(), 2u) << after.dump();
  EXPECT_EQ(after["sessions"], before["sessions"]);
}

// POST /v1/audiences: customers ranked for a product's attributes from a transactions file given
// at start; bad requests get 400 with the reason, and without the file the route says so (404).
TEST_F(ServerTest, AudiencesRankCustomersForAProductsAttributes) {
  post("/v1/audiences", R"({"item": {"text": "RED LANTERN"}})", 404);
  stop();
  const std::string file = tmp_->file("retail.csv");
  std::ofstream(file) << "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,"
                         "CustomerID,Country\n"
                         "1,A,RED LANTERN,1,2011-01-01 10:00:00,2.5,100,UK\n"
                         "2,A,RED LANTERN,2,2011-01-02 10:00:00,2.5,100,UK\n"
                         "3,B,BLUE TEACUP,1,2011-01-02 10:00:00,1.5,200,UK\n"
                         "4,C,GREEN LANTERN,1,2011-01-03 10:00:00,2.0,300,UK\n";
  ServeOptions o;
  o.model_dir = tmp_->file("v1");
  o.port = 0;
  o.customers_file = file;
  o.customers_format = "online-retail";
  server_ = std::make_unique<Server>(o);
  port_ = server_->bind();
  thread_ = std::thread([this] { server_->run(); });
  client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  for (int i = 0; i < 200 && !client_->Get("/healthz"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const json r =
      post("/v1/audiences", R"({"item": {"text": "NEW LANTERN, LARGE", "price": 3}, "k": 2})");
  EXPECT_EQ(r["model"], "token-affinity");
  EXPECT_EQ(r["candidates"], 3);
  ASSERT_EQ(r["customers"].size(), 2u);
  // Lantern buyers first: 100 and 300 (the teacup buyer after them).
  std::vector<std::string> top = {r["customers"][0]["customer_id"],
                                  r["customers"][1]["customer_id"]};
  std::sort(top.begin(), top.end());
  EXPECT_EQ(top, (std::vector<std::string>{"100", "300"}));
  post("/v1/audiences", R"({"item": {"price": 3}})", 400);
  post("/v1/audiences", R"({"item": {"text": "X"}, "k": 0})", 400);
  post("/v1/audiences", R"({"item": {"text": "X", "colour": "red"}})", 400);
  post("/v1/audiences", R"({"item": {"text": "X", "price": -1}})", 400);
  const json bad = post("/v1/audiences", "{\"item\": {\"text\": \"\xff\"}}", 400);
  EXPECT_TRUE(bad.contains("error"));
  // /v1/predict adds a known user's customer profile (BG/NBD return propensity, product words).
  const json known = post("/v1/predict", R"({"user_id": "100"})");
  ASSERT_TRUE(known.contains("customer")) << known.dump();
  EXPECT_EQ(known["customer"]["known"], true);
  EXPECT_EQ(known["customer"]["purchase_days"], 2);
  EXPECT_EQ(known["customer"]["last_purchase"], "2011-01-02");
  EXPECT_GT(known["customer"]["p_alive"].get<double>(), 0.0);
  EXPECT_LE(known["customer"]["p_return"].get<double>(),
            known["customer"]["p_alive"].get<double>());
  EXPECT_EQ(known["customer"]["top_words"][0], "LANTERN");
  EXPECT_EQ(post("/v1/predict", R"({"user_id": "999"})")["customer"]["known"], false);
}

}  // namespace
}  // namespace kairos
