#include "transport_failure.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <fmt/format.h>

namespace drkit::notify {

AttemptFailure transport_failure(const Poco::Exception& e) {
  if (dynamic_cast<const Poco::TimeoutException*>(&e))
    return {fmt::format("timed out ({})", e.displayText()), true, "notify.timeout"};
  // OpenSSL's own chain check surfaces as a plain SSLException "certificate verify failed".
  if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) ||
      dynamic_cast<const Poco::Net::InvalidCertificateException*>(&e) ||
      (dynamic_cast<const Poco::Net::SSLException*>(&e) &&
       e.displayText().find("certificate verify failed") != std::string::npos))
    return {fmt::format("TLS certificate rejected: {} (give ca_file: the CA that issued the "
                        "server's certificate)",
                        e.displayText()),
            false, "notify.tls"};
  if (dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e))
    return {fmt::format("connection closed during TLS: {}", e.displayText()), true,
            "notify.connect"};
  if (dynamic_cast<const Poco::Net::SSLException*>(&e))
    return {fmt::format("TLS failed: {}", e.displayText()), false, "notify.tls"};
  if (dynamic_cast<const Poco::Net::HostNotFoundException*>(&e) ||
      dynamic_cast<const Poco::Net::NoAddressFoundException*>(&e))
    return {fmt::format("cannot resolve host: {}", e.displayText()), true, "notify.dns"};
  return {fmt::format("connection failed: {}", e.displayText()), true, "notify.connect"};
}

}  // namespace drkit::notify
