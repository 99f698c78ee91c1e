#include "data/synth/shop.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/error.h"
#include "core/progress.h"
#include "data/atomic_file.h"

namespace kairos::synth {
namespace {

// Relative shopping activity per local hour: a quiet night, a lunch bump, an evening peak.
constexpr std::array<double, 24> kHourWeight = {0.90, 0.50, 0.30, 0.20, 0.15, 0.15, 0.25, 0.45,
                                                0.70, 0.90, 1.00, 1.05, 1.10, 1.05, 1.00, 1.00,
                                                1.05, 1.10, 1.20, 1.40, 1.60, 1.75, 1.70, 1.30};

struct Row {
  int64_t ts;
  uint32_t item;
  uint8_t type;
};

// One shopper: long-term tastes (a few leaf categories, mostly under one top-level category).
struct Shopper {
  std::vector<uint32_t> tastes;
  std::vector<double> taste_cdf;
  uint32_t pick(Rng& rng) const {
    const double x = rng.uniform() * taste_cdf.back();
    const size_t i = std::upper_bound(taste_cdf.begin(), taste_cdf.end(), x) - taste_cdf.begin();
    return tastes[std::min(i, tastes.size() - 1)];
  }
};

class Generator {
 public:
  Generator(const ShopOptions& o, const Catalogue& c)
      : o_(o), c_(c), hours_(std::vector<double>(kHourWeight.begin(), kHourWeight.end())) {}

  // Appends user u's rows (time-ordered) to `rows`; returns the number of sessions.
  uint64_t user_rows(uint32_t u, double mean_sessions, std::vector<Row>* rows) {
    Rng rng = Rng::derive(o_.seed, u + 1);
    const Shopper s = make_shopper(rng);
    // Heavy-tailed activity: most users shop a little, a few a lot.
    const double activity = rng.lognormal(-0.5, 1.0);
    const uint64_t sessions = 1 + rng.geometric(1.0 / (1.0 + mean_sessions * activity));
    rows->clear();
    for (uint64_t k = 0; k < sessions; ++k) session_rows(s, rng, rows);
    std::stable_sort(rows->begin(), rows->end(),
                     [](const Row& a, const Row& b) { return a.ts < b.ts; });
    return sessions;
  }

 private:
  Shopper make_shopper(Rng& rng) const {
    Shopper s;
    const uint32_t home = c_.parent_of(c_.sample_leaf(rng));
    const uint64_t n = 1 + rng.below(4);
    for (uint64_t i = 0; i < n; ++i) {
      // Mostly siblings under the home category, sometimes anything popular.
      s.tastes.push_back(rng.bernoulli(0.75) ? c_.sample_leaf_under(home, rng)
                                             : c_.sample_leaf(rng));
      const double w = rng.exponential(1.0) + 0.05;
      s.taste_cdf.push_back((s.taste_cdf.empty() ? 0.0 : s.taste_cdf.back()) + w);
    }
    return s;
  }

  int64_t session_start(Rng& rng) const {
    const int64_t day = static_cast<int64_t>(rng.below(static_cast<uint64_t>(o_.days)));
    const int64_t local_hour = hours_.sample(rng);
    // start_s is the instant of local midnight of the first day, so offsets are local times.
    return o_.start_s + day * 86400 + local_hour * 3600 + static_cast<int64_t>(rng.below(3600));
  }

  uint32_t intent(const Shopper& s, Rng& rng) const {
    return rng.bernoulli(o_.tastes_share) ? s.pick(rng) : c_.sample_leaf(rng);
  }

  // The intent drifts: to a sibling leaf, or to a new interest.
  uint32_t drifted_leaf(const Shopper& s, uint32_t leaf, Rng& rng) const {
    return rng.bernoulli(0.5) ? c_.sample_leaf_under(c_.parent_of(leaf), rng) : intent(s, rng);
  }

  // A re-view (with probability `repeat`, favouring the most recent items) or an item of `leaf`.
  uint32_t next_item(const std::vector<uint32_t>& seen, uint32_t leaf, Rng& rng) const {
    if (!seen.empty() && rng.bernoulli(o_.repeat)) {
      const uint64_t back = std::min<uint64_t>(rng.geometric(0.5), seen.size() - 1);
      return seen[seen.size() - 1 - back];
    }
    return c_.sample_item(leaf, rng);
  }

  // A view at `t` and what may follow it: a cart (kept in `carted`), a fav, a direct buy.
  void view_rows(int64_t t, uint32_t item, double cart, double direct_buy, Rng& rng,
                 std::vector<uint32_t>* carted, std::vector<Row>* rows) const {
    rows->push_back({t, item, 0});
    if (rng.bernoulli(cart)) {
      rows->push_back({t + 1 + static_cast<int64_t>(rng.below(20)), item, 1});
      carted->push_back(item);
    }
    if (rng.bernoulli(o_.fav))
      rows->push_back({t + 1 + static_cast<int64_t>(rng.below(20)), item, 2});
    if (rng.bernoulli(direct_buy))
      rows->push_back({t + 5 + static_cast<int64_t>(rng.below(120)), item, 3});
  }

  void session_rows(const Shopper& s, Rng& rng, std::vector<Row>* rows) const {
    if (o_.buying_mode > 0) return session_rows_with_modes(s, rng, rows);
    int64_t t = session_start(rng);
    const uint64_t views = 1 + rng.geometric(1.0 / std::max(1.0, o_.session_length));
    uint32_t leaf = intent(s, rng);
    std::vector<uint32_t> seen, carted;
    const double gap_mu = std::log(o_.gap_median_s);
    for (uint64_t v = 0; v < views; ++v) {
      if (v > 0) {
        t += 1 + static_cast<int64_t>(std::min(1800.0, rng.lognormal(gap_mu, 1.0)));
        if (rng.bernoulli(o_.drift)) leaf = drifted_leaf(s, leaf, rng);
      }
      const uint32_t item = next_item(seen, leaf, rng);
      view_rows(t, item, o_.cart, o_.direct_buy, rng, &carted, rows);
      seen.push_back(item);
    }
    // Check-out: some carted items are bought at the end of the session.
    for (uint32_t item : carted) {
      const bool drifted = c_.leaf_of(item) != leaf;
      if (rng.bernoulli(o_.buy_after_cart * (drifted ? 1.0 - o_.abandon_on_drift : 1.0))) {
        t += 10 + static_cast<int64_t>(rng.below(300));
        rows->push_back({t, item, 3});
      }
    }
  }

  // A session driven by a hidden browse / buy mode (docs/SYNTH.md, "Shopping modes"). Browsing:
  // the views, drift and carts above, the session ends with probability 1 / session_length per
  // view. Per view a browser commits to buying with probability `buying_mode`; a buyer lapses
  // back with kLapse. Buying: no drift, kBuyCart x the cart rate, re-views of carted items, direct
  // buys, and check-out near (kBuyEnd per view). At the end each carted item is bought with
  // kEndBuying x buy_after_cart if the shopper is still buying, with kEndBrowsing x it otherwise.
  // So whether a purchase is ahead is the mode now (and what was carted), which the order of the
  // recent events shows and the prefix's counts blur.
  static constexpr double kStartBuying = 0.15, kLapse = 0.15, kBuyCart = 3.0, kRevisitCarted = 0.35,
                          kBuyEnd = 0.2, kEndBuying = 2.5, kEndBrowsing = 1.0 / 6.0,
                          kBuyDirect = 5.0;

  void session_rows_with_modes(const Shopper& s, Rng& rng, std::vector<Row>* rows) const {
    int64_t t = session_start(rng);
    uint32_t leaf = intent(s, rng);
    bool buying = rng.bernoulli(kStartBuying);
    std::vector<uint32_t> seen, carted;
    const double gap_mu = std::log(o_.gap_median_s);
    const double browse_end = 1.0 / std::max(1.0, o_.session_length);
    for (uint64_t v = 0;; ++v) {
      if (v > 0) {
        if (rng.bernoulli(buying ? kBuyEnd : browse_end)) break;
        buying = buying ? !rng.bernoulli(kLapse) : rng.bernoulli(o_.buying_mode);
        t += 1 + static_cast<int64_t>(std::min(1800.0, rng.lognormal(gap_mu, 1.0)));
        if (!buying && rng.bernoulli(o_.drift)) leaf = drifted_leaf(s, leaf, rng);
      }
      const uint32_t item = buying && !carted.empty() && rng.bernoulli(kRevisitCarted)
                                ? carted[rng.below(carted.size())]
                                : next_item(seen, leaf, rng);
      view_rows(t, item, std::min(1.0, o_.cart * (buying ? kBuyCart : 1.0)),
                buying ? std::min(1.0, o_.direct_buy * kBuyDirect) : 0.0, rng, &carted, rows);
      seen.push_back(item);
    }
    const double p = std::min(1.0, o_.buy_after_cart * (buying ? kEndBuying : kEndBrowsing));
    for (uint32_t item : carted) {
      if (rng.bernoulli(p)) {
        t += 10 + static_cast<int64_t>(rng.below(300));
        rows->push_back({t, item, 3});
      }
    }
  }

  const ShopOptions& o_;
  const Catalogue& c_;
  Sampler hours_;
};

// Buffered output to a plain file, stdout or a gzip stream.
class Output {
 public:
  explicit Output(const std::string& path) : path_(path) {
    if (path == "-") return;
    gzip_ = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    tmp_ = path + ".tmp";
    if (gzip_) {
      gz_ = gzopen(tmp_.c_str(), "wb6");
      KAIROS_CHECK_IO(gz_ != nullptr, "cannot write {}", tmp_);
    } else {
      file_ = std::fopen(tmp_.c_str(), "wb");
      KAIROS_CHECK_IO(file_ != nullptr, "cannot write {}", tmp_);
    }
  }
  ~Output() {
    if (file_ != nullptr) std::fclose(file_);
    if (gz_ != nullptr) gzclose(gz_);
    if (!committed_ && !tmp_.empty()) std::remove(tmp_.c_str());
  }
  fmt::memory_buffer& buffer() { return buf_; }
  void flush_if_full() {
    if (buf_.size() >= (1 << 20)) flush();
  }
  void flush() {
    if (buf_.size() == 0) return;
    bool ok;
    if (gz_ != nullptr) {
      ok = gzwrite(gz_, buf_.data(), static_cast<unsigned>(buf_.size())) ==
           static_cast<int>(buf_.size());
    } else {
      std::FILE* f = file_ != nullptr ? file_ : stdout;
      ok = std::fwrite(buf_.data(), 1, buf_.size(), f) == buf_.size();
    }
    KAIROS_CHECK_IO(ok, "write failed: {}", path_ == "-" ? "stdout" : tmp_);
    buf_.clear();
  }
  void commit() {
    flush();
    if (path_ == "-") {
      std::fflush(stdout);
      return;
    }
    if (gz_ != nullptr) {
      KAIROS_CHECK_IO(gzclose(gz_) == Z_OK, "cannot finish {}", tmp_);
      gz_ = nullptr;
    } else {
      KAIROS_CHECK_IO(std::fclose(file_) == 0, "cannot finish {}", tmp_);
      file_ = nullptr;
    }
    KAIROS_CHECK_IO(std::rename(tmp_.c_str(), path_.c_str()) == 0, "cannot rename {} to {}", tmp_,
                    path_);
    committed_ = true;
  }

 private:
  std::string path_, tmp_;
  bool gzip_ = false, committed_ = false;
  std::FILE* file_ = nullptr;
  gzFile gz_ = nullptr;
  fmt::memory_buffer buf_;
};

constexpr std::array<const char*, 4> kTaobaoTypes = {"pv", "cart", "fav", "buy"};

void write_tree(const Catalogue& c, const std::string& path) {
  std::string text = "category_id,parent_id\n";
  for (uint32_t l = 0; l < c.num_leaves(); ++l) {
    text += fmt::format("{},{}\n", c.leaf_id(l), c.top_id(c.parent_of(l)));
  }
  write_file_atomic(path, text);
}

}  // namespace

ShopOptions resolve_sizes(ShopOptions o) {
  KAIROS_CHECK_USAGE(o.events >= 1, "--events must be at least 1");
  KAIROS_CHECK_USAGE(o.days >= 1, "--days must be at least 1");
  KAIROS_CHECK_USAGE(o.abandon_on_drift >= 0 && o.abandon_on_drift <= 1,
                     "--abandon-on-drift must be in [0, 1]");
  KAIROS_CHECK_USAGE(o.buying_mode >= 0 && o.buying_mode <= 1, "--buying-mode must be in [0, 1]");
  const double n = static_cast<double>(o.events);
  // Taobao UserBehavior: ~100 rows per user, ~24 rows per item, ~10k leaf categories at 100M.
  if (o.users == 0) o.users = static_cast<uint32_t>(std::clamp(n / 100.0, 10.0, 4e9));
  if (o.items == 0) o.items = static_cast<uint32_t>(std::clamp(n / 24.0, 100.0, 4e9));
  if (o.categories == 0) {
    o.categories = static_cast<uint32_t>(std::clamp(std::sqrt(n) / 1.0, 20.0, 10000.0));
    o.categories = std::min(o.categories, std::max<uint32_t>(20, o.items / 5));
  }
  if (o.top_categories == 0) {
    o.top_categories = std::clamp<uint32_t>(o.categories / 30, 3, 300);
  }
  o.top_categories = std::min(o.top_categories, o.categories);
  return o;
}

ShopStats write_shop(const ShopOptions& options, const std::string& path) {
  const ShopOptions o = resolve_sizes(options);
  CatalogueOptions co;
  co.items = o.items;
  co.categories = o.categories;
  co.top_categories = o.top_categories;
  co.item_zipf = o.item_zipf;
  const Catalogue catalogue(co, o.seed);
  if (!o.category_tree_path.empty()) write_tree(catalogue, o.category_tree_path);

  Generator gen(o, catalogue);
  Output out(path);
  ShopStats st;
  st.items = o.items;
  st.categories = o.categories;
  st.top_categories = o.top_categories;
  // Mean sessions per user so that users * sessions * rows-per-session ~ events.
  const double rows_per_session =
      o.session_length * (1.0 + o.cart * (1.0 + o.buy_after_cart) + o.fav + o.direct_buy);
  // Sessions per user are 1 + geometric with mean `mean_sessions` x activity (activity has mean 1).
  const double mean_sessions =
      std::max(0.5, static_cast<double>(o.events) / o.users / rows_per_session - 1.0);
  ProgressBar bar("synth", o.events, "events");
  std::vector<Row> rows;
  for (uint64_t u = 0; st.events < o.events; ++u) {
    // Users beyond `users` keep coming until the row budget is spent (few when sizes are derived).
    st.sessions += gen.user_rows(static_cast<uint32_t>(u), mean_sessions, &rows);
    const uint64_t user_id = u + 1;
    const uint64_t take = std::min<uint64_t>(rows.size(), o.events - st.events);
    for (uint64_t i = 0; i < take; ++i) {
      const Row& r = rows[i];
      const uint32_t leaf = catalogue.leaf_of(r.item);
      fmt::format_to(std::back_inserter(out.buffer()), "{},{},{},{},{}\n", user_id,
                     catalogue.item_id(r.item), catalogue.leaf_id(leaf), kTaobaoTypes[r.type],
                     r.ts);
      ++st.per_type[r.type];
    }
    st.events += take;
    st.users += take > 0 ? 1 : 0;
    bar.add(take);
    out.flush_if_full();
  }
  out.commit();
  bar.finish();
  return st;
}

}  // namespace kairos::synth
