// Building the PowerShell scripts the skype-cs plugin sends to the shell.
//
// A script is ONE line: `powershell.exe -Command -` reads stdin like an interactive session,
// line by line, so a multi-line try/catch could run half-parsed. The wrapper makes every error
// terminating and reports it the same way on every host:
//
//   $ErrorActionPreference = 'Stop'; try { Import-Module SkypeForBusiness; <statements> }
//   catch { [Console]::Error.WriteLine($_.Exception.Message);
//           [Console]::Out.WriteLine('DRKIT-SCRIPT-FAILED'); exit 1 }
//
// so a failing cmdlet exits 1 with exactly its own message on stderr, and results come back
// as one line of JSON on stdout (ConvertTo-Json -Compress). The stdout marker catches a
// failure even on a host whose exit code under `-Command -` is not the script's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace drkit::skype_cs {

// The JSON tail every query ends with. Depth 4 covers the projections below.
inline constexpr std::string_view kToJson = " | ConvertTo-Json -Depth 4 -Compress";

// The line the wrapper's catch block prints on stdout.
inline constexpr std::string_view kFailedMarker = "DRKIT-SCRIPT-FAILED";

// Wraps `statements` (joined with "; ") in the error-handling script, one line plus "\n".
std::string wrap_script(std::string_view module_import, const std::vector<std::string>& statements);

// " | ForEach-Object { [pscustomobject]@{ A = [string]$_.A; B = [string]$_.B } }": turns the
// cmdlet's .NET objects into plain strings. Without it ConvertTo-Json (5.1) writes enums as
// numbers (PoolState 1) and identities as nested objects. `list_props` become string arrays
// (@($_.P | ForEach-Object { [string]$_ })). REQUIRES: names pass validate_name.
std::string project(const std::vector<std::string>& props,
                    const std::vector<std::string>& list_props = {});

// A PowerShell literal for a JSON value: 'text', 42, $true, $null, @('a','b'),
// @{Key='v'}. Throws ConfigError (naming `param`) for keys that are not plain names and for
// strings with control characters.
std::string ps_literal(std::string_view param, const boost::json::value& v);

// " -Name value" for each entry: true is a bare switch (-Force), false is -Name:$false.
std::string ps_arguments(std::string_view param, const boost::json::object& args);

}  // namespace drkit::skype_cs
