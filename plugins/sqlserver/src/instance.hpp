// The `sqlserver.instance` resource and the per-run connection to it.
//
// A manifest declares an instance once (ODBC connection string without credentials, user,
// password as a secret, timeouts); steps name it in their `instance` parameter. The first
// component to use an instance in a run opens the connection; later ones reuse it
// (Context::shared, key "sqlserver:<resource>"). A link failure forgets the connection, so the
// engine's retry opens a new one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "drkit/context.hpp"
#include "drkit/errors.hpp"
#include "drkit/params.hpp"
#include "drkit/spec.hpp"
#include "odbc_connection.hpp"

namespace drkit::sqlserver {

struct InstanceConfig {
  std::string name;        // the resource name, for messages and the connection cache
  std::string connection;  // ODBC connection string, no credentials
  std::string user;
  std::string password;
  std::chrono::seconds login_timeout{15};
  std::chrono::seconds statement_timeout{0};
  std::string application_name = "drkit";
};

ComponentSpec instance_resource_spec();
// A parameter naming an instance resource.
ParamSpec instance_param(std::string name = "instance", std::string description = "The SQL Server instance.");
// Reads and checks a resource's parameters; throws ConfigError with a fix.
InstanceConfig instance_config(const ResourceRef& resource);
// The string given to the driver: the configured one plus UID, PWD and APP. Never log it.
std::string driver_connection_string(const InstanceConfig& config);
// ODBC connection-string value quoting: the value as is when it holds no ';', '{', '}' or
// edge spaces, else {value} with '}' doubled (the ODBC rule; FreeTDS 1.3.17 does not unwrap
// braces, so with FreeTDS such passwords cannot be used).
std::string odbc_brace(std::string_view value);

// The component's handle on an instance for one invocation.
class Instance {
 public:
  Instance(Context& ctx, InstanceConfig config);

  const InstanceConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }

  // Runs a batch; INFO messages go to the step log. Throws StepError: retryable for link
  // failures (the cached connection is forgotten first), timeouts, 3101 and deadlocks (1205);
  // code "sql.<number>" (or "sql.link", "sql.timeout").
  BatchResult execute(std::string_view batch);
  // Like execute but throws the raw SqlError (after forgetting a lost connection), for steps
  // that react to specific error numbers.
  BatchResult execute_raw(std::string_view batch);
  // Turns a SqlError into the StepError execute() would throw.
  [[noreturn]] void fail(const SqlError& e, std::string_view what) const;

  // The open connection (opening it if needed). Throws StepError when it cannot connect.
  Connection& connection();

 private:
  std::string key() const { return "sqlserver:" + config_.name; }

  Context& ctx_;
  InstanceConfig config_;
  std::shared_ptr<Connection> connection_;
};

}  // namespace drkit::sqlserver
