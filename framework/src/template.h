// Templates in manifest strings: ${var.x}, ${secret:env:NAME}, ${secret:file:PATH},
// ${steps.ID.outputs.KEY}, ${run.id}, ${run.pipeline}, ${run.environment}.
//
// A string that is exactly one template takes the referenced value's JSON type (an integer
// output stays an integer); otherwise references are spliced into the text. "$${" writes a
// literal "${". A reference that cannot be resolved is an error, never an empty string.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "diagnostic.h"

namespace drkit {

// The references in `text` ("var.x", "secret:env:X"); throws ConfigError if a "${" is
// never closed.
std::vector<std::string> template_references(std::string_view text);

// Resolves one reference or throws ConfigError saying why it cannot.
using TemplateLookup = std::function<boost::json::value(std::string_view reference)>;

// Resolves every string inside `v`. Problems are appended to `out` with paths under `path`
// and the unresolved text is kept.
boost::json::value resolve_templates(const boost::json::value& v, const TemplateLookup& lookup,
                                     const std::string& path, Diagnostics& out);
// What becomes of "$${" in the text resolve_templates writes: the last pass turns it into a
// literal "${"; an earlier pass that leaves some references for later (the manifest's
// ${var.*} pass) must keep it escaped, or the later pass would read it as a reference.
enum class Escapes { unescape, keep };

// The same, changing `v` itself: no copy of the parts without templates.
void resolve_templates_in_place(boost::json::value& v, const TemplateLookup& lookup, const std::string& path,
                                Diagnostics& out, Escapes escapes = Escapes::unescape);

}  // namespace drkit
