// One SMTP delivery over plain TCP, STARTTLS or implicit TLS, with AUTH LOGIN or PLAIN.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cancel_watch.hpp"
#include "delivery.hpp"
#include "tls_options.hpp"

namespace drkit::notify {

enum class SmtpSecurity {
  none,      // plain TCP: only for relays on a trusted network; no AUTH allowed
  starttls,  // plain TCP, then STARTTLS before anything else (submission, port 587)
  tls,       // TLS from the first byte (submissions, port 465)
};

enum class SmtpAuth { none, login, plain };

struct SmtpServer {
  std::string host;
  int port = 587;
  SmtpSecurity security = SmtpSecurity::starttls;
  TlsOptions tls;
  SmtpAuth auth = SmtpAuth::none;
  std::string username;
  std::string password;
};

struct SmtpEnvelope {
  std::string from;                     // bare address
  std::vector<std::string> recipients;  // bare addresses: to, cc and bcc
};

// In at most `timeout` from connect to the final reply: connects, says EHLO, upgrades to TLS as configured, authenticates, and sends `message`
// (CRLF text; dot-stuffed on the way). Returns nullopt when the server accepted the message,
// else the failure: SMTP 4xx replies, timeouts and connection errors are retryable; 5xx
// replies and TLS failures are not. The failure quotes the server's reply with its code.
// Throws drkit::Cancelled when the token of `watch` is cancelled.
std::optional<AttemptFailure> smtp_send_once(const SmtpServer& server, const SmtpEnvelope& envelope,
                                             const std::string& message, Duration timeout,
                                             CancelWatch& watch, const CancellationToken& token);

}  // namespace drkit::notify
