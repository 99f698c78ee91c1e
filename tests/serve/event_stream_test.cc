// The event stream for learning (stream/event_stream.h) and the server's use of it:
//  - files: concurrent appends all land, whole and in each writer's order; rotation by size; a
//    reopened stream continues the numbering and never appends to an old file;
//  - the server logs every validated event (unknown items too, reported as new_items) before
//    applying it, and `kairos serve` killed with SIGKILL mid-stream and restarted loses no
//    accepted event;
//  - Redis: XADD through the server, a time window read back with XRANGE, and a consumer group
//    that redelivers what a crashed consumer read but never acknowledged.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "data/prepare.h"
#include "data/test_util.h"
#include "deep/deep_fixtures.h"
#include "models/artifact.h"
#include "models/factory.h"
#include "serve/server.h"
#include "serve/test_processes.h"
#include "stream/event_stream.h"
#include "stream/redis_stream.h"
#include "stream/stream_export.h"

namespace kairos {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Every record in a directory of stream files, in file order.
std::vector<StreamRecord> read_all_records(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<StreamRecord> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    EXPECT_TRUE(std::getline(in, line));
    EXPECT_EQ(line, kStreamHeader) << f;
    while (std::getline(in, line)) {
      StreamRecord r;
      EXPECT_EQ(parse_stream_line(line, &r), "") << f << ": " << line;
      out.push_back(r);
    }
  }
  return out;
}

TEST(FileEventStream, ConcurrentAppendsLandWholeAndInOrderAcrossRotations) {
  test::TempDir dir;
  EventStreamOptions o;
  o.dir = dir.file("log");
  o.rotate_bytes = 4096;
  {
    auto stream = open_file_stream(o);
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&stream, w] {
        for (int b = 0; b < 50; ++b) {
          std::vector<StreamRecord> batch;
          for (int i = 0; i < 3; ++i) {
            batch.push_back({1, 1000 + b * 3 + i, "w" + std::to_string(w), "",
                             "item\t" + std::to_string(b * 3 + i), EventType::kView, ""});
          }
          stream->append(batch);
        }
      });
    }
    for (auto& t : writers) t.join();
  }
  const auto records = read_all_records(o.dir);
  ASSERT_EQ(records.size(), 600u);
  std::map<std::string, int64_t> last;
  for (const auto& r : records) {
    EXPECT_GT(r.ts_ms, last[r.session_id]) << "writer " << r.session_id << " out of order";
    last[r.session_id] = r.ts_ms;
  }
  const size_t files = std::distance(fs::directory_iterator(o.dir), fs::directory_iterator());
  EXPECT_GE(files, 4u);  // ~18 KB in 4 KB files
  // Reopened: the next number, a new file; nothing appended to the old ones.
  {
    open_file_stream(o)->append(
        std::vector<StreamRecord>{{1, 5, "z", "", "i", EventType::kBuy, ""}});
  }
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(o.dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names.size(), files + 1);
  EXPECT_EQ(read_all_records(o.dir).back().session_id, "z");
  EXPECT_EQ(names.back().substr(0, 13), fmt::format("events-{:06}", files + 1));
}

class EventStreamServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new test::TempDir();
    data_ = new Dataset(testing::planted_dataset(300, 20, 20));
    auto m = make_model("gru4rec", testing::tiny_gru4rec({{"n_epochs", 1}}));
    m->fit(*data_, data_->train_full());
    save_artifact(*m, *data_, tmp_->file("model"));
  }
  static void TearDownTestSuite() {
    delete data_;
    delete tmp_;
  }
  static json post(httplib::Client& c, const std::string& body, int expect = 200) {
    auto res = c.Post("/v1/events", body, "application/json");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, expect) << body << " -> " << res->body;
    return json::parse(res->body);
  }
  static test::TempDir* tmp_;
  static Dataset* data_;
};
test::TempDir* EventStreamServerTest::tmp_ = nullptr;
Dataset* EventStreamServerTest::data_ = nullptr;

TEST_F(EventStreamServerTest, LogsValidatedEventsIncludingNewItemsBeforeApplyingThem) {
  test::TempDir dir;
  ServeOptions o;
  o.model_dir = tmp_->file("model");
  o.port = 0;
  o.threads = 2;
  o.event_log_dir = dir.file("log");
  Server server(o);
  const int port = server.bind();
  std::thread t([&] { server.run(); });
  httplib::Client c("127.0.0.1", port);
  const json r = post(c, R"([{"session_id":"s","item_id":"i3","ts":1000,"event_id":"a"},
                           {"session_id":"s","item_id":"brand-new","ts":2000,"event_id":"b"},
                           {"session_id":"s","item_id":"i4","ts":9e15},
                           {"user_id":"u","item_id":"i5","type":"buy"}])");
  EXPECT_EQ(r["accepted"], 2);
  ASSERT_EQ(r["new_items"].size(), 1u);
  EXPECT_EQ(r["new_items"][0]["item_id"], "brand-new");
  EXPECT_EQ(r["rejected"].size(), 1u);  // the far-future time: refused, not logged
  // A retry of "a" is a duplicate for the session, and logged again (the reader drops it).
  EXPECT_EQ(post(c, R"({"session_id":"s","item_id":"i3","ts":1000,"event_id":"a"})")["duplicates"],
            1);
  server.stop();
  t.join();
  const auto records = read_all_records(o.event_log_dir);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].item_id, "brand-new");
  EXPECT_EQ(records[2].user_id, "u");
  EXPECT_EQ(records[2].type, EventType::kBuy);
  EXPECT_GT(records[2].ts_ms, 1'600'000'000'000);  // the server's clock
  // Read back as a dataset: the retry is dropped, the new item is in the vocabulary.
  PrepareOptions p;
  p.read.format = "stream";
  p.inputs = {o.event_log_dir};
  p.min_item_support = 1;
  p.min_session_length = 1;
  const PrepareResult prepared = prepare(p);
  EXPECT_EQ(prepared.stats.events_read, 3u);
  EXPECT_NE(prepared.dataset.items().find("brand-new"), 0u);
}

TEST_F(EventStreamServerTest, NothingAcceptedIsLostWhenTheServerIsKilledAndRestarted) {
  test::TempDir dir;
  const std::string log_dir = dir.file("log");
  std::set<std::string> accepted;
  int next = 0;
  for (int life = 0; life < 2; ++life) {
    const int port = free_port();
    ServeProcess proc({"--quiet", "serve", "--model", tmp_->file("model"), "--port",
                       std::to_string(port), "--threads", "4", "--event-log", log_dir},
                      dir.file("serve" + std::to_string(life) + ".log"));
    httplib::Client c("127.0.0.1", port);
    bool ready = false;
    for (int i = 0; i < 500 && !ready; ++i) {
      auto res = c.Get("/readyz");
      ready = res && res->status == 200;
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(ready) << "see " << dir.file("serve" + std::to_string(life) + ".log");
    // Four clients post concurrently; the process is killed (SIGKILL) while they are posting.
    std::mutex mu;
    std::vector<std::thread> clients;
    for (int k = 0; k < 4; ++k) {
      clients.emplace_back([&, k] {
        httplib::Client cc("127.0.0.1", port);
        for (int b = 0; b < 25; ++b) {
          json batch = json::array();
          std::vector<std::string> ids;
          for (int i = 0; i < 4; ++i) {
            std::string id;
            {
              std::lock_guard lock(mu);
              id = "e" + std::to_string(next++);
            }
            ids.push_back(id);
            batch.push_back({{"session_id", "s" + std::to_string(k) + "-" + std::to_string(life)},
                             {"item_id", "i" + std::to_string(1 + (b + i) % 15)},
                             {"event_id", id}});
          }
          auto res = cc.Post("/v1/events", batch.dump(), "application/json");
          if (!res || res->status != 200) break;  // killed
          std::lock_guard lock(mu);
          accepted.insert(ids.begin(), ids.end());
        }
      });
    }
    const size_t target = 200 * (life + 1);  // half of this life's 400 events
    for (int i = 0; i < 2000; ++i) {
      {
        std::lock_guard lock(mu);
        if (accepted.size() >= target) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    proc.stop(SIGKILL);
    for (auto& th : clients) th.join();
  }
  ASSERT_GE(accepted.size(), 400u);
  std::set<std::string> logged;
  for (const auto& r : read_all_records(log_dir)) logged.insert(r.event_id);
  for (const auto& id : accepted) EXPECT_TRUE(logged.count(id)) << id << " accepted but not logged";
}

TEST_F(EventStreamServerTest, RedisStreamWindowAndConsumerGroup) {
  if (redis_server_binary().empty()) GTEST_SKIP() << "redis-server not installed (scripts/setup)";
  test::TempDir dir;
  fs::create_directories(dir.file("redis"));
  RedisProcess redis(dir.file("redis"), free_port());
  ASSERT_TRUE(redis.start());
  const std::string address = "127.0.0.1:" + std::to_string(redis.port());
  ServeOptions o;
  o.model_dir = tmp_->file("model");
  o.port = 0;
  o.threads = 2;
  o.event_stream_redis = address;
  o.event_stream_key = "test:events";
  {
    Server server(o);
    const int port = server.bind();
    std::thread t([&] { server.run(); });
    httplib::Client c("127.0.0.1", port);
    for (int i = 0; i < 30; ++i) {
      post(c, json({{"session_id", "s" + std::to_string(i / 3)},
                    {"item_id", i == 29 ? "new item" : "i" + std::to_string(1 + i % 10)},
                    {"event_id", std::to_string(i)}})
                  .dump());
    }
    server.stop();
    t.join();
  }
  const RedisStreamSource source = parse_redis_stream_url("redis://" + address + "/test:events");
  const ExportCounts window = export_window(source, 0, INT64_MAX, dir.file("window.tsv"));
  EXPECT_EQ(window.entries, 30u);
  PrepareOptions p;
  p.read.format = "stream";
  p.inputs = {dir.file("window.tsv")};
  p.min_item_support = 1;
  EXPECT_EQ(prepare(p).stats.events_read, 30u);
  EXPECT_EQ(export_window(source, 0, 1, dir.file("empty.tsv")).entries, 0u);

  // A consumer reads 10 entries and "crashes" before acknowledging: the archiver (same consumer
  // name) gets them again, then the rest; a second run finds nothing new.
  {
    RedisStreamReader crashed(source.address, source.key);
    crashed.create_group("archive");
    EXPECT_EQ(
        crashed.read_group("archive", "archiver-1", 10, std::chrono::milliseconds(100)).size(),
        10u);
  }
  ArchiveOptions a;
  a.files.dir = dir.file("archive");
  a.block = std::chrono::milliseconds(100);
  EXPECT_EQ(archive_group(source, a).entries, 30u);
  EXPECT_EQ(archive_group(source, a).entries, 0u);
  const auto archived = read_all_records(a.files.dir);
  ASSERT_EQ(archived.size(), 30u);
  EXPECT_EQ(archived.back().item_id, "new item");
}

}  // namespace
}  // namespace kairos
