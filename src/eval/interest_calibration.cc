#include "eval/interest_calibration.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "eval/label_evaluator.h"

namespace kairos::eval {
namespace {

std::optional<IsotonicCalibrator> curve_of(const nlohmann::json& j, const char* what) {
  if (j.is_null()) return std::nullopt;
  KAIROS_CHECK(j.is_object() && j.contains("x") && j.contains("y"),
               "calibration: {} must hold x and y", what);
  try {
    return IsotonicCalibrator::from_knots(j["x"].get<std::vector<double>>(),
                                          j["y"].get<std::vector<double>>());
  } catch (const nlohmann::json::exception&) {
    KAIROS_THROW(ErrorKind::kInput, "calibration: {} x and y must be numbers", what);
  }
}

nlohmann::json curve_json(const IsotonicCalibrator& c) {
  return {{"x", c.knot_x()}, {"y", c.knot_y()}};
}

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
  for (auto [head, top] :
       {std::pair{"category", &c.category_top}, {"next-action", &c.action_top}}) {
    if (!j.contains(head)) continue;
    if (auto curve = curve_of(j[head].value("top_label", nlohmann::json()), "top_label")) {
      *top = TopLabelCalibrator::from_curve(std::move(*curve));
    }
  }
  if (j.contains("intent")) {
    c.intent = curve_of(j["intent"].value("isotonic", nlohmann::json()), "intent.isotonic");
    KAIROS_CHECK(c.intent.has_value(), "calibration: intent without its isotonic curve");
  }
  return c;
}

nlohmann::json InterestCalibration::to_json() const {
  nlohmann::json j = {{"category", {{"temperature", category_temperature}}},
                      {"next-action", {{"temperature", action_temperature}}}};
  if (category_top) j["category"]["top_label"] = curve_json(category_top->curve());
  if (action_top) j["next-action"]["top_label"] = curve_json(action_top->curve());
  if (intent) j["intent"] = {{"isotonic", curve_json(*intent)}};
  return j;
}

void InterestCalibration::apply_category(std::span<float> probs) const {
  apply_temperature(probs, category_temperature);
  if (category_top) category_top->apply(probs);
}

void InterestCalibration::apply_action(std::span<float> probs) const {
  apply_temperature(probs, action_temperature);
  if (action_top) action_top->apply(probs);
}

double InterestCalibration::apply_intent(double p) const {
  if (!intent) return p;
  // As the intent evaluator: isotonic steps reach 0 and 1 where validation was pure.
  return std::clamp(intent->apply(p), 1e-4, 1 - 1e-4);
}

}  // namespace kairos::eval
