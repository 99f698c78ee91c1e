#include "pipeline/synthesize.h"

#include <filesystem>
#include <fstream>
#include <optional>

#include "core/error.h"
#include "core/system.h"
#include "data/atomic_file.h"
#include "models/factory.h"

namespace kairos {

namespace {

// Appends a session to `parts`.
void add_session(DatasetParts& parts, std::span<const uint32_t> items,
                 std::span<const uint8_t> types, std::span<const int64_t> ts, uint32_t user) {
  parts.items.insert(parts.items.end(), items.begin(), items.end());
  parts.types.insert(parts.types.end(), types.begin(), types.end());
  parts.ts.insert(parts.ts.end(), ts.begin(), ts.end());
  parts.users.push_back(user);
  parts.offsets.push_back(parts.items.size());
}

// A synthetic session: views from `start_ms`, one second apart (the synthetic clock's step).
void add_synthetic(DatasetParts& parts, const std::vector<uint32_t>& items, int64_t start_ms) {
  const std::vector<uint8_t> types(items.size(), 0);
  std::vector<int64_t> ts(items.size());
  for (size_t i = 0; i < ts.size(); ++i) ts[i] = start_ms + static_cast<int64_t>(i) * 1000;
  add_session(parts, items, types, ts, 0);
}

// The generator: loaded from r.from_model (its catalogue must be this dataset's), or made and
// fitted on `source`, then saved to r.save_model when asked.
std::unique_ptr<SessionGenerator> generator_for(const SynthesizeRequest& r, const Dataset& data,
                                                const SessionSet& source) {
  namespace fs = std::filesystem;
  if (!r.from_model.empty()) {
    const fs::path dir(r.from_model);
    std::ifstream in(dir / "meta.json");
    KAIROS_CHECK(in.good(), "synth: {} holds no meta.json (not a saved generator)", r.from_model);
    nlohmann::json meta;
    try {
      meta = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      KAIROS_THROW(ErrorKind::kInput, "synth: {}/meta.json: {}", r.from_model, e.what());
    }
    KAIROS_CHECK(meta.value("dataset", "") == data.fingerprint(),
                 "synth: the generator in {} was fitted on dataset {}, not this one ({})",
                 r.from_model, meta.value("dataset", "?"), data.fingerprint());
    auto gen = make_generator(meta.at("generator").get<std::string>(), meta.at("hparams"));
    gen->load_weights((dir / "model.pt").string(), data.num_items());
    return gen;
  }
  auto gen = make_generator(r.generator, r.hparams);
  gen->fit(source, data.num_items());
  if (!r.save_model.empty()) {
    fs::create_directories(r.save_model);
    gen->save_weights((fs::path(r.save_model) / "model.pt").string());
    const nlohmann::json meta = {{"generator", gen->name()},
                                 {"hparams", gen->hparams()},
                                 {"dataset", data.fingerprint()},
                                 {"training", gen->training_report()}};
    write_file_atomic((fs::path(r.save_model) / "meta.json").string(), meta.dump(2) + "\n");
  }
  return gen;
}

}  // namespace

nlohmann::json SynthesizeReport::to_json() const {
  return {{"generator", generator},
          {"training", training},
          {"generation",
           {{"sessions", generation.sessions},
            {"events", generation.events},
            {"redrawn_events", generation.redrawn},
            {"forced_ends", generation.forced_ends},
            {"cut_at_max_length", generation.cut}}},
          {"quality", kairos::to_json(quality)},
          {"seconds", seconds}};
}

SynthesizeReport synthesize(const SynthesizeRequest& r) {
  const Dataset data = Dataset::load(r.data);
  KAIROS_CHECK_USAGE(data.split() != SplitKind::kLeaveOneOut,
                     "synth: session datasets only (train / valid / test sessions), not a "
                     "leave-one-out split");
  Stopwatch watch;
  const SessionSet source = data.train_full();
  KAIROS_CHECK_USAGE(!source.empty(), "synth: the dataset has no training sessions");
  SynthesizeReport report;
  const std::unique_ptr<SessionGenerator> gen = generator_for(r, data, source);
  report.generator = gen->name();
  report.training = gen->training_report();
  std::optional<CopyIndex> guard;
  if (r.max_copy_run > 0) guard.emplace(source, r.max_copy_run);

  const uint64_t n = r.sessions > 0 ? r.sessions : source.size();
  Rng rng(r.seed);
  const std::vector<std::vector<uint32_t>> sessions =
      gen->generate(n, rng, guard ? &*guard : nullptr, &report.generation);

  // train : valid as in the source; synthetic session i starts when source session
  // i * |source| / n did, so time-aware models (STAN, V-STAN) see the real span.
  DatasetParts parts;
  parts.split = data.split();
  parts.item_names = data.items().names();
  parts.category_names = data.categories().names();
  const auto cats = data.item_category();
  parts.item_category.assign(cats.begin(), cats.end());
  const SessionSet valid = data.valid(), test = data.test();
  const uint64_t n_valid =
      valid.empty() ? 0 : std::max<uint64_t>(1, n * valid.size() / source.size());
  for (uint64_t i = 0; i < n; ++i) {
    const SessionView at = source[static_cast<size_t>(i * source.size() / n)];
    add_synthetic(parts, sessions[i], at.ts_ms.empty() ? 0 : at.ts_ms[0]);
  }
  for (size_t s = 0; s < test.size(); ++s) {
    const SessionView v = test[s];
    add_session(parts, v.items, v.types, v.ts_ms, v.user);
  }
  parts.num_train = n - n_valid;
  parts.num_valid = n_valid;
  parts.num_test = test.size();
  parts.num_users = data.num_users();
  report.quality = measure_synthetic(source, sessions, data.num_items(), r.check_runs);
  report.seconds = watch.seconds();
  nlohmann::json stats = {{"synthetic",
                           {{"source", data.fingerprint()},
                            {"generator", report.generator},
                            {"seed", r.seed},
                            {"max_copy_run", r.max_copy_run}}}};
  parts.stats_json = stats.dump();
  std::filesystem::create_directories(r.output);
  Dataset::from_parts(std::move(parts)).save(r.output);
  stats["report"] = report.to_json();
  write_file_atomic((std::filesystem::path(r.output) / "stats.json").string(),
                    stats.dump(2) + "\n");
  if (!r.sessions_file.empty()) {
    std::string text;
    for (const auto& s : sessions) {
      for (size_t i = 0; i < s.size(); ++i) {
        if (i > 0) text += ' ';
        text += data.items().name(s[i]);
      }
      text += '\n';
    }
    write_file_atomic(r.sessions_file, text);
  }
  return report;
}

}  // namespace kairos
