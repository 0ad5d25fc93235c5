// EventTemplate: a subject, title or body with {field} placeholders filled from an Event.
//
// Placeholders use single braces, not the manifest's ${...}: the framework resolves ${...}
// while it validates the manifest, before any event exists, so event fields need their own
// syntax. Fields: {type} {run_id} {pipeline} {environment} {step_id} {status} {message}
// {time} {duration} {title} and {data.KEY} (a field of Event::data; empty when the event has
// none). {{ and }} write literal braces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "drkit/component.hpp"

namespace drkit::notify {

// How a value is escaped when it is put into the text.
enum class Escape { none, html };

class EventTemplate {
 public:
  // Parses `text`. Throws drkit::ConfigError naming `param` for an unknown field or an
  // unmatched brace.
  EventTemplate(std::string_view text, std::string_view param);

  std::string render(const Event& event, Escape escape = Escape::none) const;

 private:
  struct Piece {
    bool is_field;
    std::string text;  // literal text, or the field name
  };
  std::vector<Piece> pieces_;
};

// The value of one field ("run_id", "data.attempt"); empty when the event lacks it.
std::string event_field(const Event& event, std::string_view name);

// One line for people: "failover: step restore-db failed", "failover: run succeeded".
std::string event_title(const Event& event);

// The status an event reports: its status field, else the last part of its type
// ("step.failed" -> "failed").
std::string event_status(const Event& event);

struct Fact {
  const char* name;
  std::string value;
};

// The facts a notice lists, in order, empty ones left out: Run, Pipeline, Environment, Step,
// Status, Duration, Event, Time.
std::vector<Fact> event_facts(const Event& event);

// The error text an event carries: data.error when present, else the message.
std::string event_error_text(const Event& event);

// At most `max_lines` lines and `max_chars` characters of `text`, marked when cut.
std::string excerpt(std::string_view text, std::size_t max_lines, std::size_t max_chars);

std::string html_escape(std::string_view text);

}  // namespace drkit::notify
