// ConvertTo-Json as Windows PowerShell 5.1 writes it (the Skype for Business Management
// Shell runs on 5.1): enums as numbers, <>&' escaped as \u003c.., objects deeper than
// -Depth replaced by their [string] form.
#pragma once

#include <string>

#include "value.hpp"

namespace cssim {

std::string convert_to_json(const Value& v, int depth, bool compress);

// The JSON string literal for `s`, with 5.1's escaping.
std::string json_quote(std::string_view s);

}  // namespace cssim
