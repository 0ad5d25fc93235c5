// The JSON Microsoft Teams receives for an event: an Adaptive Card for a Workflows
// ("When a Teams webhook request is received") trigger, or a legacy Office 365 connector
// MessageCard.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "drkit/component.hpp"
#include "event_template.hpp"

namespace drkit::notify {

// Colours follow the status (see event_status in event_template.hpp).
// Adaptive Card colour for the status: "Good" (succeeded, approved), "Attention" (failed),
// "Warning" (retrying, interrupted, waiting, guard refused), "Accent" (started, running),
// "Default" otherwise.
std::string_view status_colour(const Event& event);

// The same colour as RGB hex for MessageCard's themeColor ("2DC72D").
std::string_view status_theme_colour(const Event& event);

// Up to 12 lines / 1500 characters of the event's error, or empty when it reports no failure.
std::string error_excerpt(const Event& event);

// {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
//  "content":{"type":"AdaptiveCard","version":"1.4","body":[title, message, facts, error]}}]}
// Facts: Run, Pipeline, Environment, Step, Status, Duration, Event, Time (empty ones left out).
boost::json::object adaptive_card_message(const Event& event, const std::string& title);

// {"@type":"MessageCard","themeColor":...,"summary":...,"sections":[{"facts":[...]}]}
boost::json::object message_card(const Event& event, const std::string& title);

}  // namespace drkit::notify
