// notify.email: mails each event through an SMTP server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "delivery.hpp"
#include "drkit/component.hpp"
#include "drkit/spec.hpp"
#include "event_template.hpp"
#include "mail_address.hpp"
#include "secret_scrubber.hpp"
#include "smtp_client.hpp"

namespace drkit::notify {

class EmailNotifier final : public Notifier {
 public:
  static ComponentSpec spec();
  // Throws ConfigError for bad addresses, templates, or a password without TLS.
  explicit EmailNotifier(const Params& params);
  void notify(const Event& event, Context& ctx) override;

 private:
  std::string text_body(const Event& event) const;
  std::string html_body(const Event& event) const;

  SmtpServer server_;
  MailAddress from_;
  std::vector<MailAddress> to_;
  std::vector<MailAddress> cc_;
  std::vector<MailAddress> bcc_;
  EventTemplate subject_;
  std::optional<EventTemplate> body_;       // nullopt: the built-in text body
  std::optional<EventTemplate> html_body_;  // nullopt: the built-in HTML body
  bool html_ = true;
  DeliveryOptions delivery_;
  SecretScrubber scrubber_;
};

}  // namespace drkit::notify
