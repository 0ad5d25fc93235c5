#include "teams_notifier.hpp"

#include <boost/json/serialize.hpp>

#include "http_post.hpp"
#include "teams_card.hpp"

namespace drkit::notify {

ComponentSpec TeamsNotifier::spec() {
  ComponentSpec s{
      .name = "teams",
      .summary = "Posts run events to a Microsoft Teams channel (Workflows webhook)",
      .effect = Effect::read_only,
      .params = {
          {.name = "url", .type = ParamType::string, .required = true,
           .description = "The webhook URL: a Workflows \"When a Teams webhook request is "
                          "received\" trigger (Adaptive Card) or a legacy Incoming Webhook "
                          "connector (with format message_card). It carries its own token.",
           .secret = true},
          {.name = "format", .type = ParamType::string, .default_value = "adaptive_card",
           .allowed = {"adaptive_card", "message_card"},
           .description = "adaptive_card for Workflows; message_card for the retired Office 365 "
                          "connectors."},
          {.name = "title", .type = ParamType::string, .default_value = "{title}",
           .description = "The card's title: text with {field} placeholders (see the docs), e.g. "
                          "\"[{environment}] {pipeline}: {step_id} {status}\"."},
          {.name = "ca_file", .type = ParamType::string,
           .description = "PEM file of CA certificates to trust instead of the system store."},
          {.name = "insecure_skip_verify", .type = ParamType::boolean, .default_value = false,
           .description = "Do not verify the server's certificate. Only for tests."},
      },
      .description =
          "Posts an Adaptive Card (run, pipeline, environment, step, status in colour, duration, "
          "error excerpt) to a Teams Workflows webhook, or a MessageCard to a legacy connector. "
          "HTTP 429 and 5xx answers are retried with backoff, honouring Retry-After.",
  };
  s.params.push_back(HttpProxy::param_spec());
  for (auto& p : DeliveryOptions::param_specs()) s.params.push_back(std::move(p));
  return s;
}

TeamsNotifier::TeamsNotifier(const Params& params)
    : url_(parse_http_url(params.string("url"), "url")),
      message_card_(params.string_or("format", "adaptive_card") == "message_card"),
      title_(params.string_or("title", "{title}"), "title"),
      tls_(TlsOptions::from(params)),
      delivery_(DeliveryOptions::from(params)) {
  scrubber_.add(params.string("url"));
  scrubber_.add(url_.getRawQuery());
  proxy_ = HttpProxy::from(params, scrubber_);
}

void TeamsNotifier::notify(const Event& event, Context& ctx) {
  auto title = title_.render(event);
  auto payload = message_card_ ? message_card(event, title) : adaptive_card_message(event, title);
  HttpPost post{.url = url_, .headers = {}, .body = scrubber_.scrub(boost::json::serialize(payload)),
                .proxy = proxy_};
  post_with_retries(ctx, delivery_, tls_, post, "notify.teams",
                    [this](std::string s) { return scrubber_.scrub(std::move(s)); });
}

}  // namespace drkit::notify
