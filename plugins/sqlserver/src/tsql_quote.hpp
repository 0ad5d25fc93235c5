// Quoting for T-SQL text built by the plugin: every identifier and literal that reaches the
// server goes through these functions, so a hostile name cannot change a statement's meaning.
#pragma once

#include <string>
#include <string_view>

namespace drkit::sqlserver {

// [name] with every ']' doubled. REQUIRES: validate_name(name) passed (not checked here, so
// plan() can quote what run() would send even for names it will refuse).
std::string quote_name(std::string_view name);

// N'text' with every '\'' doubled. Any text is allowed, NUL excepted (see validate_literal).
std::string quote_literal(std::string_view text);

// Throws drkit::ConfigError naming `what` unless `name` is a usable SQL Server identifier
// (sysname): 1..128 characters, valid UTF-8, no control characters (NUL, newline, ...).
// Brackets, quotes, spaces, dots and semicolons are allowed: quote_name makes them harmless.
void validate_name(std::string_view name, std::string_view what);

// Throws drkit::ConfigError naming `what` unless `text` can go into a literal: valid UTF-8,
// no NUL, at most `max_chars` characters (paths: 260 is SQL Server's own limit for devices).
void validate_literal(std::string_view text, std::string_view what, std::size_t max_chars = 4000);

// Number of UTF-8 code points, or npos when `text` is not valid UTF-8.
std::size_t utf8_length(std::string_view text);

}  // namespace drkit::sqlserver
