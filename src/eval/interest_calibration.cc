#include "eval/interest_calibration.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "eval/label_evaluator.h"

namespace kairos::eval {
namespace {

double temperature_of(const nlohmann::json& j, const char* head) {
  if (!j.contains(head)) return 1.0;
  const nlohmann::json& t = j[head].value("temperature", nlohmann::json());
  KAIROS_CHECK(t.is_number() && t.get<double>() > 0 && std::isfinite(t.get<double>()),
               "calibration: {}.temperature must be a positive number", head);
  return t.get<double>();
}

}  // namespace

InterestCalibration InterestCalibration::from_json(const nlohmann::json& j) {
  InterestCalibration c;
  if (j.is_null()) return c;
  KAIROS_CHECK(j.is_object(), "calibration: expected an object");
  c.category_temperature = temperature_of(j, "category");
  c.action_temperature = temperature_of(j, "next-action");
  if (j.contains("intent")) {
    const nlohmann::json iso = j["intent"].value("isotonic", nlohmann::json());
    KAIROS_CHECK(iso.is_object() && iso.contains("x") && iso.contains("y"),
                 "calibration: intent.isotonic must hold x and y");
    try {
      c.intent = IsotonicCalibrator::from_knots(iso["x"].get<std::vector<double>>(),
                                                iso["y"].get<std::vector<double>>());
    } catch (const nlohmann::json::exception&) {
      KAIROS_THROW(ErrorKind::kInput, "calibration: intent.isotonic x and y must be numbers");
    }
  }
  return c;
}

nlohmann::json InterestCalibration::to_json() const {
  nlohmann::json j = {{"category", {{"temperature", category_temperature}}},
                      {"next-action", {{"temperature", action_temperature}}}};
  if (intent) j["intent"] = {{"isotonic", {{"x", intent->knot_x()}, {"y", intent->knot_y()}}}};
  return j;
}

void InterestCalibration::apply_category(std::span<float> probs) const {
  apply_temperature(probs, category_temperature);
}

void InterestCalibration::apply_action(std::span<float> probs) const {
  apply_temperature(probs, action_temperature);
}

double InterestCalibration::apply_intent(double p) const {
  if (!intent) return p;
  // As the intent evaluator: isotonic steps reach 0 and 1 where validation was pure.
  return std::clamp(intent->apply(p), 1e-4, 1 - 1e-4);
}

}  // namespace kairos::eval
