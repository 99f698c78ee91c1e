#include "models/deep/sasrec_config.h"

#include "core/error.h"

namespace kairos {

void SasRecConfig::check(const std::string& model) const {
  KAIROS_CHECK_USAGE(hidden > 0 && blocks > 0 && heads > 0 && max_len > 0,
                     "{}: hidden, blocks, heads and max_len must be positive", model);
  KAIROS_CHECK_USAGE(hidden % heads == 0, "{}: hidden ({}) must be a multiple of heads ({})", model,
                     hidden, heads);
  KAIROS_CHECK_USAGE(loss == "full" || loss == "sampled", "{}: loss must be full or sampled",
                     model);
  KAIROS_CHECK_USAGE(loss == "full" || n_sample > 0, "{}: sampled loss needs n_sample > 0", model);
  KAIROS_CHECK_USAGE(dropout >= 0 && dropout < 1, "{}: dropout must be in [0, 1)", model);
  KAIROS_CHECK_USAGE(batch_size > 0, "{}: batch_size must be positive", model);
  KAIROS_CHECK_USAGE(learning_rate > 0, "{}: learning_rate must be positive", model);
  KAIROS_CHECK_USAGE(temperature >= 0, "{}: temperature must be >= 0 (0 = inner product)", model);
  KAIROS_CHECK_USAGE(targets == "all" || targets == "last", "{}: targets must be all or last",
                     model);
}

void FilterConfig::check(const std::string& model) const {
  KAIROS_CHECK_USAGE(alpha >= 0 && alpha <= 1, "{}: alpha must be in [0, 1]", model);
  KAIROS_CHECK_USAGE(c >= 1, "{}: c must be >= 1 (c/2 + 1 low frequencies are kept)", model);
}

void ConvEncoderConfig::check(const std::string& model) const {
  KAIROS_CHECK_USAGE(!dilations.empty() && kernel >= 2,
                     "{}: dilations must be a non-empty list and kernel >= 2", model);
  for (int d : dilations) {
    KAIROS_CHECK_USAGE(d >= 1 && d <= 64, "{}: dilations must be in [1, 64]", model);
  }
}

std::string SasRecConfig::model_name() const {
  switch (encoder) {
    case SasRecEncoder::kConvolution:
      return "nextitnet";
    case SasRecEncoder::kFilter:
      return "bsarec";
    case SasRecEncoder::kAttention:
      break;
  }
  return "sasrec";
}

SasRecConfig SasRecConfig::from_json(const nlohmann::json& j, SasRecEncoder encoder) {
  SasRecConfig c;
  c.encoder = encoder;
  const std::string model = c.model_name();
  const bool convolutional = encoder == SasRecEncoder::kConvolution;
  if (convolutional && j.is_object()) {
    for (const char* key : {"blocks", "heads"}) {
      KAIROS_CHECK_USAGE(!j.contains(key),
                         "nextitnet: '{}' is a sasrec key (nextitnet's blocks are 'dilations')",
                         key);
    }
  }
  if (encoder == SasRecEncoder::kFilter) c.targets = "last";
  ConfigReader r(j, model);
  r.read(c);
  if (convolutional) r.read(c.conv);
  if (encoder == SasRecEncoder::kFilter) {
    r.read(c.filter);
    KAIROS_CHECK_USAGE(!c.use_types, "bsarec: use_types is not supported (sasrec has it)");
    KAIROS_CHECK_USAGE(c.targets == "last",
                       "bsarec: targets must be last (its filter mixes later positions into "
                       "earlier ones, so training every position at once would see the targets)");
  }
  c.train = TrainConfig::read(r, 20);
  r.finish();
  return c;
}

nlohmann::json SasRecConfig::to_json() const {
  nlohmann::json j = *this;
  if (encoder == SasRecEncoder::kConvolution) {
    j.erase("blocks");
    j.erase("heads");
    j.update(nlohmann::json(conv));
  }
  if (encoder == SasRecEncoder::kFilter) j.update(nlohmann::json(filter));
  j.update(nlohmann::json(train));
  return j;
}

}  // namespace kairos
