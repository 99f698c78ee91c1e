// The decay functions of session-rec's sequential rules and V-SKNN, by name:
//   linear, same, div, log, quadratic.
// step_decay(i) weighs a distance i >= 1 (SR: steps between a and b; V-SKNN: how far back the
// query item a neighbour shares lies); position_weight(p, n) weighs position p (1-based) of a
// session of length n (V-SKNN's query weighting). Formulas are session-rec's, quirks included:
// linear step decay turns negative beyond 10 steps, linear position weight is 0 beyond p = 10.
#pragma once

#include <string>

namespace kairos {

enum class Decay { kLinear, kSame, kDiv, kLog, kQuadratic };

// Throws kUsage naming `model` and `key` for an unknown name.
Decay parse_decay(const std::string& name, const char* model, const char* key);

double step_decay(Decay d, double i);
double position_weight(Decay d, double p, double n);

}  // namespace kairos
