#include "teams_card.hpp"

#include <boost/json/array.hpp>

#include "event_template.hpp"

namespace drkit::notify {
namespace {

namespace json = boost::json;

bool is_failure(std::string_view status) {
  return status == "failed" || status == "error";
}

}  // namespace

std::string_view status_colour(const Event& event) {
  auto s = event_status(event);
  if (is_failure(s)) return "Attention";
  if (s == "succeeded" || s == "approved" || s == "ok") return "Good";
  if (s == "retrying" || s == "interrupted" || s == "waiting" || s == "refused" ||
      event.type == "guard.failed")
    return "Warning";
  if (s == "started" || s == "running") return "Accent";
  return "Default";
}

std::string_view status_theme_colour(const Event& event) {
  auto c = status_colour(event);
  if (c == "Attention") return "D13438";
  if (c == "Good") return "2DC72D";
  if (c == "Warning") return "FFB900";
  if (c == "Accent") return "0078D7";
  return "808080";
}

std::string error_excerpt(const Event& event) {
  auto s = event_status(event);
  bool failing = is_failure(s) || s == "retrying" || event.type == "guard.failed" ||
                 event.data.contains("error");
  if (!failing) return {};
  return excerpt(event_error_text(event), 12, 1500);
}

boost::json::object adaptive_card_message(const Event& event, const std::string& title) {
  json::array body;
  body.push_back(json::object{{"type", "TextBlock"}, {"text", title}, {"weight", "Bolder"},
                              {"size", "Medium"}, {"wrap", true},
                              {"color", std::string(status_colour(event))}});
  auto error = error_excerpt(event);
  if (!event.message.empty() && event.message != error)
    body.push_back(json::object{{"type", "TextBlock"}, {"text", event.message}, {"wrap", true}});
  json::array fact_set;
  for (const auto& f : event_facts(event)) fact_set.push_back(json::object{{"title", f.name}, {"value", f.value}});
  body.push_back(json::object{{"type", "FactSet"}, {"facts", std::move(fact_set)}});
  if (!error.empty()) {
    body.push_back(json::object{{"type", "TextBlock"}, {"text", "Error"}, {"weight", "Bolder"},
                                {"color", "Attention"}, {"spacing", "Medium"}});
    body.push_back(json::object{{"type", "TextBlock"}, {"text", error}, {"wrap", true},
                                {"fontType", "Monospace"}});
  }
  json::object card{
      {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
      {"type", "AdaptiveCard"},
      {"version", "1.4"},
      {"body", std::move(body)},
      {"msteams", json::object{{"width", "Full"}}},
  };
  json::object attachment{{"contentType", "application/vnd.microsoft.card.adaptive"},
                          {"contentUrl", nullptr},
                          {"content", std::move(card)}};
  return json::object{{"type", "message"}, {"attachments", json::array{std::move(attachment)}}};
}

boost::json::object message_card(const Event& event, const std::string& title) {
  json::array fact_list;
  for (const auto& f : event_facts(event)) fact_list.push_back(json::object{{"name", f.name}, {"value", f.value}});
  json::object section{{"activityTitle", title}, {"facts", std::move(fact_list)}};
  auto error = error_excerpt(event);
  std::string text = event.message;
  if (!error.empty()) text = error;
  if (!text.empty()) section["text"] = text;
  return json::object{
      {"@type", "MessageCard"},
      {"@context", "https://schema.org/extensions"},
      {"themeColor", std::string(status_theme_colour(event))},
      {"summary", title},
      {"title", title},
      {"sections", json::array{std::move(section)}},
  };
}

}  // namespace drkit::notify
