#include "operator_identity.h"

#include <pwd.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

namespace drkit {

namespace {

std::string account_name(uid_t uid) {
  if (const auto* pw = ::getpwuid(uid)) return pw->pw_name;
  return std::to_string(uid);
}

std::optional<uid_t> login_uid() {
  std::ifstream in("/proc/self/loginuid");
  long long id = -1;
  // 4294967295 ((uid_t)-1): no login recorded (a service, a container without audit).
  if (!(in >> id) || id < 0 || id >= 4294967295LL) return std::nullopt;
  return static_cast<uid_t>(id);
}

}  // namespace

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string format_operator_identity(uid_t uid, std::optional<uid_t> login, const std::string& host) {
  std::string out = fmt::format("{}@{}", account_name(uid), host);
  if (login && *login != uid) out += fmt::format(" (login {})", account_name(*login));
  return out;
}

std::string operator_identity() { return format_operator_identity(::getuid(), login_uid(), host_name()); }

}  // namespace drkit
