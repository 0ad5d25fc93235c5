// An HTTP proxy between the notifiers and the outside world (Teams from a corporate network):
// https URLs go through a CONNECT tunnel, http URLs are sent to the proxy in absolute form.
#pragma once

#include <optional>
#include <string>

#include <Poco/Net/StreamSocket.h>

#include "drkit/params.hpp"
#include "drkit/spec.hpp"
#include "secret_scrubber.hpp"

namespace drkit::notify {

struct HttpProxy {
  std::string host;
  int port = 3128;
  std::string authorization;  // "Basic ..." for Proxy-Authorization, or empty

  // Reads the `proxy` parameter ("http://[user:password@]host:port"); nullopt when absent.
  // Registers the credentials with `scrubber`. Throws ConfigError for anything else.
  static std::optional<HttpProxy> from(const Params& params, SecretScrubber& scrubber);
  static ParamSpec param_spec();
};

// What the proxy said to CONNECT: 200 means the tunnel is open.
struct ProxyAnswer {
  int status = 0;
  std::string reason;
};

// Asks the proxy, over `socket`, for a tunnel to host:port. Throws Poco exceptions for
// transport errors.
ProxyAnswer open_tunnel(Poco::Net::StreamSocket& socket, const HttpProxy& proxy,
                        const std::string& host, int port);

}  // namespace drkit::notify
