#include "train/trainer.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/progress.h"
#include "core/system.h"
#include "eval/evaluator.h"
#include "train/early_stopping.h"

namespace kairos {
namespace {

nlohmann::json to_json(const EpochRecord& r) {
  nlohmann::json j = {{"epoch", r.epoch + 1},
                      {"loss", r.loss},
                      {"events", r.events},
                      {"seconds", r.seconds},
                      {"events_per_s", r.events_per_second},
                      {"lr_factor", r.lr_factor},
                      {"best", r.best}};
  if (r.valid_mrr >= 0) {
    j["valid_MRR@20"] = r.valid_mrr;
    j["valid_HR@20"] = r.valid_hr;
    j["valid_seconds"] = r.valid_seconds;
  }
  return j;
}

}  // namespace

nlohmann::json to_json(const TrainSummary& s) {
  nlohmann::json epochs = nlohmann::json::array();
  for (const auto& e : s.epochs) epochs.push_back(to_json(e));
  return {{"best_epoch", s.best_epoch + 1},  // 1-based; 0 = not validated
          {"best_valid_MRR@20", s.best_valid_mrr}, {"best_valid_HR@20", s.best_valid_hr},
          {"train_seconds", s.train_seconds},      {"wall_seconds", s.wall_seconds},
          {"seconds_to_best", s.seconds_to_best},  {"events_per_s", s.events_per_second},
          {"stopped_early", s.stopped_early},      {"epochs", epochs}};
}

TrainSummary run_training(Trainable& t, const Dataset& data, const TrainOptions& o) {
  KAIROS_CHECK_USAGE(o.epochs > 0, "{}: epochs must be positive", o.label);
  const bool validate = o.validate && !data.valid().empty();
  std::ofstream log;
  if (!o.log_path.empty()) {
    log.open(o.log_path, std::ios::app);
    KAIROS_CHECK_IO(log.good(), "cannot open training log {}", o.log_path);
  }
  EarlyStopping stopper(o.patience, o.min_delta);
  TrainSummary s;
  Stopwatch wall;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    EpochRecord r;
    r.epoch = epoch;
    r.lr_factor = o.schedule.factor(epoch, o.epochs);
    {
      ProgressBar bar(fmt::format("{} epoch {}/{}", o.label, epoch + 1, o.epochs),
                      t.events_per_epoch(), "events");
      double loss_sum = 0;
      Stopwatch watch;
      t.train_epoch(epoch, r.lr_factor, [&](const EpochProgress& p) {
        r.events += p.events;
        loss_sum += p.loss_sum;
        bar.add(p.events);
        if (r.events > 0) bar.set_note(fmt::format("loss {:.4f}", loss_sum / r.events));
      });
      r.seconds = watch.seconds();
      r.loss = r.events > 0 ? loss_sum / r.events : 0.0;
      r.events_per_second = r.seconds > 0 ? r.events / r.seconds : 0.0;
      bar.finish();
    }
    s.train_seconds += r.seconds;
    if (validate) {
      eval::EvalOptions eo;
      eo.part = "valid";
      eo.cutoffs = {20};
      eo.bootstrap = 0;
      eo.progress = false;
      eo.threads = o.valid_threads;
      eo.max_cases = o.valid_max_cases;
      const eval::EvalResult v = eval::evaluate(t.model(), data, eo);
      r.valid_mrr = v.metrics.at("MRR@20");
      r.valid_hr = v.metrics.at("HR@20");
      r.valid_seconds = v.eval_seconds;
      r.best = stopper.update(r.valid_mrr);
      if (r.best) {
        t.keep_best();
        s.best_epoch = epoch;
        s.best_valid_mrr = r.valid_mrr;
        s.best_valid_hr = r.valid_hr;
        s.seconds_to_best = wall.seconds();
      }
    }
    spdlog::info("{} epoch {}: loss {:.4f}, {:.0f} events/s, {:.1f} s{}", o.label, epoch + 1,
                 r.loss, r.events_per_second, r.seconds,
                 r.valid_mrr < 0 ? std::string()
                                 : fmt::format(", valid MRR@20 {:.4f} HR@20 {:.4f}{}", r.valid_mrr,
                                               r.valid_hr, r.best ? " (best)" : ""));
    s.epochs.push_back(r);
    if (log.is_open()) log << to_json(r).dump() << '\n' << std::flush;
    if (validate && stopper.should_stop()) {
      s.stopped_early = epoch + 1 < o.epochs;
      break;
    }
  }
  if (validate && s.best_epoch >= 0 && s.best_epoch + 1 != static_cast<int>(s.epochs.size())) {
    t.restore_best();
    spdlog::info("{}: restored the weights of epoch {} (best valid MRR@20 {:.4f})", o.label,
                 s.best_epoch + 1, s.best_valid_mrr);
  }
  if (!validate) s.seconds_to_best = wall.seconds();
  s.wall_seconds = wall.seconds();
  uint64_t events = 0;
  for (const auto& r : s.epochs) events += r.events;
  s.events_per_second = s.train_seconds > 0 ? events / s.train_seconds : 0.0;
  return s;
}

}  // namespace kairos
