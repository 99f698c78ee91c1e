#include "models/baselines/decay.h"

#include <cmath>

#include "core/error.h"

namespace kairos {

Decay parse_decay(const std::string& name, const char* model, const char* key) {
  if (name == "linear") return Decay::kLinear;
  if (name == "same") return Decay::kSame;
  if (name == "div") return Decay::kDiv;
  if (name == "log") return Decay::kLog;
  if (name == "quadratic") return Decay::kQuadratic;
  KAIROS_THROW(ErrorKind::kUsage, "{}: {} must be linear, same, div, log or quadratic, not '{}'",
               model, key, name);
}

double step_decay(Decay d, double i) {
  switch (d) {
    case Decay::kLinear:
      return i <= 100 ? 1.0 - 0.1 * i : 0.0;
    case Decay::kSame:
      return 1.0;
    case Decay::kDiv:
      return 1.0 / i;
    case Decay::kLog:
      return 1.0 / std::log10(i + 1.7);
    case Decay::kQuadratic:
      return 1.0 / (i * i);
  }
  return 1.0;
}

double position_weight(Decay d, double p, double n) {
  switch (d) {
    case Decay::kLinear:
      return p <= 10 ? 1.0 - 0.1 * (n - p) : 0.0;
    case Decay::kSame:
      return 1.0;
    case Decay::kDiv:
      return p / n;
    case Decay::kLog:
      return 1.0 / std::log10((n - p) + 1.7);
    case Decay::kQuadratic:
      return (p / n) * (p / n);
  }
  return 1.0;
}

}  // namespace kairos
