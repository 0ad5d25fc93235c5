#include "greeting.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace hello {

std::string greeting_line(std::string_view greeting, std::string_view name) {
  std::string line(greeting);
  line += ", ";
  line += name;
  line += "!";
  return line;
}

std::string greeting_text(std::string_view greeting, std::string_view name, std::int64_t repeat) {
  std::string line = greeting_line(greeting, name) + "\n";
  std::string text;
  text.reserve(line.size() * static_cast<std::size_t>(repeat));
  for (std::int64_t i = 0; i < repeat; ++i) text += line;
  return text;
}

std::optional<std::string> find_greeting_for(std::string_view text, std::string_view name) {
  std::string suffix = ", " + std::string(name) + "!";
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.size() > suffix.size() && line.ends_with(suffix)) return std::string(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::optional<std::string> read_file_if_exists(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // ENOTDIR: a file where a folder should be, so this file cannot exist either.
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw std::system_error(errno, std::generic_category(), "cannot read " + path);
  }
  std::string text;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw std::system_error(err, std::generic_category(), "cannot read " + path);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace hello
