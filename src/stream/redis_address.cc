#include "stream/redis_address.h"

#include "core/error.h"

namespace kairos {

RedisAddress parse_redis_host_port(const std::string& address) {
  RedisAddress o;
  std::string a = address;
  if (a.rfind("redis://", 0) == 0) a = a.substr(8);
  if (!a.empty() && a.back() == '/') a.pop_back();
  const size_t colon = a.rfind(':');
  if (colon != std::string::npos) {
    const std::string port = a.substr(colon + 1);
    KAIROS_CHECK_USAGE(!port.empty() && port.size() <= 5 &&
                           port.find_first_not_of("0123456789") == std::string::npos,
                       "redis address '{}': bad port", address);
    o.port = std::stoi(port);
    KAIROS_CHECK_USAGE(o.port > 0 && o.port < 65536, "redis address '{}': bad port", address);
    a = a.substr(0, colon);
  }
  KAIROS_CHECK_USAGE(!a.empty(), "redis address '{}': no host", address);
  o.host = a;
  return o;
}

}  // namespace kairos
