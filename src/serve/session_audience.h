// Live sessions as a campaign audience: the sessions on the server drawn to category C right now,
// from every event they hold — views included, so a shopper who has only browsed counts. The
// score is the session-decay category model of the label tasks (models/labels/label_models.cc,
// docs/TASKS.md "Category interest"): P(next category = C | session) =
//   (sum over the session's events j in C of decay^age(j) + gamma * prior(C)) / (sum over all
//   events of decay^age(j) + gamma),
// age 0 for the last event, prior(C) the share of training events in C (Laplace-smoothed). Only
// sessions with an event in C are candidates (the others' scores would rank session lengths).
// Cost: one pass over the live sessions, at most `window` events each (0.7^50 ~ 2e-8: older
// events no longer move a score).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "serve/http_types.h"
#include "serve/live_sessions.h"
#include "serve/served_model.h"

namespace kairos {

struct SessionAudienceOptions {
  size_t k = 100;
  size_t window = 50;  // most recent events read per session
  double decay = 0.7;  // the session-decay baseline's defaults
  double gamma = 1.0;
};

struct SessionCandidate {
  std::string key;  // the store's key: "session:ID" or "user:ID"
  double score = 0;
  size_t events = 0;  // events read (within the window)
  size_t in_category = 0;
};

struct SessionAudience {
  size_t scanned = 0;                 // live sessions looked at
  size_t matched = 0;                 // of those, with an event in the category
  std::vector<SessionCandidate> top;  // best first
};

// Share of training events in `category` (item_counts of the artifact), Laplace-smoothed.
double category_prior(const ServedModel& m, uint32_t category);

// P(next category = category | items) as above; `item_category` maps item -> category id.
double session_category_interest(std::span<const uint32_t> items,
                                 std::span<const uint32_t> item_category, uint32_t category,
                                 double prior, const SessionAudienceOptions& o);

// The k live sessions most drawn to `category` (an id of m.categories). Throws ApiError(503)
// when the deadline passes mid-scan.
SessionAudience rank_live_sessions(const ServedModel& m, LiveSessions& sessions, uint32_t category,
                                   const SessionAudienceOptions& o, const Deadline& deadline);

}  // namespace kairos
