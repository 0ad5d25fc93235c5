// Who runs drkit, as approvals, guard overrides and run records name them: "user@host".
//
// Under sudo or su the account is root, but a person logged in: the record then reads
// "root@host (login alice)". The login comes from the kernel's login uid
// (/proc/self/loginuid, set at login and kept across sudo), which the user cannot change,
// not from SUDO_USER, which anyone can set.
#pragma once

#include <optional>
#include <string>

#include <sys/types.h>

namespace drkit {

std::string host_name();
std::string operator_identity();

// The formatting, for tests: `login_uid` is nullopt when unknown or unset.
std::string format_operator_identity(uid_t uid, std::optional<uid_t> login_uid, const std::string& host);

}  // namespace drkit
