// Redis addresses as Kairos's flags take them: "host:port", "redis://host:port" or "host"
// (port 6379). Shared by the session store (serve/) and the event stream (stream/).
#pragma once

#include <string>

namespace kairos {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
};

// Throws kUsage naming the address when it is malformed.
RedisAddress parse_redis_host_port(const std::string& address);

}  // namespace kairos
