#include "shell.h"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "drkit/process.hpp"
#include "ps_quote.h"
#include "ps_script.h"

namespace drkit::skype_cs {

namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string last_nonempty_line(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0) {
    std::size_t start = text.rfind('\n', end - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::string line = trim(text.substr(start, end - start));
    if (!line.empty()) return line;
    if (start == 0) break;
    end = start - 1;
  }
  return {};
}

}  // namespace

ComponentSpec shell_resource_spec() {
  using boost::json::array;
  return {
      .name = "shell",
      .summary = "A Skype for Business Server Management Shell: a local PowerShell process or one "
                 "reached over ssh",
      .params =
          {
              {.name = "transport",
               .default_value = "local",
               .allowed = {"local", "ssh"},
               .description = "local: run `program args` here; ssh: run `remote_command` on "
                              "`ssh_target` through ssh (BatchMode, key authentication)"},
              {.name = "program",
               .default_value = "pwsh",
               .description = "local transport: the PowerShell host (powershell.exe on Windows; "
                              "cs-shell-sim in the lab)"},
              {.name = "args",
               .type = ParamType::list,
               .default_value = array{"-NoProfile", "-NonInteractive", "-Command", "-"},
               .description = "local transport: the host's arguments; the script is read from "
                              "stdin, so they must include `-Command -`"},
              {.name = "ssh_target",
               .description = "ssh transport: user@host of a Front End or admin server"},
              {.name = "ssh_program", .default_value = "ssh",
               .description = "ssh transport: the ssh client"},
              {.name = "ssh_port", .type = ParamType::integer,
               .description = "ssh transport: the port (default: ssh's)", .minimum = 1, .maximum = 65535},
              {.name = "ssh_identity_file",
               .description = "ssh transport: the private key file (-i)"},
              {.name = "ssh_options",
               .type = ParamType::list,
               .default_value = array{},
               .description = "ssh transport: extra -o options, e.g. "
                              "\"UserKnownHostsFile=/etc/drkit/known_hosts\""},
              {.name = "remote_command",
               .default_value = "powershell.exe -NoProfile -NonInteractive -Command -",
               .description = "ssh transport: the command the remote side runs; it reads the "
                              "script on stdin"},
              {.name = "module_import",
               .default_value = "Import-Module SkypeForBusiness",
               .description = "the line that loads the cmdlets (Lync Server 2013: "
                              "\"Import-Module Lync\"); empty when the host loads them"},
              {.name = "timeout",
               .type = ParamType::duration,
               .default_value = "2m",
               .description = "how long one script may run before the shell is killed"},
              {.name = "env",
               .type = ParamType::object,
               .default_value = boost::json::object{},
               .description = "environment variables for the local shell (string values); put "
                              "secrets here, never in `args`"},
          },
      .description =
          "Every skype-cs component runs one PowerShell script through this shell. The script "
          "goes to the child's stdin (never its command line), stops at the first error and "
          "prints its result as one line of JSON."};
}

ParamSpec shell_param_spec() {
  return {.name = "shell",
          .type = ParamType::resource,
          .required = true,
          .description = "the skype-cs.shell resource to run the cmdlets in",
          .resource_type = kShellResourceType};
}

ShellConfig ShellConfig::from_params(const Params& params) {
  const ResourceRef& r = params.resource("shell");
  const Params& p = r.params;
  ShellConfig c;
  c.name = r.name;
  c.transport = p.string_or("transport", "local");
  c.module_import = p.string_or("module_import", "Import-Module SkypeForBusiness");
  validate_module_import(fmt::format("{}.module_import", r.name), c.module_import);
  c.timeout = p.has("timeout") ? p.duration("timeout") : Duration(std::chrono::minutes(2));
  if (p.has("env"))
    for (const auto& kv : p.object("env")) {
      if (!kv.value().is_string())
        throw ConfigError(fmt::format("{}.env.{}: expected a string", r.name, std::string_view(kv.key())));
      c.env[std::string(kv.key())] = std::string(kv.value().get_string());
    }
  if (c.transport == "local") {
    c.argv.push_back(p.string_or("program", "pwsh"));
    if (p.has("args"))
      for (auto& a : p.strings("args")) c.argv.push_back(std::move(a));
  } else {
    if (!p.has("ssh_target"))
      throw ConfigError(fmt::format("{}: transport ssh needs ssh_target (user@host)", r.name));
    std::string target = p.string("ssh_target");
    validate_single_line(fmt::format("{}.ssh_target", r.name), target);
    if (target.empty() || target.front() == '-' || target.find(' ') != std::string::npos)
      throw ConfigError(fmt::format("{}.ssh_target: '{}' is not valid: expected user@host", r.name, target));
    c.argv = {p.string_or("ssh_program", "ssh"), "-o", "BatchMode=yes"};
    if (p.has("ssh_port")) {
      auto port = p.integer("ssh_port");  // 1..65535 (the spec)
      c.argv.insert(c.argv.end(), {"-p", std::to_string(port)});
    }
    if (p.has("ssh_identity_file"))
      c.argv.insert(c.argv.end(), {"-i", p.string("ssh_identity_file")});
    if (p.has("ssh_options"))
      for (auto& o : p.strings("ssh_options")) c.argv.insert(c.argv.end(), {"-o", o});
    c.argv.insert(c.argv.end(),
                  {"--", target,
                   p.string_or("remote_command",
                               "powershell.exe -NoProfile -NonInteractive -Command -")});
  }
  return c;
}

std::string ShellConfig::describe() const {
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
  return fmt::format("shell '{}' ({}: {})", name, transport, cmd);
}

boost::json::value run_shell_script(Context& ctx, const ShellConfig& shell, const std::string& script,
                                    std::string_view what) {
  ProcessRequest req;
  req.argv = shell.argv;
  req.env = shell.env;
  req.stdin_data = script;
  req.timeout = shell.timeout;
  ctx.log().debug(fmt::format("{}: running {}", shell.describe(), script));
  ProcessResult res = run_process(ctx, req);
  if (res.cancelled) throw Cancelled();
  if (res.timed_out)
    throw StepError(fmt::format("{} on shell '{}' did not finish within {}: the shell was killed",
                                what, shell.name, format_duration(shell.timeout)),
                    Retryable::yes, "cs.timeout");
  std::string err = trim(tail_lines(res.stderr_text, 20));
  bool marked_failed = last_nonempty_line(res.stdout_text) == kFailedMarker;
  if (res.exit_code != 0 || marked_failed) {
    if (res.signal != 0)
      throw StepError(fmt::format("{} on shell '{}': the shell was killed by signal {}", what,
                                  shell.name, res.signal),
                      Retryable::yes, "cs.killed");
    if (shell.transport == "ssh" && res.exit_code == 255)
      throw StepError(fmt::format("{}: ssh to shell '{}' failed: {}", what, shell.name,
                                  err.empty() ? "exit code 255" : err),
                      Retryable::yes, "cs.ssh");
    std::string detail = err;
    if (detail.empty() && marked_failed) {
      detail = "the script failed without an error message";
    } else if (detail.empty()) {
      std::string out = trim(tail_lines(res.stdout_text, 5));
      detail = fmt::format("exit code {}{}{}", res.exit_code, out.empty() ? "" : ": ", out);
    }
    throw StepError(fmt::format("{} failed on shell '{}': {}", what, shell.name, detail),
                    Retryable::no, "cs.cmdlet_failed");
  }
  if (!err.empty()) ctx.log().warn(fmt::format("{} on shell '{}' wrote: {}", what, shell.name, err));
  std::string line = last_nonempty_line(res.stdout_text);
  if (line.empty()) return nullptr;
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  if (ec)
    throw StepError(fmt::format("{} on shell '{}': the output is not JSON ({}): {}", what,
                                shell.name, ec.message(), line.substr(0, 200)),
                    Retryable::no, "cs.bad_output");
  return v;
}

}  // namespace drkit::skype_cs
