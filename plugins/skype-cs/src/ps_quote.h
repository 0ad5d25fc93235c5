// PowerShell quoting and the validation of the values the skype-cs plugin puts in scripts.
//
// Every value reaches PowerShell as a single-quoted string: no expansion happens inside, and
// a quote character inside is doubled. PowerShell treats U+2018, U+2019, U+201A and U+201B
// as single quotes too (a U+2019 ends a '...' string), so those are doubled as well.
// Validation comes on top (defence in depth, and clearer errors): FQDNs, identities, UNC
// paths and names are checked before any script is built, and control characters (which
// would split the one-line script the real `-Command -` reads line by line) are refused.
//
// The validate_* functions throw drkit::ConfigError naming the parameter and what is
// allowed.
#pragma once

#include <string>
#include <string_view>

namespace drkit::skype_cs {

// 'value' with ' and U+2018..U+201B doubled. Works for any bytes; callers validate first.
std::string ps_quote(std::string_view value);

// No control characters (C0, DEL, U+0085, U+2028, U+2029) and valid UTF-8.
void validate_single_line(std::string_view param, std::string_view value);
// A DNS name: labels of letters, digits and '-', 1..63 characters, total at most 253.
void validate_fqdn(std::string_view param, std::string_view value);
// An XDS identity such as "service:PersistentChatServer:pchat.contoso.com" or "global":
// letters, digits and : . _ - / @ (and inner spaces), at most 256 characters.
void validate_identity(std::string_view param, std::string_view value);
// A SQL Server instance name: letters, digits, _ $ #, 1..16 characters.
void validate_sql_instance(std::string_view param, std::string_view value);
// A UNC path \\server\share[\...] on one line.
void validate_unc_path(std::string_view param, std::string_view value);
// A cmdlet name Verb-Noun (letters and digits).
void validate_cmdlet_name(std::string_view param, std::string_view value);
// A parameter, property or hashtable key name: a letter then letters and digits.
void validate_name(std::string_view param, std::string_view value);
// "Import-Module Name" or "Import-Module 'path'", or empty (no import).
void validate_module_import(std::string_view param, std::string_view value);

}  // namespace drkit::skype_cs
