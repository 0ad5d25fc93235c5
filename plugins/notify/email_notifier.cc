#include "email_notifier.hpp"

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "mail_message.hpp"
#include "teams_card.hpp"

namespace drkit::notify {
namespace {

constexpr const char* kDefaultSubject = "[drkit] {title}";

std::vector<MailAddress> addresses(const Params& params, std::string_view key) {
  std::vector<MailAddress> out;
  if (!params.has(key)) return out;
  auto list = params.strings(key);
  for (std::size_t i = 0; i < list.size(); ++i)
    out.push_back(parse_mail_address(list[i], fmt::format("{}[{}]", key, i)));
  return out;
}

SmtpSecurity security_of(const std::string& s) {
  if (s == "none") return SmtpSecurity::none;
  if (s == "tls") return SmtpSecurity::tls;
  return SmtpSecurity::starttls;
}

int default_port(SmtpSecurity s) {
  switch (s) {
    case SmtpSecurity::none: return 25;
    case SmtpSecurity::tls: return 465;
    case SmtpSecurity::starttls: break;
  }
  return 587;
}

}  // namespace

ComponentSpec EmailNotifier::spec() {
  ComponentSpec s{
      .name = "email",
      .summary = "Mails run events through an SMTP server (STARTTLS or TLS, AUTH LOGIN/PLAIN)",
      .effect = Effect::read_only,
      .params = {
          {.name = "host", .type = ParamType::string, .required = true,
           .description = "SMTP server host name (as in its certificate)."},
          {.name = "port", .type = ParamType::integer,
           .description = "SMTP port; default 587 for starttls, 465 for tls, 25 for none.",
           .minimum = 1, .maximum = 65535},
          {.name = "tls", .type = ParamType::string, .default_value = "starttls",
           .allowed = {"starttls", "tls", "none"},
           .description = "starttls: upgrade with STARTTLS (required); tls: TLS from the first "
                          "byte (port 465); none: no encryption, only for a relay on a trusted "
                          "network, and never with a password."},
          {.name = "ca_file", .type = ParamType::string,
           .description = "PEM file of CA certificates to trust instead of the system store."},
          {.name = "insecure_skip_verify", .type = ParamType::boolean, .default_value = false,
           .description = "Do not verify the server's certificate. Only for tests."},
          {.name = "auth", .type = ParamType::string, .allowed = {"plain", "login", "none"},
           .description = "SMTP AUTH mechanism; default plain when a username is given, none "
                          "otherwise."},
          {.name = "username", .type = ParamType::string, .description = "SMTP AUTH user."},
          {.name = "password", .type = ParamType::string,
           .description = "SMTP AUTH password, e.g. \"${secret:env:SMTP_PASSWORD}\".",
           .secret = true},
          {.name = "from", .type = ParamType::string, .required = true,
           .description = "Sender: \"drkit <drkit@contoso.com>\" or \"drkit@contoso.com\"."},
          {.name = "to", .type = ParamType::list, .required = true,
           .description = "Recipients (To header)."},
          {.name = "cc", .type = ParamType::list, .description = "Recipients (Cc header)."},
          {.name = "bcc", .type = ParamType::list,
           .description = "Recipients not shown in the headers."},
          {.name = "subject", .type = ParamType::string, .default_value = kDefaultSubject,
           .description = "Subject template with {field} placeholders: {type} {run_id} "
                          "{pipeline} {environment} {step_id} {status} {message} {time} "
                          "{duration} {title} {data.KEY}. Non-ASCII is RFC 2047-encoded."},
          {.name = "body", .type = ParamType::string,
           .description = "Plain-text body template ({field} placeholders); default: the title, "
                          "the message, the facts and the error excerpt."},
          {.name = "html", .type = ParamType::boolean, .default_value = true,
           .description = "Also send an HTML alternative."},
          {.name = "html_body", .type = ParamType::string,
           .description = "HTML body template; field values are HTML-escaped. Default: a table "
                          "of the facts, the title in the status colour."},
      },
      .description = "Sends one mail per event: multipart/alternative (text and HTML), with "
                     "Date, Message-ID, Auto-Submitted: auto-generated, X-Drkit-Run and "
                     "X-Drkit-Event headers. SMTP 4xx replies, timeouts and connection errors "
                     "are retried; 5xx replies and certificate failures are not.",
  };
  for (auto& p : DeliveryOptions::param_specs()) s.params.push_back(std::move(p));
  return s;
}

EmailNotifier::EmailNotifier(const Params& params)
    : from_(parse_mail_address(params.string("from"), "from")),
      to_(addresses(params, "to")),
      cc_(addresses(params, "cc")),
      bcc_(addresses(params, "bcc")),
      subject_(params.string_or("subject", kDefaultSubject), "subject"),
      html_(params.boolean_or("html", true)),
      delivery_(DeliveryOptions::from(params)) {
  if (to_.empty()) throw ConfigError("to: give at least one recipient");
  if (params.has("body")) body_.emplace(params.string("body"), "body");
  if (params.has("html_body")) html_body_.emplace(params.string("html_body"), "html_body");

  server_.host = params.string("host");
  server_.security = security_of(params.string_or("tls", "starttls"));
  server_.port = static_cast<int>(params.integer_or("port", default_port(server_.security)));  // 1..65535 (the spec)
  server_.tls = TlsOptions::from(params);
  server_.username = params.string_or("username", "");
  server_.password = params.string_or("password", "");
  auto auth = params.string_or("auth", server_.username.empty() ? "none" : "plain");
  server_.auth = auth == "login" ? SmtpAuth::login : auth == "plain" ? SmtpAuth::plain : SmtpAuth::none;
  if (server_.auth != SmtpAuth::none && server_.username.empty())
    throw ConfigError(fmt::format("auth: '{}' needs a username (and a password)", auth));
  if (server_.auth != SmtpAuth::none && server_.security == SmtpSecurity::none)
    throw ConfigError("password: refusing to send SMTP credentials unencrypted; set tls to "
                      "\"starttls\" or \"tls\"");
  scrubber_.add(server_.password);
}

std::string EmailNotifier::text_body(const Event& event) const {
  if (body_) return body_->render(event);
  std::string out = event_title(event) + "\n\n";
  if (!event.message.empty()) out += event.message + "\n\n";
  for (const auto& f : event_facts(event)) out += fmt::format("{:<12} {}\n", std::string(f.name) + ":", f.value);
  auto error = error_excerpt(event);
  if (!error.empty() && error != event.message) out += "\nError:\n" + error + "\n";
  return out;
}

std::string EmailNotifier::html_body(const Event& event) const {
  if (html_body_) return html_body_->render(event, Escape::html);
  std::string out =
      "<!DOCTYPE html>\n<html><body style=\"font-family:'Segoe UI',Arial,sans-serif\">\n";
  out += fmt::format("<h2 style=\"color:#{}\">{}</h2>\n", status_theme_colour(event),
                     html_escape(event_title(event)));
  if (!event.message.empty()) out += "<p>" + html_escape(event.message) + "</p>\n";
  out += "<table cellpadding=\"4\">\n";
  for (const auto& f : event_facts(event))
    out += fmt::format("<tr><th align=\"left\">{}</th><td>{}</td></tr>\n", f.name, html_escape(f.value));
  out += "</table>\n";
  auto error = error_excerpt(event);
  if (!error.empty() && error != event.message)
    out += "<h3>Error</h3>\n<pre>" + html_escape(error) + "</pre>\n";
  return out + "</body></html>\n";
}

void EmailNotifier::notify(const Event& event, Context& ctx) {
  MailContent mail{
      .from = from_,
      .to = to_,
      .cc = cc_,
      .subject = scrubber_.scrub(subject_.render(event)),
      .text = scrubber_.scrub(text_body(event)),
      .html = html_ ? scrubber_.scrub(html_body(event)) : std::string(),
      .message_id = make_message_id(mail_domain(from_)),
      .date = std::chrono::system_clock::now(),
      .extra_headers = {{"Auto-Submitted", "auto-generated"},
                        {"X-Drkit-Run", event.run_id},
                        {"X-Drkit-Event", event.type}},
  };
  auto message = compose_message(mail);

  SmtpEnvelope envelope{.from = from_.address, .recipients = {}};
  for (const auto* list : {&to_, &cc_, &bcc_})
    for (const auto& a : *list) envelope.recipients.push_back(a.address);

  CancelWatch watch(ctx.cancellation());
  const auto where = fmt::format("smtp://{}:{}", server_.host, server_.port);
  deliver(ctx, delivery_, "notify.email", [&](int) -> std::optional<AttemptFailure> {
    auto failure = smtp_send_once(server_, envelope, message, delivery_.timeout, watch,
                                  ctx.cancellation());
    if (failure) failure->message = scrubber_.scrub(fmt::format("{}: {}", where, failure->message));
    return failure;
  });
  ctx.log().debug(fmt::format("notify.email: {} accepted {} for {} recipient(s)", where,
                              mail.message_id, envelope.recipients.size()));
}

}  // namespace drkit::notify
