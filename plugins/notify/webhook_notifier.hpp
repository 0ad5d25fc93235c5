// notify.webhook: posts each event as JSON to any HTTP(S) endpoint.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <Poco/URI.h>

#include <optional>

#include "delivery.hpp"
#include "http_proxy.hpp"
#include "drkit/component.hpp"
#include "drkit/spec.hpp"
#include "secret_scrubber.hpp"
#include "tls_options.hpp"

namespace drkit::notify {

class WebhookNotifier final : public Notifier {
 public:
  static ComponentSpec spec();
  // Throws ConfigError for a bad url, header name or header value.
  explicit WebhookNotifier(const Params& params);
  void notify(const Event& event, Context& ctx) override;

 private:
  Poco::URI url_;
  std::string secret_;  // HMAC key; empty: no signature
  std::string signature_header_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::optional<HttpProxy> proxy_;
  TlsOptions tls_;
  DeliveryOptions delivery_;
  SecretScrubber scrubber_;       // logs and errors: every secret, header values included
  SecretScrubber body_scrubber_;  // the body: the URL and the HMAC key
};

}  // namespace drkit::notify
