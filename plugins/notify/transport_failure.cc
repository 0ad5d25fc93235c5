#include "transport_failure.hpp"

#include <Poco/Net/NetException.h>
#include <fmt/format.h>

#include "tls_library.hpp"

namespace drkit::notify {

AttemptFailure transport_failure(const Poco::Exception& e) {
  if (dynamic_cast<const Poco::TimeoutException*>(&e))
    return {fmt::format("timed out ({})", e.displayText()), true, "notify.timeout"};
  // TLS exceptions are NetSSL's types, known to the TLS library; if it was never opened, no
  // connection used TLS and nothing thrown can be one.
  if (const auto* tls = tls_library_if_loaded())
    if (auto f = tls->tls_failure(e)) return *f;
  if (dynamic_cast<const Poco::Net::HostNotFoundException*>(&e) ||
      dynamic_cast<const Poco::Net::NoAddressFoundException*>(&e))
    return {fmt::format("cannot resolve host: {}", e.displayText()), true, "notify.dns"};
  return {fmt::format("connection failed: {}", e.displayText()), true, "notify.connect"};
}

}  // namespace drkit::notify
