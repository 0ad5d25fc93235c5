// TLS settings shared by the notifiers (the TLS itself is in tls_library.hpp).
#pragma once

#include <string>

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

}  // namespace drkit::notify
