// One HTTP(S) POST with a connect/read timeout and cancellation, and the retry policy
// for webhooks: 429 and 5xx are retried (honouring Retry-After), other answers are final.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Poco/URI.h>

#include "cancel_watch.hpp"
#include "delivery.hpp"
#include "http_proxy.hpp"
#include "tls_options.hpp"

namespace drkit::notify {

struct HttpPost {
  Poco::URI url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  std::optional<HttpProxy> proxy = {};
};

struct HttpAnswer {
  int status = 0;
  std::string reason;
  std::string body;  // the first 4 KiB
  std::optional<std::string> retry_after;
  bool from_proxy = false;  // the proxy refused the CONNECT tunnel with `status`
};

// Sends `post` once over a new connection, in at most `timeout` from connect to answer.
// Throws Poco exceptions for transport errors (refused, TLS verification;
// Poco::TimeoutException when the time is up) and drkit::Cancelled when the token fires.
HttpAnswer http_post_once(const HttpPost& post, const TlsOptions& tls, Duration timeout,
                          CancelWatch& watch, const CancellationToken& token);

// The scheme://host:port of `url`: safe to log (webhook URLs carry their token in the path
// or the query).
std::string loggable_origin(const Poco::URI& url);

// Posts with `deliver`: retries connection failures, timeouts, 429 and 5xx; any other
// non-2xx answer fails at once with its status, reason and body excerpt. `redact` is
// applied to every message that may quote the server or the URL.
void post_with_retries(Context& ctx, const DeliveryOptions& options, const TlsOptions& tls,
                       const HttpPost& post, std::string_view what,
                       const std::function<std::string(std::string)>& redact);

// Throws ConfigError naming `param` unless `text` is an absolute http(s) URL with a host.
Poco::URI parse_http_url(const std::string& text, std::string_view param);

}  // namespace drkit::notify
