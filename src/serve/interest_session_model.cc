#include "serve/interest_session_model.h"

#include "core/error.h"

namespace kairos {
namespace {

struct State final : SessionState {
  std::unique_ptr<SessionState> inner;
  std::unique_ptr<InterestState> interest;
  size_t bytes() const override {
    return SessionState::bytes() + sizeof(*this) - sizeof(SessionState) + inner->bytes() +
           interest->bytes();
  }
};

const State& as_state(const SessionState& s) {
  const auto* p = dynamic_cast<const State*>(&s);
  KAIROS_ASSERT(p != nullptr);
  return *p;
}

}  // namespace

InterestSessionModel::InterestSessionModel(std::unique_ptr<SessionModel> next_item,
                                           const Vocab& items,
                                           std::shared_ptr<const InterestArtifact> interest)
    : inner_(std::move(next_item)), interest_(std::move(interest)) {
  KAIROS_CHECK_USAGE(inner_ && interest_ && interest_->model, "interest serving needs both models");
  to_interest_.assign(items.size(), 0);
  for (uint32_t i = 1; i < items.size(); ++i)
    to_interest_[i] = interest_->items.find(items.name(i));
}

InterestOutput InterestSessionModel::interest_of(const SessionState& state) const {
  return interest_->model->predict(*as_state(state).interest);
}

void InterestSessionModel::fit(const Dataset&, const SessionSet&) {
  KAIROS_THROW(ErrorKind::kUsage, "a served model is fitted before it is served");
}

void InterestSessionModel::score(const SessionQuery& query, std::span<float> scores) const {
  inner_->score(query, scores);
}

std::unique_ptr<SessionState> InterestSessionModel::start() const {
  auto s = std::make_unique<State>();
  s->inner = inner_->start();
  s->interest = interest_->model->start();
  return s;
}

void InterestSessionModel::observe(SessionState& state, uint32_t item, uint8_t type,
                                   int64_t ts_ms) const {
  auto& s = dynamic_cast<State&>(state);
  SessionModel::observe(s, item, type, ts_ms);  // the event lists (save_state, exclude_seen)
  inner_->observe(*s.inner, item, type, ts_ms);
  const uint32_t mine = item < to_interest_.size() ? to_interest_[item] : 0;
  if (mine != 0) interest_->model->observe(*s.interest, mine, type);
}

void InterestSessionModel::score(const SessionState& state, std::span<float> scores) const {
  inner_->score(*as_state(state).inner, scores);
}

void InterestSessionModel::score_batch(std::span<const SessionState* const> states,
                                       std::span<float> scores) const {
  std::vector<const SessionState*> inner(states.size());
  for (size_t i = 0; i < states.size(); ++i) inner[i] = as_state(*states[i]).inner.get();
  inner_->score_batch(inner, scores);
}

std::unique_ptr<SessionState> InterestSessionModel::clone_state(const SessionState& state) const {
  const State& from = as_state(state);
  auto s = std::make_unique<State>();
  s->items = from.items;
  s->types = from.types;
  s->ts_ms = from.ts_ms;
  s->inner = inner_->clone_state(*from.inner);
  s->interest = from.interest->clone();
  return s;
}

std::vector<EventAttribution> InterestSessionModel::explain(const SessionState& state,
                                                            uint32_t item, uint32_t num_items,
                                                            size_t max_events) const {
  return inner_->explain(*as_state(state).inner, item, num_items, max_events);
}

std::vector<float> InterestSessionModel::query_vector(const SessionState& state) const {
  return inner_->query_vector(*as_state(state).inner);
}

std::vector<float> InterestSessionModel::interest_vector(const SessionState& state) const {
  return inner_->interest_vector(*as_state(state).inner);
}

}  // namespace kairos
