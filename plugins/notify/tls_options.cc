#include "tls_options.hpp"

#include <fstream>

#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit::notify {

TlsOptions TlsOptions::from(const Params& params) {
  TlsOptions tls;
  tls.ca_file = params.string_or("ca_file", "");
  tls.insecure_skip_verify = params.boolean_or("insecure_skip_verify", false);
  if (!tls.ca_file.empty() && !std::ifstream(tls.ca_file).good())
    throw ConfigError(fmt::format("ca_file: cannot read '{}'; give the path of a PEM file of CA "
                                  "certificates, or omit ca_file to use the system store",
                                  tls.ca_file));
  return tls;
}

}  // namespace drkit::notify
