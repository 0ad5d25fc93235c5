#include "tls_options.hpp"

#include <openssl/ssl.h>

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

Poco::Net::Context::Ptr make_client_context(const TlsOptions& tls) {
  Poco::Net::Context::Params p;
  // STRICT, not RELAXED: Poco skips the host name check for "localhost" unless strict.
  p.verificationMode =
      tls.insecure_skip_verify ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
  p.caLocation = tls.ca_file;
  p.loadDefaultCAs = tls.ca_file.empty();
  p.verificationDepth = 9;
  p.cipherList = "HIGH:!aNULL:!eNULL:!MD5";
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, p);
  ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  // Extended verification checks that the certificate names the host we connected to.
  ctx->enableExtendedCertificateVerification(!tls.insecure_skip_verify);
  // Poco's verify callback asks the process-wide SSLManager, where any component may have
  // installed an accept-everything handler; OpenSSL's own check (no callback) cannot be
  // overridden that way.
  if (!tls.insecure_skip_verify) SSL_CTX_set_verify(ctx->sslContext(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

}  // namespace drkit::notify
