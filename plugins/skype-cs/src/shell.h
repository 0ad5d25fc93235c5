// The skype-cs.shell resource and running a script through it.
//
// The script always goes to the child's stdin, never on its argv (argv is readable by every
// user in /proc): the command line is only the configured program and arguments, or ssh and
// the remote shell command.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "drkit/context.hpp"
#include "drkit/duration.hpp"
#include "drkit/params.hpp"
#include "drkit/spec.hpp"

namespace drkit::skype_cs {

inline constexpr const char* kShellResourceType = "skype-cs.shell";

ComponentSpec shell_resource_spec();

// The `shell` parameter every component takes.
ParamSpec shell_param_spec();

struct ShellConfig {
  std::string name;                       // the resource's name, for messages
  std::string transport;                  // "local" | "ssh"
  std::vector<std::string> argv;          // the child's command line
  std::map<std::string, std::string> env; // added to the child's environment
  std::string module_import;              // "Import-Module SkypeForBusiness" or empty
  Duration timeout{0};

  // Reads and checks the resource `shell` of `params`. Throws ConfigError.
  static ShellConfig from_params(const Params& params);
  // "local pwsh -NoProfile ..." or "ssh admin@fe1.contoso.com: powershell.exe ...".
  std::string describe() const;
};

// Runs `script` (from wrap_script) and returns the JSON it printed on its last non-empty
// stdout line (null when it printed nothing). `what` names the operation in messages
// ("Set-CsPersistentChatState"). Throws StepError:
//  - code "cs.cmdlet_failed": the script exited non-zero; the message ends with the shell's
//    stderr (the cmdlet's own error message);
//  - code "cs.timeout" (retryable): killed after the resource's timeout;
//  - code "cs.ssh" (retryable): ssh exited 255 (connection or authentication failure);
//  - code "cs.bad_output": the output was not JSON.
boost::json::value run_shell_script(Context& ctx, const ShellConfig& shell, const std::string& script,
                                    std::string_view what);

}  // namespace drkit::skype_cs
