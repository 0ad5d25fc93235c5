// notify.teams: posts each event to a Microsoft Teams channel.
#pragma once

#include <Poco/URI.h>

#include <optional>

#include "delivery.hpp"
#include "http_proxy.hpp"
#include "drkit/component.hpp"
#include "drkit/spec.hpp"
#include "event_template.hpp"
#include "secret_scrubber.hpp"
#include "tls_options.hpp"

namespace drkit::notify {

class TeamsNotifier final : public Notifier {
 public:
  static ComponentSpec spec();
  // Throws ConfigError for a bad url or title template.
  explicit TeamsNotifier(const Params& params);
  void notify(const Event& event, Context& ctx) override;

 private:
  Poco::URI url_;
  bool message_card_;
  EventTemplate title_;
  std::optional<HttpProxy> proxy_;
  TlsOptions tls_;
  DeliveryOptions delivery_;
  SecretScrubber scrubber_;
};

}  // namespace drkit::notify
