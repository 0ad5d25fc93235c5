// SecretScrubber: replaces a notifier's own secrets (password, HMAC key, header values,
// the webhook URL's token) with *** in anything it sends or logs.
//
// The engine already redacts event text; this guards the notifier's own parameters, which
// could otherwise come back in a server's error message or through a template.
#pragma once

#include <string>
#include <vector>

namespace drkit::notify {

class SecretScrubber {
 public:
  // Ignores values shorter than 4 characters: masking "a" would garble every message.
  void add(std::string secret);
  std::string scrub(std::string text) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so a secret containing another wins
};

}  // namespace drkit::notify
