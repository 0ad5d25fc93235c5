#include "smtp_client.hpp"

#include <memory>
#include <sstream>

#include <Poco/Base64Encoder.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "tls_library.hpp"
#include "transport_failure.hpp"

namespace drkit::notify {
namespace {

using Poco::Net::SMTPClientSession;

// Poco keeps the session's socket protected; STARTTLS must swap it for a TLS socket that
// verifies the configured host name (Poco's SecureSMTPClientSession would verify the peer's
// IP address when built on our own connected socket).
class Session final : public SMTPClientSession {
 public:
  using SMTPClientSession::SMTPClientSession;
  Poco::Net::DialogSocket& dialog() { return socket(); }
};

AttemptFailure reply_failure(std::string what, int status, const std::string& reply) {
  AttemptFailure f;
  f.message = fmt::format("{}: {}", what, reply.empty() ? std::to_string(status) : reply);
  f.retryable = status >= 400 && status < 500;
  f.code = status > 0 ? fmt::format("notify.smtp.{}", status) : "notify.smtp";
  return f;
}

// Poco's SMTPException carries the reply code as its code() and the reply in its message.
AttemptFailure smtp_failure(const Poco::Net::SMTPException& e) {
  AttemptFailure f;
  f.message = e.displayText();
  f.retryable = e.code() >= 400 && e.code() < 500;
  f.code = e.code() > 0 ? fmt::format("notify.smtp.{}", e.code()) : "notify.smtp";
  return f;
}

AttemptFailure overrun(Duration timeout) {
  return {fmt::format("timed out: the session took longer than {}", format_duration(timeout)),
          true, "notify.timeout"};
}

std::string base64(const std::string& s) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << s;
  enc.close();
  return out.str();
}

// AUTH LOGIN, answering the two 334 prompts in order. Poco's version insists on the prompt
// texts "Username:"/"Password:", which servers word differently.
std::optional<AttemptFailure> auth_login(SMTPClientSession& session, const std::string& user,
                                         const std::string& password) {
  std::string reply;
  int status = session.sendCommand("AUTH LOGIN", reply);
  if (status != 334) return reply_failure("AUTH LOGIN refused", status, reply);
  status = session.sendCommand(base64(user), reply);
  if (status != 334) return reply_failure("AUTH LOGIN: user refused", status, reply);
  status = session.sendCommand(base64(password), reply);
  if (status != 235) return reply_failure("AUTH LOGIN failed", status, reply);
  return std::nullopt;
}

}  // namespace

std::optional<AttemptFailure> smtp_send_once(const SmtpServer& server, const SmtpEnvelope& envelope,
                                             const std::string& message, Duration timeout,
                                             CancelWatch& watch, const CancellationToken& token) {
  const Poco::Timespan to(timeout.count() * 1000);
  try {
    Poco::Net::SocketAddress address(server.host, static_cast<Poco::UInt16>(server.port));
    // Created unconnected so the watch covers the connect as well.
    Poco::Net::StreamSocket socket(address.family());
    CancelWatch::Scope scope(watch, socket.impl()->sockfd(), timeout);
    // After the scope, so it ends first: its destructor may still talk (SMTP QUIT) and
    // must stay under the watch.
    std::unique_ptr<Session> session;
    socket.connect(address, to);
    socket.setReceiveTimeout(to);
    socket.setSendTimeout(to);

    if (server.security == SmtpSecurity::tls) {
      auto secure = tls_library().attach(socket, server.host, server.tls);
      session = std::make_unique<Session>(secure);
    } else {
      session = std::make_unique<Session>(socket);
    }
    session->setTimeout(to);
    session->login();  // reads the greeting, then EHLO (HELO if EHLO is refused)

    if (server.security == SmtpSecurity::starttls) {
      std::string reply;
      int status = session->sendCommand("STARTTLS", reply);
      if (status != 220) {
        // Not retried, even for "454 TLS not available": almost always a server that does
        // not offer TLS on this port, and trying again will not change that.
        auto f = reply_failure("the server refused STARTTLS (set tls to \"tls\" for port 465, "
                               "or \"none\" for a relay without TLS)",
                               status, reply);
        f.retryable = false;
        return f;
      }
      auto secure = tls_library().attach(session->dialog(), server.host, server.tls);
      session->dialog() = secure;
    }
    if (server.auth == SmtpAuth::plain) {
      // Says EHLO again first: capabilities change after STARTTLS (RFC 3207).
      session->login(SMTPClientSession::AUTH_PLAIN, server.username, server.password);
    } else {
      if (server.security == SmtpSecurity::starttls) session->login();
      if (server.auth == SmtpAuth::login) {
        if (auto f = auth_login(*session, server.username, server.password)) return f;
      }
    }
    session->sendAddresses(envelope.from, envelope.recipients);
    session->sendData();
    std::istringstream in(message);
    session->sendMessage(in);
    try {
      session->close();  // QUIT; the message is already accepted, so a failure here is moot
    } catch (const Poco::Exception&) {
    }
    return std::nullopt;
  } catch (const Poco::Net::SMTPException& e) {
    if (token.cancelled()) throw Cancelled();
    if (watch.expired()) return overrun(timeout);
    return smtp_failure(e);
  } catch (const Poco::Exception& e) {
    if (token.cancelled()) throw Cancelled();
    if (watch.expired()) return overrun(timeout);
    return transport_failure(e);
  }
}

}  // namespace drkit::notify
