// kairos predict: the interest profile of arbitrary sessions — top-K next items, and with
// --interest the category distribution, purchase probability and next-action distribution — from
// trained artifacts, through the serving engine (serve/engine.h): the same functions and the same
// JSON as the server's POST /v1/predict. Unknown items are reported and skipped, never fatal.
//   kairos predict --model DIR [--interest DIR] --items a,b,c [--types view,cart,view] --k 20
//   kairos predict --model DIR --input sessions.txt   (one session per line -> JSON lines)
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/parse_values.h"
#include "core/error.h"
#include "core/event_type.h"
#include "models/factory.h"
#include "serve/engine.h"

namespace kairos::cli {
namespace {

struct PredictFlags {
  std::string model, interest, items, types, input, retrieval = "exact";
  size_t k = 20;
  bool exclude_seen = false, json = false;
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

nlohmann::json profile_of(const ServedModel& m, const std::vector<std::string>& ids,
                          const std::vector<uint8_t>& types, const PredictFlags& f) {
  std::vector<std::string> unknown;
  const auto state = stateless_state(m, ids, types, &unknown);
  ProfileRequest r;
  r.items.k = f.k;
  r.items.exclude_seen = f.exclude_seen;
  nlohmann::json j = profile_to_json(m, predict_profile(m, *state, r));
  if (!unknown.empty()) j["unknown_items"] = unknown;
  return j;
}

void print_table(const nlohmann::json& p) {
  std::printf("%4s  %-24s  %10s  %s\n", "rank", "item_id", "score", "category");
  int rank = 0;
  for (const auto& it : p["items"]) {
    std::printf("%4d  %-24s  %10.4f  %s\n", ++rank, it["item_id"].get<std::string>().c_str(),
                it["score"].get<double>(), it["category"].get<std::string>().c_str());
  }
  if (p.contains("categories")) {
    std::printf("\n%-24s  %11s\n", "next category", "probability");
    for (const auto& c : p["categories"]) {
      std::printf("%-24s  %11.4f\n", c["category"].get<std::string>().c_str(),
                  c["probability"].get<double>());
    }
  }
  if (p.contains("next_action")) {
    std::printf("\nnext action:");
    for (const auto& [type, prob] : p["next_action"].items())
      std::printf("  %s %.4f", type.c_str(), prob.get<double>());
    std::printf("\n");
  }
  if (p.contains("purchase")) {
    std::printf("\npurchase probability (%s): %.4f\n",
                p["purchase"]["target"].get<std::string>().c_str(),
                p["purchase"]["probability"].get<double>());
  }
}

void run_predict(const PredictFlags& f) {
  KAIROS_CHECK_USAGE(f.items.empty() != f.input.empty(), "give exactly one of --items or --input");
  KAIROS_CHECK_USAGE(f.k > 0, "--k must be positive");
  set_inference_threads(1);
  RetrievalOptions retrieval;
  retrieval.mode = f.retrieval;
  const auto m = load_served_model(f.model, 1, retrieval, f.interest);
  if (!f.items.empty()) {
    const auto ids = split_list(f.items);
    const nlohmann::json p = profile_of(*m, ids, parse_types(f.types, ids.size()), f);
    for (const auto& u : p.value("unknown_items", nlohmann::json::array()))
      std::fprintf(stderr, "kairos: unknown item '%s' skipped\n", u.get<std::string>().c_str());
    if (f.json) {
      std::printf("%s\n", p.dump().c_str());
    } else {
      print_table(p);
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
    nlohmann::json j = profile_of(*m, ids, {}, f);
    unknown += j.value("unknown_items", nlohmann::json::array()).size();
    j["line"] = line_no;
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  std::fprintf(stderr, "kairos: %llu sessions scored, %llu unknown items skipped\n",
               static_cast<unsigned long long>(line_no), static_cast<unsigned long long>(unknown));
}

}  // namespace

void add_predict_command(CLI::App& root) {
  auto f = std::make_shared<PredictFlags>();
  CLI::App* sub = root.add_subcommand(
      "predict", "Interest profile (next items; categories, intent, next action) of sessions");
  sub->add_option("--model", f->model, "Next-item artifact directory (kairos train --out)")
      ->required();
  sub->add_option("--interest", f->interest,
                  "Interest artifact (kairos train --task ...): categories, intent, next action");
  sub->add_option("--items", f->items, "The session's item ids, oldest first, comma-separated");
  sub->add_option("--types", f->types, "Event types of those items (view,cart,fav,buy)");
  sub->add_option("--input", f->input, "File with one session per line (JSON lines out)");
  sub->add_option("--k", f->k, "How many items")->capture_default_str();
  sub->add_option("--retrieval", f->retrieval,
                  "exact | ann | auto (as kairos serve --retrieval; the server's default is auto)")
      ->capture_default_str();
  sub->add_flag("--exclude-seen", f->exclude_seen, "Leave out items already in the session");
  sub->add_flag("--json", f->json, "JSON output for --items (the server's /v1/predict body)");
  sub->callback([f] { run_predict(*f); });
}

}  // namespace kairos::cli
