// libdrkit-notify-tls.so: the notifiers' TLS (Poco NetSSL over OpenSSL), opened by the
// notify plugin on its first TLS connection (see ../tls_library.hpp for why).
#include <openssl/ssl.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <fmt/format.h>

#include "tls_library.hpp"

namespace drkit::notify {

namespace {

// A client context: TLS 1.2 or newer, peer certificate and host name verified against
// `ca_file` or the system CAs (unless insecure_skip_verify).
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

Poco::Net::StreamSocket attach(Poco::Net::StreamSocket& plain, const std::string& host, const TlsOptions& tls) {
  return Poco::Net::SecureStreamSocket::attach(plain, host, make_client_context(tls));
}

std::optional<AttemptFailure> tls_failure(const Poco::Exception& e) {
  // OpenSSL's own chain check surfaces as a plain SSLException "certificate verify failed".
  if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) ||
      dynamic_cast<const Poco::Net::InvalidCertificateException*>(&e) ||
      (dynamic_cast<const Poco::Net::SSLException*>(&e) &&
       e.displayText().find("certificate verify failed") != std::string::npos))
    return AttemptFailure{fmt::format("TLS certificate rejected: {} (give ca_file: the CA that issued the "
                                      "server's certificate)",
                                      e.displayText()),
                          false, "notify.tls"};
  if (dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e))
    return AttemptFailure{fmt::format("connection closed during TLS: {}", e.displayText()), true,
                          "notify.connect"};
  if (dynamic_cast<const Poco::Net::SSLException*>(&e))
    return AttemptFailure{fmt::format("TLS failed: {}", e.displayText()), false, "notify.tls"};
  return std::nullopt;
}

const TlsLibrary kLibrary{&attach, &tls_failure};

}  // namespace

}  // namespace drkit::notify

extern "C" __attribute__((visibility("default"))) const drkit::notify::TlsLibrary* drkit_notify_tls_library() {
  return &drkit::notify::kLibrary;
}
