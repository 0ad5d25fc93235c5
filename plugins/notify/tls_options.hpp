// TLS settings shared by the notifiers, and the Poco client context built from them.
#pragma once

#include <string>

#include <Poco/Net/Context.h>

#include "drkit/params.hpp"

namespace drkit::notify {

struct TlsOptions {
  // PEM file of CA certificates to trust instead of the system store; empty: system store.
  std::string ca_file;
  // Skips certificate and host name verification. Off unless the manifest says so.
  bool insecure_skip_verify = false;

  // Reads `ca_file` and `insecure_skip_verify`. Throws ConfigError when ca_file is given
  // but cannot be read.
  static TlsOptions from(const Params& params);
};

// A client context: TLS 1.2 or newer, peer certificate and host name verified against
// `ca_file` or the system CAs (unless insecure_skip_verify).
Poco::Net::Context::Ptr make_client_context(const TlsOptions& tls);

}  // namespace drkit::notify
