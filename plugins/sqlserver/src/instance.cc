#include "instance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "log_chain.hpp"

namespace drkit::sqlserver {

ComponentSpec instance_resource_spec() {
  ComponentSpec s;
  s.name = "instance";
  s.summary = "A SQL Server instance reached through ODBC (FreeTDS or Microsoft's driver)";
  s.description =
      "connection: the ODBC connection string without credentials, e.g. "
      "\"Driver=FreeTDS;Server=sql1.contoso.com;Port=1433;TDS_Version=7.4\". user and password are "
      "added as UID and PWD when connecting (the password is a secret: use ${secret:env:NAME}). "
      "One connection per instance is opened per run and reused by every step.";
  s.params = {
      {.name = "connection", .required = true,
       .description = "ODBC connection string without UID/PWD"},
      {.name = "user", .required = false, .description = "SQL login (omit for integrated security)"},
      {.name = "password", .required = false, .description = "Password of `user`", .secret = true},
      {.name = "login_timeout", .type = ParamType::duration, .default_value = "15s",
       .description = "How long to wait for the server to accept the login"},
      {.name = "statement_timeout", .type = ParamType::duration, .default_value = "0s",
       .description = "Longest a single batch may run; 0s = no limit (RESTORE can take hours)"},
      {.name = "application_name", .default_value = "drkit",
       .description = "Program name the server shows in sys.dm_exec_sessions"},
  };
  return s;
}

ParamSpec instance_param(std::string name, std::string description) {
  return {.name = std::move(name), .type = ParamType::resource, .required = true,
          .description = std::move(description), .resource_type = "sqlserver.instance"};
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool has_key(std::string_view connection, std::string_view key) {
  std::string cs = lower(connection);
  std::string k = lower(key) + "=";
  for (std::size_t pos = cs.find(k); pos != std::string::npos; pos = cs.find(k, pos + 1)) {
    std::size_t before = pos;
    while (before > 0 && cs[before - 1] == ' ') --before;
    if (before == 0 || cs[before - 1] == ';') return true;
  }
  return false;
}

std::chrono::seconds whole_seconds(Duration d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d);
  if (d.count() > 0 && s.count() == 0) s = std::chrono::seconds(1);  // ODBC counts whole seconds
  return s;
}

}  // namespace

std::string odbc_brace(std::string_view value) {
  // Plain when nothing needs quoting: FreeTDS 1.3 passes braces through literally.
  bool plain = !value.empty() && value.find_first_of(";{}") == std::string_view::npos &&
               value.front() != ' ' && value.back() != ' ';
  if (plain) return std::string(value);
  std::string out = "{";
  for (char c : value) {
    out += c;
    if (c == '}') out += '}';
  }
  return out + "}";
}

InstanceConfig instance_config(const ResourceRef& resource) {
  const Params& p = resource.params;
  InstanceConfig c;
  c.name = resource.name;
  c.connection = p.string("connection");
  for (const char* key : {"PWD", "Password", "UID", "User ID"}) {
    if (has_key(c.connection, key))
      throw ConfigError(fmt::format(
          "resource '{}': the connection string contains {}=; put credentials in `user` and "
          "`password` (a ${{secret:...}}) so they never appear in plans or logs",
          resource.name, key));
  }
  c.user = p.string_or("user", "");
  c.password = p.string_or("password", "");
  c.login_timeout = whole_seconds(p.duration("login_timeout"));
  c.statement_timeout = whole_seconds(p.duration("statement_timeout"));
  c.application_name = p.string_or("application_name", "drkit");
  return c;
}

std::string driver_connection_string(const InstanceConfig& c) {
  std::string cs = c.connection;
  while (!cs.empty() && (cs.back() == ';' || cs.back() == ' ')) cs.pop_back();
  if (!c.user.empty()) cs += ";UID=" + odbc_brace(c.user);
  if (!c.password.empty()) cs += ";PWD=" + odbc_brace(c.password);
  if (!has_key(cs, "APP") && !c.application_name.empty()) cs += ";APP=" + odbc_brace(c.application_name);
  return cs;
}

Instance::Instance(Context& ctx, InstanceConfig config) : ctx_(ctx), config_(std::move(config)) {}

Connection& Instance::connection() {
  if (connection_ && !connection_->broken()) return *connection_;
  if (connection_) {
    ctx_.forget_shared(key());
    connection_.reset();
  }
  try {
    connection_ = ctx_.shared<Connection>(key(), [&] {
      ConnectionOptions o;
      o.connection_string = driver_connection_string(config_);
      o.login_timeout = config_.login_timeout;
      o.statement_timeout = config_.statement_timeout;
      o.secrets = {config_.password, o.connection_string};
      return std::make_shared<Connection>(o);
    });
  } catch (const SqlError& e) {
    const Diagnostic& d = e.primary();
    bool login_failed = d.number == 18456 || d.sqlstate == "28000";
    throw StepError(fmt::format("{}: cannot connect: {}", config_.name, e.what()),
                    login_failed ? Retryable::no : Retryable::yes,
                    login_failed ? "sql.18456" : "sql.unreachable");
  }
  if (connection_->broken()) {
    // A connection another component broke in this run: reopen it once.
    ctx_.forget_shared(key());
    connection_.reset();
    return connection();
  }
  return *connection_;
}

BatchResult Instance::execute_raw(std::string_view batch) {
  Connection& conn = connection();
  try {
    return conn.execute(
        batch, [&](const Diagnostic& d) { ctx_.log().info(fmt::format("{}: {}", config_.name, d.message)); },
        &ctx_.cancellation());
  } catch (const SqlError& e) {
    if (e.link_failure() || conn.broken()) {
      ctx_.forget_shared(key());
      connection_.reset();
    }
    // The run was cancelled (SIGINT, step timeout) and the statement with it (HY008).
    ctx_.cancellation().throw_if_cancelled();
    throw;
  }
}

void Instance::fail(const SqlError& e, std::string_view what) const {
  const Diagnostic& d = e.primary();
  bool link = e.link_failure();
  bool retry = link || e.timeout() || e.has_number(3101) || e.has_number(1205);
  std::string code = link ? "sql.link" : e.timeout() ? "sql.timeout" : fmt::format("sql.{}", d.number);
  std::string hint = link ? " (connection lost; a retry reconnects)" : "";
  throw StepError(fmt::format("{}: {}: {}{}", config_.name, what, e.what(), hint),
                  retry ? Retryable::yes : Retryable::no, code);
}

BatchResult Instance::execute(std::string_view batch) {
  try {
    return execute_raw(batch);
  } catch (const SqlError& e) {
    std::string_view first = batch.substr(0, std::min<std::size_t>(batch.find('\n'), 120));
    fail(e, first);
  }
}

}  // namespace drkit::sqlserver
