// The greeting file: what hello.write_greeting writes and hello.greeted reads. Pure logic,
// no drkit types, so it is unit-tested without loading the plugin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hello {

// "Hello, Ada!"
std::string greeting_line(std::string_view greeting, std::string_view name);

// `repeat` greeting lines, each ending in '\n'. REQUIRES: repeat >= 1.
std::string greeting_text(std::string_view greeting, std::string_view name, std::int64_t repeat);

// The first line of `text` that greets `name` ("<anything>, <name>!"), or nullopt.
std::optional<std::string> find_greeting_for(std::string_view text, std::string_view name);

// The whole file, or nullopt when it does not exist (or a path component is not a folder).
// Throws std::system_error for any other failure (permission denied, a folder where the file
// should be), naming the file.
std::optional<std::string> read_file_if_exists(const std::string& path);

}  // namespace hello
