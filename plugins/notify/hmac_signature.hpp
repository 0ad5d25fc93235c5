// HMAC-SHA256 signatures of webhook bodies.
#pragma once

#include <string>
#include <string_view>

namespace drkit::notify {

// Lower-case hex HMAC-SHA256 of `data` under `key` (64 characters).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// The signature header value the webhook notifier sends: "sha256=" + hmac_sha256_hex.
std::string webhook_signature(std::string_view key, std::string_view body);

}  // namespace drkit::notify
