// The HTTP layer against hostile and careless clients, over loopback with raw sockets: bodies over
// the limit however framed, compressed bodies, header floods, slow clients, a full work queue,
// deadlines, guards checked before the body is read, and a draining shutdown.
#include "serve/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "serve/api_request.h"
#include "serve/raw_http.h"

namespace kairos {
namespace {

using namespace std::chrono_literals;
using test::RawConnection;

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpLimits l) {
    server_ = std::make_unique<HttpServer>(l);
    server_->route(
        "POST", "/echo",
        [this](const HttpRequest& r, HttpResponse& res) {
          ++handled_;
          res.body = std::to_string(r.body.size());
        },
        HttpServer::Run::kWorker,
        [](const HttpRequest& r) {
          if (r.header("x-deny") == "1") throw ApiError(401, "denied");
        });
    server_->route("POST", "/sleep", [](const HttpRequest& r, HttpResponse& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(*r.param("ms"))));
      res.body = "slept";
    });
    server_->route("POST", "/spin", [this](const HttpRequest& r, HttpResponse&) {
      ++spinning_;
      for (;;) {
        r.deadline.check();
        std::this_thread::sleep_for(1ms);
      }
    });
    // A reply of `n` bytes counting 0..9 over and over (a worker's reply larger than a socket
    // send buffer).
    server_->route("POST", "/big", [](const HttpRequest& r, HttpResponse& res) {
      const size_t n = std::stoul(*r.param("n"));
      res.body.resize(n);
      for (size_t i = 0; i < n; ++i) res.body[i] = static_cast<char>('0' + i % 10);
    });
    server_->route("GET", "/items/*/similar",
                   [](const HttpRequest& r, HttpResponse& res) { res.body = r.captures.at(0); });
    server_->route(
        "GET", "/healthz", [](const HttpRequest&, HttpResponse& res) { res.body = "ok"; },
        HttpServer::Run::kInline);
    server_->on_reject([this](int status, const char*) {
      if (status == 503) ++shed_;
    });
    port_ = server_->bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
  }

  std::string request(const std::string& raw) {
    RawConnection c(port_);
    EXPECT_TRUE(c.ok());
    c.send(raw);
    return c.receive();
  }
  static std::string post(const std::string& path, const std::string& body,
                          const std::string& extra = "") {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\n" + extra +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> handled_{0}, spinning_{0}, shed_{0};
};

TEST_F(HttpServerTest, ChunkedBodiesAreCutOffAtTheLimit) {
  HttpLimits l;
  l.body_bytes = 64 * 1024;
  start(l);
  RawConnection c(port_);
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk(16 * 1024, 'a');
  size_t sent = 0;
  for (int i = 0; i < 64 && c.send("4000\r\n" + chunk + "\r\n"); ++i) sent += chunk.size();
  const std::string r = c.receive();
  EXPECT_EQ(RawConnection::status(r), 413) << r;
  EXPECT_EQ(handled_.load(), 0);
  // Within the limit, chunked bodies are fine.
  const std::string ok = request(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
      "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(RawConnection::status(ok), 200) << ok;
  EXPECT_NE(ok.find("\r\n\r\n5"), std::string::npos);
}

TEST_F(HttpServerTest, AnnouncedLengthOverTheLimitIsRefusedBeforeTheBody) {
  HttpLimits l;
  l.body_bytes = 1000;
  start(l);
  RawConnection c(port_);
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n");
  EXPECT_EQ(RawConnection::status(c.receive()), 413);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, CompressedBodiesAreRefusedNotInflated) {
  start({});
  for (const char* enc : {"gzip", "br", "deflate", "GZIP"}) {
    const std::string r = request(post("/echo", std::string("\x1f\x8b\x08\x00", 4),
                                       "Content-Encoding: " + std::string(enc) + "\r\n"));
    EXPECT_EQ(RawConnection::status(r), 415) << enc << ": " << r;
    EXPECT_NE(r.find("Content-Encoding"), std::string::npos);
  }
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_EQ(RawConnection::status(request(post("/echo", "{}", "Content-Encoding: identity\r\n"))),
            200);
}

TEST_F(HttpServerTest, HeaderFloodsGet431) {
  HttpLimits l;
  l.max_headers = 20;
  l.header_bytes = 4096;
  start(l);
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 30; ++i) many += "X-" + std::to_string(i) + ": y\r\n";
  EXPECT_EQ(RawConnection::status(request(many + "\r\n")), 431);
  const std::string big =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'b') + "\r\n\r\n";
  EXPECT_EQ(RawConnection::status(request(big)), 431);
  EXPECT_EQ(RawConnection::status(request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
}

TEST_F(HttpServerTest, SlowClientsCannotStarveHealthOrWork) {
  HttpLimits l;
  l.workers = 2;
  l.request_timeout = 800ms;
  start(l);
  // 70 connections that send half a request line and then nothing.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 70; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(slow.back()->ok());
    slow.back()->send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Le");
  }
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(RawConnection::status(request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
  EXPECT_EQ(RawConnection::status(request(post("/echo", "{}"))), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  // Whole-request deadline: a client trickling one header byte every 100 ms is cut off.
  RawConnection trickle(port_);
  trickle.send("GET /healthz HTTP/1.1\r\n");
  const auto started = std::chrono::steady_clock::now();
  bool cut = false;
  for (int i = 0; i < 40 && !cut; ++i) {
    cut = !trickle.send("X");
    std::this_thread::sleep_for(100ms);
    cut = cut || trickle.closed_within(1ms);
  }
  EXPECT_TRUE(cut);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
}

// A worker's reply larger than the socket's send buffer, to a client that reads it only later,
// arrives whole and in order under the write timeout, and the connection goes on serving.
TEST_F(HttpServerTest, AReplyLargerThanTheSendBufferArrivesWholeAndTheConnectionGoesOn) {
  HttpLimits l;
  l.workers = 2;
  start(l);
  RawConnection c(port_);
  ASSERT_TRUE(c.ok());
  const size_t n = 16u << 20;
  ASSERT_TRUE(c.send(post("/big?n=" + std::to_string(n), "")));
  std::this_thread::sleep_for(300ms);  // the server fills the socket buffers and waits
  const std::string big = c.receive(10000ms);
  ASSERT_EQ(RawConnection::status(big), 200);
  const size_t body = big.find("\r\n\r\n") + 4;
  ASSERT_EQ(big.size() - body, n);
  bool intact = true;
  for (size_t i = 0; i < n && intact; ++i)
    intact = big[body + i] == static_cast<char>('0' + i % 10);
  EXPECT_TRUE(intact);
  ASSERT_TRUE(c.send(post("/echo", "abc")));
  const std::string next = c.receive();
  EXPECT_EQ(RawConnection::status(next), 200);
  EXPECT_EQ(next.substr(next.find("\r\n\r\n") + 4), "3");
}

TEST_F(HttpServerTest, AFullQueueShedsWith503AndRetryAfterWhileHealthAnswers) {
  HttpLimits l;
  l.workers = 1;
  l.queue_capacity = 2;
  start(l);
  std::vector<std::unique_ptr<RawConnection>> busy;
  for (int i = 0; i < 6; ++i) {  // 1 running + 2 queued + 3 shed
    busy.push_back(std::make_unique<RawConnection>(port_));
    busy.back()->send(post("/sleep?ms=600", ""));
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(RawConnection::status(request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
  int ok = 0, shed = 0;
  for (auto& c : busy) {
    const std::string r = c->receive(5000ms);
    if (RawConnection::status(r) == 200) ++ok;
    if (RawConnection::status(r) == 503) {
      ++shed;
      EXPECT_NE(r.find("Retry-After: 1"), std::string::npos) << r;
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(shed, 3);
  EXPECT_EQ(shed_.load(), 3);
}

TEST_F(HttpServerTest, WorkStopsAtTheRequestDeadline) {
  HttpLimits l;
  l.handler_timeout = 300ms;
  start(l);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string r = request(post("/spin", ""));
  EXPECT_EQ(RawConnection::status(r), 503) << r;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(HttpServerTest, GuardsRunBeforeTheBodyIsRead) {
  HttpLimits l;
  l.request_timeout = 5s;
  start(l);
  // The body is announced but never sent: the guard answers from the headers alone.
  RawConnection c(port_);
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nX-Deny: 1\r\nContent-Length: 500\r\n\r\n");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(RawConnection::status(c.receive()), 401);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(RawConnection::status(request("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")), 404);
  EXPECT_EQ(RawConnection::status(request("DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n")), 405);
  EXPECT_EQ(RawConnection::status(request("garbage\r\n\r\n")), 400);
}

TEST_F(HttpServerTest, PathSegmentsArePercentDecoded) {
  start({});
  const std::string r = request("GET /items/a%2Fb%20c/similar HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(RawConnection::status(r), 200);
  EXPECT_NE(r.find("\r\n\r\na/b c"), std::string::npos) << r;
}

TEST_F(HttpServerTest, StopDrainsInFlightRequestsThenAbortsAtTheDeadline) {
  HttpLimits l;
  l.drain_timeout = 400ms;
  l.handler_timeout = 60s;
  start(l);
  RawConnection sleeper(port_), spinner(port_);
  sleeper.send(post("/sleep?ms=200", ""));
  spinner.send(post("/spin", ""));
  while (spinning_.load() == 0) std::this_thread::sleep_for(1ms);
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  thread_.join();
  const auto took = std::chrono::steady_clock::now() - t0;
  server_.reset();
  EXPECT_EQ(RawConnection::status(sleeper.receive(1000ms)), 200);  // drained, not dropped
  EXPECT_GE(took, 350ms);  // the spinning request held the drain until its deadline
  EXPECT_LT(took, 3s);
}

}  // namespace
}  // namespace kairos
