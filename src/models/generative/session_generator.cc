#include "models/generative/session_generator.h"

#include "core/error.h"

namespace kairos {

void SessionGenerator::save_weights(const std::string&) const {
  KAIROS_THROW(ErrorKind::kUsage, "generator {} has no weights to save (it refits)", name());
}

void SessionGenerator::load_weights(const std::string&, uint32_t) {
  KAIROS_THROW(ErrorKind::kUsage, "generator {} has no weights to load (it refits)", name());
}

}  // namespace kairos
