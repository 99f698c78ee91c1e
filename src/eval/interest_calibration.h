// The calibration of an interest model's heads (models/interest/interest_model.h), fitted on the
// validation part when the model is trained and stored in its artifact (meta.json "calibration"):
//   category, next-action   a temperature (softmax(log p / T)), then optionally a top-label
//                           isotonic map (TopLabelCalibrator)
//   intent                  an isotonic curve, outputs kept within [1e-4, 1 - 1e-4]
// The same code applies it in evaluation, `kairos predict` and the server.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>

#include "eval/classification/calibration.h"

namespace kairos::eval {

struct InterestCalibration {
  double category_temperature = 1.0;
  double action_temperature = 1.0;
  std::optional<TopLabelCalibrator> category_top, action_top;  // after the temperatures
  std::optional<IsotonicCalibrator> intent;  // none: the intent head is used uncalibrated

  // {"category": {"temperature": T, "top_label": {"x": [...], "y": [...]}},
  //  "next-action": {"temperature": T}, "intent": {"isotonic": {"x": [...], "y": [...]}}}; each
  //  part optional. kInput when malformed.
  static InterestCalibration from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;

  void apply_category(std::span<float> probs) const;
  void apply_action(std::span<float> probs) const;
  double apply_intent(double p) const;
};

}  // namespace kairos::eval
