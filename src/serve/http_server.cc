#include "serve/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <optional>
#include <thread>

#include "core/error.h"
#include "serve/api_request.h"
#include "serve/worker_pool.h"

namespace kairos {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

void Deadline::check() const {
  if (passed()) throw ApiError(503, "request deadline exceeded; retry later");
}

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

const std::string* HttpRequest::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; `plus_is_space` for query strings. Malformed escapes are kept as they are.
std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? s.size() - start : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::string json_error(std::string_view reason) {
  std::string out = R"({"error":")";
  for (char c : reason) {  // reasons here are fixed ASCII text; escape the JSON specials anyway
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out += "\"}";
  return out;
}

HttpResponse error_response(int status, std::string_view reason) {
  HttpResponse r;
  r.status = status;
  r.body = json_error(reason);
  if (status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "*" = any one segment
  HttpServer::Handler fn;
  HttpServer::Run run;
  HttpServer::Guard guard;
};

}  // namespace

struct HttpServer::Impl {
  HttpLimits limits;
  std::vector<Route> routes;
  RejectHook reject_hook;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};
  std::atomic<bool> draining{false};
  std::atomic<bool> aborting{false};  // drain deadline passed: handlers stop at their next check
  std::unique_ptr<WorkerPool> pool;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::optional<net::signal_set> signals;
  net::steady_timer drain_timer{ioc};
  Clock::time_point drain_until;

  explicit Impl(HttpLimits l) : limits(l) {
    pool = std::make_unique<WorkerPool>(limits.workers, limits.queue_capacity);
  }
  ~Impl() { pool->stop(); }

  void reject(int status, const char* reason) {
    if (reject_hook) reject_hook(status, reason);
  }

  // The route for (method, segments): the route, or null with `status` 404 / 405.
  const Route* match(std::string_view method, const std::vector<std::string>& segs,
                     std::vector<std::string>& captures, int& status) const {
    status = 404;
    for (const Route& r : routes) {
      if (r.segments.size() != segs.size()) continue;
      bool ok = true;
      captures.clear();
      for (size_t i = 0; i < segs.size() && ok; ++i) {
        if (r.segments[i] == "*") {
          ok = !segs[i].empty();
          captures.push_back(segs[i]);
        } else {
          ok = r.segments[i] == segs[i];
        }
      }
      if (!ok) continue;
      if (r.method == method) return &r;
      status = 405;
    }
    return nullptr;
  }

  void accept();
  void begin_drain();
  void check_drained();
};

namespace {

// One client connection: reads requests one at a time (keep-alive), hands each to its route and
// writes the reply. Everything here runs on the connection's strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer::Impl* srv)
      : stream_(std::move(socket)), buffer_(srv->limits.header_bytes + 64 * 1024), srv_(srv) {}
  ~Connection() {
    srv_->connections.fetch_sub(1);
    if (counted_) srv_->in_flight.fetch_sub(1);
  }

  void start() { wait_for_request(); }

  void refuse_overloaded() {
    srv_->reject(503, "connections");
    write(error_response(503, "too many connections; retry later"), false);
  }

 private:
  const HttpLimits& limits() const { return srv_->limits; }

  // Keep-alive: wait idle_timeout for a request's first bytes; the request then has
  // request_timeout for its headers and body together.
  void wait_for_request() {
    if (srv_->draining) return close();
    if (buffer_.size() > 0) return read_header();
    stream_.expires_after(limits().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(limits().header_bytes));
    parser_->body_limit(limits().body_bytes);
    stream_.expires_after(limits().request_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
      return fail(431, "request headers too large", "header_bytes");
    if (ec == http::error::body_limit) return fail(413, "payload too large", "body_bytes");
    if (ec == beast::error::timeout) return fail(408, "request not received in time", "timeout");
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted)
      return close();
    if (ec) return fail(400, "malformed HTTP request", "malformed");
    const auto& h = parser_->get();
    if (static_cast<size_t>(std::distance(h.begin(), h.end())) > limits().max_headers)
      return fail(431, "too many request headers", "header_count");
    if (const auto enc = h[http::field::content_encoding];
        !enc.empty() && !beast::iequals(enc, "identity"))
      return fail(415, "compressed request bodies are not accepted (Content-Encoding)",
                  "content_encoding");
    if (const auto len = parser_->content_length(); len && *len > limits().body_bytes)
      return fail(413, "payload too large", "body_bytes");

    req_ = HttpRequest{};
    req_.method = std::string(h.method_string());
    const std::string_view target(h.target().data(), h.target().size());
    const size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    if (path.empty() || path.front() != '/') return fail(400, "malformed request target", "target");
    std::vector<std::string> segs;
    for (auto s : split(path.substr(1), '/')) segs.push_back(percent_decode(s, false));
    req_.path = percent_decode(path, false);
    if (q != std::string_view::npos) {
      for (auto kv : split(target.substr(q + 1), '&')) {
        if (kv.empty()) continue;
        const size_t eq = kv.find('=');
        req_.query.emplace_back(
            percent_decode(kv.substr(0, eq), true),
            eq == std::string_view::npos ? std::string() : percent_decode(kv.substr(eq + 1), true));
      }
    }
    for (const auto& f : h) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      req_.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    int status = 404;
    route_ = srv_->match(req_.method, segs, req_.captures, status);
    if (route_ == nullptr)
      return fail(status, status == 404 ? "no such route" : "method not allowed",
                  status == 404 ? "no_route" : "method");
    if (route_->guard) {
      try {
        route_->guard(req_);
      } catch (const ApiError& e) {
        return fail(e.status(), e.what(), "guard");
      }
    }
    if (parser_->is_done()) return on_body({});
    if (beast::iequals(h[http::field::expect], "100-continue")) {
      auto cont =
          std::make_shared<http::response<http::empty_body>>(http::status::continue_, h.version());
      return http::async_write(stream_, *cont,
                               [self = shared_from_this(), cont](beast::error_code e, size_t) {
                                 if (e) return self->close();
                                 self->read_body();
                               });
    }
    read_body();
  }

  void read_body() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) return fail(413, "payload too large", "body_bytes");
    if (ec == beast::error::timeout) return fail(408, "request not received in time", "timeout");
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted)
      return close();
    if (ec) return fail(400, "malformed HTTP request body", "malformed");
    stream_.expires_never();
    keep_alive_ = parser_->get().keep_alive();
    req_.body = std::move(parser_->get().body());
    parser_.reset();
    const auto arrived = Clock::now();
    req_.deadline = Deadline(arrived + limits().handler_timeout, &srv_->aborting);
    srv_->in_flight.fetch_add(1);
    counted_ = true;
    if (route_->run == HttpServer::Run::kInline) {
      HttpResponse res;
      run_handler(*route_, req_, res);
      return write(std::move(res), keep_alive_);
    }
    auto self = shared_from_this();
    const Route* route = route_;
    auto task = [self, route, req = std::move(req_)]() mutable {
      auto res = std::make_shared<HttpResponse>();
      if (req.deadline.passed()) {
        *res = error_response(503, "server busy: the request waited past its deadline");
        self->srv_->reject(503, "queue_deadline");
      } else {
        run_handler(*route, req, *res);
      }
      net::post(self->stream_.get_executor(),
                [self, res] { self->write(std::move(*res), self->keep_alive_); });
    };
    if (!srv_->pool->try_submit(std::move(task))) {
      srv_->reject(503, "queue_full");
      write(error_response(503, "server busy; retry later"), keep_alive_);
    }
  }

  static void run_handler(const Route& route, const HttpRequest& req, HttpResponse& res) {
    try {
      route.fn(req, res);
    } catch (const ApiError& e) {
      res = error_response(e.status(), e.what());
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", req.method, req.path, e.what());
      res = error_response(500, "internal error");
    }
  }

  // A reply that ends the connection (the request's body, if any, was not read).
  void fail(int status, const char* reason, const char* label) {
    srv_->reject(status, label);
    write(error_response(status, reason), false);
  }

  void write(HttpResponse r, bool keep_alive) {
    keep_alive = keep_alive && !srv_->draining;
    auto res = std::make_shared<http::response<http::string_body>>();
    res->result(static_cast<unsigned>(r.status));
    res->version(11);
    res->set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(limits().write_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                        self->done_request();
                        if (ec) return self->close();
                        if (!keep_alive) return self->linger();
                        self->wait_for_request();
                      });
  }

  void done_request() {
    if (counted_) {
      counted_ = false;
      srv_->in_flight.fetch_sub(1);
    }
  }

  // After a reply that closes the connection: stop sending, then read and discard what the
  // client still sends (up to 1 s / 1 MiB) so that it sees the reply rather than a reset.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(std::chrono::seconds(1));
    discard();
  }
  void discard() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(16 * 1024),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ > (1u << 20)) return self->close();
                              self->discard();
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  HttpServer::Impl* srv_;  // outlives every connection (owns the io_context)
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest req_;
  const Route* route_ = nullptr;
  bool keep_alive_ = true;
  bool counted_ = false;
  size_t discarded_ = 0;
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [self = this](beast::error_code ec, tcp::socket s) {
    if (self->draining) return;
    if (ec) {
      if (ec == net::error::operation_aborted) return;
      // e.g. EMFILE: wait a little instead of spinning on the error.
      spdlog::warn("accept: {}", ec.message());
      auto t = std::make_shared<net::steady_timer>(self->ioc, std::chrono::milliseconds(50));
      t->async_wait([self, t](beast::error_code) { self->accept(); });
      return;
    }
    beast::error_code nodelay_ec;
    s.set_option(tcp::no_delay(true), nodelay_ec);  // small JSON replies: no Nagle stalls
    const size_t n = self->connections.fetch_add(1) + 1;
    auto c = std::make_shared<Connection>(std::move(s), self);
    if (n > self->limits.max_connections) {
      c->refuse_overloaded();
    } else {
      c->start();
    }
    self->accept();
  });
}

void HttpServer::Impl::begin_drain() {
  if (draining.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  if (signals) signals->cancel(ec);
  drain_until = Clock::now() + limits.drain_timeout;
  spdlog::info("draining: {} request(s) in flight", in_flight.load());
  check_drained();
}

void HttpServer::Impl::check_drained() {
  if (in_flight.load() == 0 || Clock::now() >= drain_until) {
    if (in_flight.load() > 0) {
      spdlog::warn("drain deadline passed with {} request(s) in flight; stopping them",
                   in_flight.load());
    }
    aborting = true;
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([this](beast::error_code) { check_drained(); });
}

HttpServer::HttpServer(HttpLimits limits) : impl_(std::make_unique<Impl>(limits)) {
  KAIROS_CHECK_USAGE(limits.io_threads > 0, "http: io threads must be positive");
}

HttpServer::~HttpServer() {
  impl_->aborting = true;
  impl_->pool->stop();
}

void HttpServer::route(std::string method, std::string pattern, Handler fn, Run run, Guard guard) {
  KAIROS_CHECK_USAGE(!pattern.empty() && pattern.front() == '/', "route '{}' must start with /",
                     pattern);
  Route r{std::move(method), {}, std::move(fn), run, std::move(guard)};
  for (auto s : split(std::string_view(pattern).substr(1), '/')) r.segments.emplace_back(s);
  impl_->routes.push_back(std::move(r));
}

void HttpServer::on_reject(RejectHook hook) { impl_->reject_hook = std::move(hook); }

int HttpServer::bind(const std::string& host, int port) {
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  KAIROS_CHECK_USAGE(!ec, "cannot use '{}' as a listening address: {}", host, ec.message());
  const tcp::endpoint ep(address, static_cast<uint16_t>(port));
  Impl& i = *impl_;
  i.acceptor.open(ep.protocol(), ec);
  KAIROS_CHECK_IO(!ec, "cannot open a socket: {}", ec.message());
  i.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  i.acceptor.bind(ep, ec);
  KAIROS_CHECK_IO(!ec, "cannot bind {}:{}: {}", host, port, ec.message());
  i.acceptor.listen(net::socket_base::max_listen_connections, ec);
  KAIROS_CHECK_IO(!ec, "cannot listen on {}:{}: {}", host, port, ec.message());
  return i.acceptor.local_endpoint().port();
}

void HttpServer::handle_signals() {
  Impl& i = *impl_;
  i.signals.emplace(i.ioc, SIGINT, SIGTERM);
  i.signals->async_wait([self = impl_.get()](beast::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: stopping", sig);
    self->begin_drain();
  });
}

void HttpServer::run() {
  Impl& i = *impl_;
  i.accept();
  std::vector<std::thread> extra;
  for (int t = 1; t < i.limits.io_threads; ++t) extra.emplace_back([&i] { i.ioc.run(); });
  i.ioc.run();
  for (auto& t : extra) t.join();
  i.aborting = true;
  i.pool->stop();
}

void HttpServer::stop() {
  net::post(impl_->ioc, [self = impl_.get()] { self->begin_drain(); });
}

size_t HttpServer::in_flight() const { return impl_->in_flight.load(); }

}  // namespace kairos
