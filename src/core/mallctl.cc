#include "core/mallctl.h"

#include <dlfcn.h>

namespace kairos {

Mallctl jemalloc_mallctl() {
  static const auto fn = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  return fn;
}

}  // namespace kairos
