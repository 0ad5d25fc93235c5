// storage_share_copy_child [--as-user NAME] '<copy_backups `with` as JSON>'
//
// Runs storage-share.copy_backups through the test harness in a process of its own, prints
// the outputs (or {"error", "code", "retryable"}) as one JSON line on stdout, and exits 0
// (succeeded), 1 (StepError) or 2 (anything else). --as-user drops root first, so a test
// running as root can meet real EACCES errors.
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <string>

#include <boost/json.hpp>

#include "drkit/errors.hpp"
#include "drkit/testing.hpp"

namespace {

bool drop_privileges(const char* user) {
  const passwd* pw = ::getpwnam(user);
  if (!pw) {
    std::cerr << "no user " << user << "\n";
    return false;
  }
  if (::setgroups(0, nullptr) != 0 || ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0) {
    std::cerr << "cannot become " << user << ": " << std::strerror(errno) << "\n";
    return false;
  }
  return ::geteuid() == pw->pw_uid;
}

}  // namespace

int main(int argc, char** argv) {
  int arg = 1;
  if (argc > 2 && std::string(argv[1]) == "--as-user") {
    if (!drop_privileges(argv[2])) return 3;
    arg = 3;
  }
  if (arg + 1 != argc) {
    std::cerr << "usage: storage_share_copy_child [--as-user NAME] '<with JSON>'\n";
    return 3;
  }
  boost::json::object result;
  int code = 0;
  try {
    drkit::testing::Harness h({DRKIT_PLUGIN_DIR});
    result = h.run("storage-share.copy_backups", boost::json::parse(argv[arg]).as_object());
  } catch (const drkit::StepError& e) {
    result = {{"error", e.what()}, {"code", e.code()}, {"retryable", e.retryable()}};
    code = 1;
  } catch (const std::exception& e) {
    result = {{"error", e.what()}};
    code = 2;
  }
  std::cout << boost::json::serialize(result) << std::endl;
  return code;
}
