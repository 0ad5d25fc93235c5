// Fixtures for the notify tests: temp dirs, throwaway certificates, and the Python SMTP and
// HTTP servers (real processes on 127.0.0.1, free ports, killed when the fixture ends).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <Poco/Process.h>
#include <boost/json/value.hpp>

#include "drkit/component.hpp"
#include "temp_dir.h"

namespace notify_test {

namespace fs = std::filesystem;

using drkit::test_support::TempDir;

// A self-signed certificate for `host` (CN and SAN; with 127.0.0.1 too for localhost), made
// with openssl.
struct Certificate {
  fs::path cert;
  fs::path key;
};
Certificate make_certificate(const fs::path& dir, const std::string& name,
                             const std::string& host = "localhost");

// A Python server script started with /usr/bin/python3; it prints "PORT <n>" when ready.
class ServerProcess {
 public:
  ServerProcess(const std::string& script, std::vector<std::string> args,
                std::map<std::string, std::string> env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  int port() const { return port_; }

 private:
  int port_ = 0;  // before handle_: its initializer sets port_
  Poco::ProcessHandle handle_;
};

// The NNN.json records a server wrote to `dir`, in order.
std::vector<boost::json::value> records(const fs::path& dir);
// Waits (up to 30 s) until `dir` holds `count` records, then returns them.
std::vector<boost::json::value> wait_for_records(const fs::path& dir, std::size_t count);

std::string read_file(const fs::path& path);

// A step.failed event with a duration, an attempt and a two-line error.
drkit::Event failed_event();
// A run.finished event that succeeded.
drkit::Event succeeded_event();

}  // namespace notify_test
