// Sorting network and TLS exceptions into retryable and final delivery failures.
#pragma once

#include <Poco/Exception.h>

#include "delivery.hpp"

namespace drkit::notify {

// Timeouts, refused or reset connections and DNS failures are retryable; TLS failures
// (a certificate that does not verify, no common protocol) are not: they fail the same way
// again. The message keeps Poco's text, which carries the system's error.
AttemptFailure transport_failure(const Poco::Exception& e);

}  // namespace drkit::notify
