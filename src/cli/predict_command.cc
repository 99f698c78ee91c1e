// kairos predict: top-K next items for arbitrary sessions from a trained artifact. Items are
// external ids; unknown ones are reported and skipped, never fatal.
//   kairos predict --model DIR --items a,b,c [--types view,cart] --k 20
//   kairos predict --model DIR --input sessions.txt   (one session per line -> JSON lines)
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/parse_values.h"
#include "core/error.h"
#include "core/event_type.h"
#include "index/top_k.h"
#include "models/artifact.h"

namespace kairos::cli {
namespace {

struct PredictFlags {
  std::string model, items, types, input;
  size_t k = 20;
  bool exclude_seen = false, json = false;
};

struct Prediction {
  std::vector<std::string> unknown;
  std::vector<ScoredItem> top;
};

class Predictor {
 public:
  explicit Predictor(Artifact a) : a_(std::move(a)), scores_(a_.num_items()) {}

  Prediction predict(const std::vector<std::string>& ids, const std::vector<uint8_t>& types,
                     size_t k, bool exclude_seen) {
    Prediction p;
    std::vector<uint32_t> items;
    std::vector<uint8_t> kept_types;
    for (size_t i = 0; i < ids.size(); ++i) {
      const uint32_t item = a_.items.find(ids[i]);
      if (item == 0) {
        p.unknown.push_back(ids[i]);
        continue;
      }
      items.push_back(item);
      if (!types.empty()) kept_types.push_back(types[i]);
    }
    a_.model->score(SessionQuery{items, kept_types, {}, 0}, scores_);
    p.top = top_k(scores_, k,
                  exclude_seen ? std::span<const uint32_t>(items) : std::span<const uint32_t>());
    return p;
  }

  nlohmann::json to_json(const Prediction& p) const {
    nlohmann::json recs = nlohmann::json::array();
    for (const auto& s : p.top) {
      recs.push_back({{"item_id", a_.items.name(s.item)},
                      {"score", s.score},
                      {"category", a_.item_categories[s.item]}});
    }
    return {{"items", recs}, {"unknown", p.unknown}};
  }

  const Artifact& artifact() const { return a_; }

 private:
  Artifact a_;
  std::vector<float> scores_;
};

std::vector<uint8_t> parse_types(const std::string& s, size_t n) {
  std::vector<uint8_t> out;
  if (s.empty()) return out;
  for (const auto& t : split_list(s)) {
    const auto type = parse_event_type(t);
    KAIROS_CHECK_USAGE(type.has_value(), "--types: unknown event type '{}' (view, cart, fav, buy)",
                       t);
    out.push_back(static_cast<uint8_t>(*type));
  }
  KAIROS_CHECK_USAGE(out.size() == n, "--types has {} entries for {} items", out.size(), n);
  return out;
}

void run_predict(const PredictFlags& f) {
  KAIROS_CHECK_USAGE(f.items.empty() != f.input.empty(), "give exactly one of --items or --input");
  KAIROS_CHECK_USAGE(f.k > 0, "--k must be positive");
  Predictor p(load_artifact(f.model));
  if (!f.items.empty()) {
    const auto ids = split_list(f.items);
    const Prediction r = p.predict(ids, parse_types(f.types, ids.size()), f.k, f.exclude_seen);
    for (const auto& u : r.unknown)
      std::fprintf(stderr, "kairos: unknown item '%s' skipped\n", u.c_str());
    if (f.json) {
      std::printf("%s\n", p.to_json(r).dump().c_str());
      return;
    }
    std::printf("%4s  %-24s  %10s  %s\n", "rank", "item_id", "score", "category");
    for (size_t i = 0; i < r.top.size(); ++i) {
      const auto& s = r.top[i];
      std::printf("%4zu  %-24s  %10.4f  %s\n", i + 1, p.artifact().items.name(s.item).c_str(),
                  s.score, p.artifact().item_categories[s.item].c_str());
    }
    return;
  }
  // Batch: one session per line, item ids separated by spaces, tabs or commas.
  std::ifstream in(f.input);
  KAIROS_CHECK_IO(in.good(), "cannot open {}", f.input);
  std::string line;
  uint64_t line_no = 0, unknown = 0;
  while (std::getline(in, line)) {
    ++line_no;
    for (char& c : line) {
      if (c == ',' || c == '\t') c = ' ';
    }
    std::vector<std::string> ids;
    for (const auto& tok : split_list(line, ' ')) {
      if (!tok.empty()) ids.push_back(tok);
    }
    nlohmann::json j = p.to_json(p.predict(ids, {}, f.k, f.exclude_seen));
    unknown += j["unknown"].size();
    j["line"] = line_no;
    std::printf("%s\n", j.dump().c_str());
  }
  std::fprintf(stderr, "kairos: %llu sessions scored, %llu unknown items skipped\n",
               static_cast<unsigned long long>(line_no), static_cast<unsigned long long>(unknown));
}

}  // namespace

void add_predict_command(CLI::App& root) {
  auto f = std::make_shared<PredictFlags>();
  CLI::App* sub =
      root.add_subcommand("predict", "Top-K next items for sessions from a trained model");
  sub->add_option("--model", f->model, "Model artifact directory (kairos train --out)")->required();
  sub->add_option("--items", f->items, "The session's item ids, oldest first, comma-separated");
  sub->add_option("--types", f->types, "Event types of those items (view,cart,fav,buy)");
  sub->add_option("--input", f->input, "File with one session per line (JSON lines out)");
  sub->add_option("--k", f->k, "How many items")->capture_default_str();
  sub->add_flag("--exclude-seen", f->exclude_seen, "Leave out items already in the session");
  sub->add_flag("--json", f->json, "JSON output for --items");
  sub->callback([f] { run_predict(*f); });
}

}  // namespace kairos::cli
