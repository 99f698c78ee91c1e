#include "train/trainer.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/mallctl.h"
#include "core/progress.h"
#include "core/system.h"
#include "eval/classification/binary_metrics.h"
#include "eval/evaluator.h"
#include "eval/label_evaluator.h"
#include "tasks/intent_targets.h"
#include "train/early_stopping.h"
#include "train/interrupt.h"

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
  }
  if (!r.valid_metric.empty()) {
    j["valid_" + r.valid_metric] = r.valid_value;
    j["valid_seconds"] = r.valid_seconds;
  }
  return j;
}

// The task's validation scalar of the model being trained; next-item also fills MRR/HR@20.
double validate_epoch(const Trainable& t, const Dataset& data, const TrainOptions& o,
                      EpochRecord* r) {
  const ValidationMetric m = validation_metric(o.task);
  r->valid_metric = m.name;
  if (o.task == Task::kNextItem) {
    eval::EvalOptions eo;
    eo.part = "valid";
    eo.cutoffs = {20};
    eo.bootstrap = 0;
    eo.progress = false;
    eo.threads = o.valid_threads;
    eo.max_cases = o.valid_max_cases;
    const eval::EvalResult v = eval::evaluate(t.model(), data, eo);
    r->valid_mrr = v.metrics.at("MRR@20");
    r->valid_hr = v.metrics.at("HR@20");
    r->valid_seconds = v.eval_seconds;
    return v.metrics.at(m.name);
  }
  if (o.task == Task::kIntent) {
    const SequenceIntentModel* m_intent = t.intent_model();
    KAIROS_CHECK_USAGE(m_intent != nullptr, "{}: an intent model must expose itself", o.label);
    Stopwatch watch;
    const SessionSet valid = data.valid();
    const auto cases = intent_cases(valid, t.intent_within(), 1, o.valid_max_cases);
    KAIROS_CHECK(!cases.empty(), "{}: the validation part has no intent case", o.label);
    std::vector<double> p(cases.size());
    std::vector<int> y(cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
      p[i] = m_intent->predict(valid[cases[i].session], cases[i].prefix);
      y[i] = t.intent_target() == IntentTarget::kConverts ? cases[i].converts : cases[i].within_n;
    }
    r->valid_seconds = watch.seconds();
    return eval::log_loss(p, y);
  }
  KAIROS_CHECK_USAGE(t.label_model() != nullptr && t.labels() != nullptr,
                     "{}: a {} model must expose its label model", o.label, task_name(o.task));
  eval::LabelEvalOptions lo;
  lo.part = "valid";
  lo.cutoffs = {1};
  lo.bootstrap = 0;
  lo.progress = false;
  lo.threads = o.valid_threads;
  lo.max_cases = o.valid_max_cases;
  const eval::LabelEvalResult v = eval::evaluate_labels(*t.label_model(), *t.labels(), data, lo);
  r->valid_seconds = v.eval_seconds;
  KAIROS_CHECK(v.cases > 0, "{}: the validation part has no {} case", o.label, task_name(o.task));
  return v.metrics.at(m.name);
}

}  // namespace

const SessionModel& Trainable::model() const {
  KAIROS_THROW(ErrorKind::kUsage, "this trainable model is not a next-item model");
}

nlohmann::json to_json(const TrainSummary& s) {
  nlohmann::json epochs = nlohmann::json::array();
  for (const auto& e : s.epochs) epochs.push_back(to_json(e));
  nlohmann::json j = {{"best_epoch", s.best_epoch + 1},  // 1-based; 0 = not validated
                      {"train_seconds", s.train_seconds},
                      {"wall_seconds", s.wall_seconds},
                      {"seconds_to_best", s.seconds_to_best},
                      {"events_per_s", s.events_per_second},
                      {"stopped_early", s.stopped_early},
                      {"interrupted", s.interrupted},
                      {"epochs", epochs}};
  if (s.best_valid_mrr >= 0 || s.valid_metric.empty()) {  // next-item (or not validated)
    j["best_valid_MRR@20"] = s.best_valid_mrr;
    j["best_valid_HR@20"] = s.best_valid_hr;
  }
  if (!s.valid_metric.empty()) {
    j["valid_metric"] = s.valid_metric;
    j["best_valid_" + s.valid_metric] = s.best_valid_value;
  }
  return j;
}

TrainSummary run_training(Trainable& t, const Dataset& data, const TrainOptions& o) {
  Validator v;
  if (o.validate && !data.valid().empty()) {
    v = [&](EpochRecord* r) { return validate_epoch(t, data, o, r); };
  }
  return run_training(t, v, o);
}

TrainSummary run_training(Trainable& t, const Validator& validator, const TrainOptions& o) {
  KAIROS_CHECK_USAGE(o.epochs > 0, "{}: epochs must be positive", o.label);
  const bool validate = o.validate && static_cast<bool>(validator);
  std::ofstream log;
  if (!o.log_path.empty()) {
    log.open(o.log_path, std::ios::app);
    KAIROS_CHECK_IO(log.good(), "cannot open training log {}", o.log_path);
  }
  EarlyStopping stopper(o.patience, o.min_delta);
  TrainSummary s;
  Stopwatch wall;
  const TrainingInterrupt interrupt(o.interruptible);
  for (int epoch = 0; epoch < o.epochs && !s.interrupted; ++epoch) {
    EpochRecord r;
    r.epoch = epoch;
    r.lr_factor = o.schedule.factor(epoch, o.epochs);
    {
      ProgressBar bar(fmt::format("{} epoch {}/{}", o.label, epoch + 1, o.epochs),
                      t.events_per_epoch(), "events");
      double loss_sum = 0;
      Stopwatch watch;
      t.begin_epoch(epoch, r.lr_factor);
      EpochProgress p;
      uint64_t batches = 0;
      while (t.forward_backward(&p)) {
        t.apply_update();
        note_training_step();
        r.events += p.events;
        loss_sum += p.loss_sum;
        bar.add(p.events);
        if (++batches % 32 == 0 && r.events > 0) {
          bar.set_note(fmt::format("loss {:.4f}", loss_sum / r.events));
        }
        p = {};
        if (interrupt.requested()) {
          s.interrupted = true;
          break;
        }
      }
      t.end_epoch();
      if (s.interrupted) {  // a partial epoch: not validated, not recorded
        s.train_seconds += watch.seconds();
        spdlog::warn("{}: interrupted in epoch {}; keeping the best validated epoch", o.label,
                     epoch + 1);
        break;
      }
      r.seconds = watch.seconds();
      r.loss = r.events > 0 ? loss_sum / r.events : 0.0;
      r.events_per_second = r.seconds > 0 ? r.events / r.seconds : 0.0;
      bar.finish();
    }
    s.train_seconds += r.seconds;
    if (validate) {
      r.valid_metric = validation_metric(o.task).name;
      r.valid_value = validator(&r);
      const bool higher = validation_metric(o.task).higher_is_better;
      r.best = stopper.update(higher ? r.valid_value : -r.valid_value);
      if (r.best) {
        t.keep_best();
        s.best_epoch = epoch;
        s.best_valid_mrr = r.valid_mrr;
        s.best_valid_hr = r.valid_hr;
        s.valid_metric = r.valid_metric;
        s.best_valid_value = r.valid_value;
        s.seconds_to_best = wall.seconds();
      }
    }
    spdlog::info("{} epoch {}: loss {:.4f}, {:.0f} events/s, {:.1f} s{}", o.label, epoch + 1,
                 r.loss, r.events_per_second, r.seconds,
                 r.valid_metric.empty() ? std::string()
                 : r.valid_mrr >= 0     ? fmt::format(", valid MRR@20 {:.4f} HR@20 {:.4f}{}",
                                                      r.valid_mrr, r.valid_hr, r.best ? " (best)" : "")
                                        : fmt::format(", valid {} {:.4f}{}", r.valid_metric,
                                                      r.valid_value, r.best ? " (best)" : ""));
    s.epochs.push_back(r);
    if (log.is_open()) log << to_json(r).dump() << '\n' << std::flush;
    if (validate && stopper.should_stop()) {
      s.stopped_early = epoch + 1 < o.epochs;
      break;
    }
  }
  if (validate && s.best_epoch >= 0 &&
      (s.interrupted || s.best_epoch + 1 != static_cast<int>(s.epochs.size()))) {
    t.restore_best();
    spdlog::info("{}: restored the weights of epoch {} (best valid {} {:.4f})", o.label,
                 s.best_epoch + 1, s.valid_metric, s.best_valid_value);
  }
  if (!validate) s.seconds_to_best = wall.seconds();
  s.wall_seconds = wall.seconds();
  uint64_t events = 0;
  for (const auto& r : s.epochs) events += r.events;
  s.events_per_second = s.train_seconds > 0 ? events / s.train_seconds : 0.0;
  return s;
}

}  // namespace kairos
