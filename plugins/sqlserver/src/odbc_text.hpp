// Text across the ODBC boundary: batches go in as UTF-16 (the W entry points), names, values
// and messages come back as UTF-16 and are kept as UTF-8.
#pragma once

#include <sql.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace drkit::sqlserver {

std::u16string to_utf16(std::string_view text);
std::string to_utf8(const SQLWCHAR* text, std::size_t length);

}  // namespace drkit::sqlserver
