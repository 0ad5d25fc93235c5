// The notifiers' TLS lives in a library of its own, libdrkit-notify-tls.so (Poco NetSSL and
// OpenSSL), which the plugin opens on the first TLS connection instead of linking it:
// linked, those libraries cost every drkit command that loads this plugin (`validate`,
// `plan`, `run`) about 14 ms of dynamic linking, before anything is sent.
//
// The plugin and the library are built together, so the table below is plain C++; only
// its accessor has C linkage, to be found with dlsym.
#pragma once

#include <optional>
#include <string>

#include <Poco/Exception.h>
#include <Poco/Net/StreamSocket.h>

#include "delivery.hpp"
#include "tls_options.hpp"

namespace drkit::notify {

struct TlsLibrary {
  // Wraps the connected `plain` socket in TLS 1.2+ to `host`: the peer certificate and host
  // name are verified against `tls.ca_file` or the system CAs unless insecure_skip_verify.
  // The handshake runs on first use; its failures are Poco::Net::SSLException.
  Poco::Net::StreamSocket (*attach)(Poco::Net::StreamSocket& plain, const std::string& host,
                                    const TlsOptions& tls);
  // The delivery failure for a TLS exception (certificate rejected: final; connection
  // closed during the handshake: retryable), or nullopt when `e` is not a TLS exception.
  std::optional<AttemptFailure> (*tls_failure)(const Poco::Exception& e);
};

// The library's file name and its accessor's symbol.
inline constexpr const char* kTlsLibraryFile = "libdrkit-notify-tls.so.1";
inline constexpr const char* kTlsLibraryEntry = "drkit_notify_tls_library";

// Opens the library on first use (found through the plugin's RUNPATH: <prefix>/lib, or the
// build tree's lib/) and keeps it loaded. Throws std::runtime_error naming the file when it
// cannot be opened.
const TlsLibrary& tls_library();
// The library if a connection has opened it, else null.
const TlsLibrary* tls_library_if_loaded();

}  // namespace drkit::notify
