// Real mssql-sim processes for the sqlserver plugin tests: each started on a free port in its
// own temp dir, reached through the real FreeTDS ODBC driver, stopped (SIGTERM, then SIGKILL)
// by the destructor.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "drkit/testing.hpp"
#include "temp_dir.h"

namespace sqlserver_test {

inline const char* kPassword = "Sim-Pa55'w0rd!";  // a quote: literal quoting must not touch it

using drkit::test_support::TempDir;

class SimProcess {
 public:
  // Starts `mssql-sim --data <root>/<name> --port 0 --name <name> --write-rate 0 [--database db]...`
  // and waits for its readiness line.
  SimProcess(const std::filesystem::path& root, std::string name, std::vector<std::string> databases = {},
             std::vector<std::string> extra_args = {});
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  const std::string& name() const { return name_; }
  int port() const { return port_; }
  int endpoint_port() const { return endpoint_port_; }
  std::string endpoint_address() const { return "TCP://127.0.0.1:" + std::to_string(endpoint_port_); }
  // ODBC connection string without credentials (FreeTDS by path: no odbcinst registration needed).
  std::string connection() const;
  // The resource's `with` block: connection, user sa, password.
  boost::json::object resource(boost::json::object extra = {}) const;
  // Runs a control command on the endpoint port; returns its output lines (throws on ERR).
  std::vector<std::string> control(const std::string& command) const;
  void stop();

 private:
  std::string name_;
  pid_t pid_ = -1;
  int port_ = 0;
  int endpoint_port_ = 0;
};

// The plugin directory of this build tree.
std::vector<std::filesystem::path> plugin_dirs();

// Runs T-SQL through the plugin's own execute step and returns its first result set's rows.
boost::json::array sql(drkit::testing::Harness& h, const std::string& instance, const std::string& text);

}  // namespace sqlserver_test
