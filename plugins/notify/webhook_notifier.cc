#include "webhook_notifier.hpp"

#include <random>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "hmac_signature.hpp"
#include "http_post.hpp"

namespace drkit::notify {
namespace {

// RFC 9110 token characters: a header name must be one.
bool valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string delivery_id() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
}

}  // namespace

ComponentSpec WebhookNotifier::spec() {
  ComponentSpec s{
      .name = "webhook",
      .summary = "Posts run events as JSON to an HTTP(S) endpoint, optionally HMAC-signed",
      .effect = Effect::read_only,
      .params = {
          {.name = "url", .type = ParamType::string, .required = true,
           .description = "http:// or https:// URL that receives a POST per event.",
           .secret = true},
          {.name = "secret", .type = ParamType::string,
           .description = "HMAC-SHA256 key. When set, each request carries "
                          "<signature_header>: sha256=<hex HMAC of the raw body>.",
           .secret = true},
          {.name = "signature_header", .type = ParamType::string,
           .default_value = "X-Drkit-Signature-256",
           .description = "The header that carries the signature."},
          {.name = "headers", .type = ParamType::object,
           .description = "Extra request headers, name to string value (e.g. an Authorization "
                          "token). Values are treated as secrets.",
           .secret = true},
          {.name = "ca_file", .type = ParamType::string,
           .description = "PEM file of CA certificates to trust instead of the system store."},
          {.name = "insecure_skip_verify", .type = ParamType::boolean, .default_value = false,
           .description = "Do not verify the server's certificate. Only for tests."},
      },
      .description =
          "POSTs the event's JSON (type, run_id, pipeline, environment, step_id, status, message, "
          "time, duration_seconds, data) with X-Drkit-Event and X-Drkit-Delivery headers (the "
          "delivery id stays the same across retries of one event). HTTP 429 and 5xx are retried "
          "with backoff, honouring Retry-After.",
  };
  s.params.push_back(HttpProxy::param_spec());
  for (auto& p : DeliveryOptions::param_specs()) s.params.push_back(std::move(p));
  return s;
}

WebhookNotifier::WebhookNotifier(const Params& params)
    : url_(parse_http_url(params.string("url"), "url")),
      secret_(params.string_or("secret", "")),
      signature_header_(params.string_or("signature_header", "X-Drkit-Signature-256")),
      tls_(TlsOptions::from(params)),
      delivery_(DeliveryOptions::from(params)) {
  if (!valid_header_name(signature_header_))
    throw ConfigError(fmt::format("signature_header: '{}' is not a valid HTTP header name",
                                  signature_header_));
  if (params.has("headers")) {
    for (const auto& [name, value] : params.object("headers")) {
      if (!valid_header_name(name))
        throw ConfigError(fmt::format("headers: '{}' is not a valid HTTP header name", std::string(name)));
      if (!value.is_string())
        throw ConfigError(fmt::format("headers.{}: expected a string value", std::string(name)));
      std::string v(value.get_string());
      if (v.find_first_of("\r\n") != std::string::npos)
        throw ConfigError(fmt::format("headers.{}: the value contains a line break", std::string(name)));
      // Masked in logs and errors (a server may quote a header back), not in the body: the
      // body is the event, which the engine redacts, and a header value that is a mere
      // label ("failover") would garble every event that mentions it.
      scrubber_.add(v);
      headers_.emplace_back(std::string(name), std::move(v));
    }
  }
  for (auto* s : {&scrubber_, &body_scrubber_}) {
    s->add(params.string("url"));
    s->add(url_.getRawQuery());
    s->add(secret_);
  }
  proxy_ = HttpProxy::from(params, scrubber_);
}

void WebhookNotifier::notify(const Event& event, Context& ctx) {
  HttpPost post{.url = url_, .headers = headers_,
                .body = body_scrubber_.scrub(boost::json::serialize(event.to_json())),
                .proxy = proxy_};
  post.headers.emplace_back("X-Drkit-Event", event.type);
  post.headers.emplace_back("X-Drkit-Delivery", delivery_id());
  if (!secret_.empty()) post.headers.emplace_back(signature_header_, webhook_signature(secret_, post.body));
  post_with_retries(ctx, delivery_, tls_, post, "notify.webhook",
                    [this](std::string s) { return scrubber_.scrub(std::move(s)); });
}

}  // namespace drkit::notify
