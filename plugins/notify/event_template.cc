#include "event_template.hpp"

#include <array>
#include <chrono>

#include <boost/json/serialize.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "drkit/duration.hpp"
#include "drkit/errors.hpp"

namespace drkit::notify {
namespace {

constexpr std::array<std::string_view, 10> kFields = {
    "type", "run_id", "pipeline", "environment", "step_id",
    "status", "message", "time", "duration", "title"};

bool known_field(std::string_view name) {
  if (name.starts_with("data.") && name.size() > 5) return true;
  for (auto f : kFields)
    if (f == name) return true;
  return false;
}

std::string field_list() {
  std::string out;
  for (auto f : kFields) out += fmt::format("{{{}}} ", f);
  return out + "{data.KEY}";
}

// Removes an incomplete UTF-8 sequence left at the end of `s` by a byte-count cut.
void drop_partial_utf8_tail(std::string& s) {
  std::size_t i = s.size();
  std::size_t continuation = 0;
  while (i > 0 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80 && continuation < 3) {
    --i;
    ++continuation;
  }
  if (i == 0) return;
  auto lead = static_cast<unsigned char>(s[i - 1]);
  std::size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (need != continuation) s.resize(i - 1);
}

}  // namespace

EventTemplate::EventTemplate(std::string_view text, std::string_view param) {
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal += '}';
      ++i;
    } else if (c == '{') {
      auto end = text.find('}', i);
      if (end == std::string_view::npos)
        throw ConfigError(fmt::format("{}: unmatched '{{' at offset {}; write {{{{ for a literal brace",
                                      param, i));
      std::string name(text.substr(i + 1, end - i - 1));
      if (!known_field(name))
        throw ConfigError(fmt::format("{}: unknown placeholder {{{}}}; known: {}", param, name,
                                      field_list()));
      if (!literal.empty()) pieces_.push_back({false, std::move(literal)});
      literal.clear();
      pieces_.push_back({true, std::move(name)});
      i = end;
    } else if (c == '}') {
      throw ConfigError(fmt::format("{}: unmatched '}}' at offset {}; write }}}} for a literal brace",
                                    param, i));
    } else {
      literal += c;
    }
  }
  if (!literal.empty()) pieces_.push_back({false, std::move(literal)});
}

std::string EventTemplate::render(const Event& event, Escape escape) const {
  std::string out;
  for (const auto& p : pieces_) {
    if (!p.is_field) {
      out += p.text;
    } else {
      auto value = event_field(event, p.text);
      out += escape == Escape::html ? html_escape(value) : value;
    }
  }
  return out;
}

std::string event_field(const Event& event, std::string_view name) {
  if (name == "type") return event.type;
  if (name == "run_id") return event.run_id;
  if (name == "pipeline") return event.pipeline;
  if (name == "environment") return event.environment;
  if (name == "step_id") return event.step_id;
  if (name == "status") return event.status;
  if (name == "message") return event.message;
  if (name == "title") return event_title(event);
  if (name == "time")
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                       std::chrono::time_point_cast<std::chrono::seconds>(event.time));
  if (name == "duration") {
    if (!event.duration_seconds) return {};
    auto ms = static_cast<long long>(*event.duration_seconds * 1000.0 + 0.5);
    // Whole seconds read better than "1m30s250ms" in a notice.
    if (ms >= 10'000) ms = (ms / 1000) * 1000;
    return format_duration(Duration(ms));
  }
  if (name.starts_with("data.")) {
    auto it = event.data.find(name.substr(5));
    if (it == event.data.end() || it->value().is_null()) return {};
    if (it->value().is_string()) return std::string(it->value().get_string());
    return boost::json::serialize(it->value());
  }
  return {};
}

std::string event_title(const Event& event) {
  std::string what = event.step_id.empty() ? "run" : "step " + event.step_id;
  std::string state = event.status.empty() ? event.type : event.status;
  if (event.type == "test") return fmt::format("drkit test notification ({})", event.pipeline);
  if (event.pipeline.empty()) return fmt::format("{} {}", what, state);
  return fmt::format("{}: {} {}", event.pipeline, what, state);
}

std::string event_status(const Event& event) {
  if (!event.status.empty()) return event.status;
  auto dot = event.type.rfind('.');
  return dot == std::string::npos ? event.type : event.type.substr(dot + 1);
}

std::vector<Fact> event_facts(const Event& event) {
  std::vector<Fact> all = {
      {"Run", event.run_id},
      {"Pipeline", event.pipeline},
      {"Environment", event.environment},
      {"Step", event.step_id},
      {"Status", event_status(event)},
      {"Duration", event_field(event, "duration")},
      {"Event", event.type},
      {"Time", event_field(event, "time")},
  };
  std::vector<Fact> out;
  for (auto& f : all)
    if (!f.value.empty()) out.push_back(std::move(f));
  return out;
}

std::string event_error_text(const Event& event) {
  auto it = event.data.find("error");
  if (it != event.data.end() && it->value().is_string() && !it->value().get_string().empty())
    return std::string(it->value().get_string());
  return event.message;
}

std::string excerpt(std::string_view text, std::size_t max_lines, std::size_t max_chars) {
  std::string out;
  std::size_t lines = 1;
  bool cut = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max_chars) {
      cut = true;
      break;
    }
    if (text[i] == '\n' && ++lines > max_lines) {
      cut = true;
      break;
    }
    out += text[i];
  }
  // Never leave half a UTF-8 sequence at the end.
  if (cut) {
    drop_partial_utf8_tail(out);
    out += " [...]";
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace drkit::notify
