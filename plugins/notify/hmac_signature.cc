#include "hmac_signature.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

namespace drkit::notify {

namespace {

// Poco's SHA-256 with the block and digest sizes HMACEngine needs. Poco, not OpenSSL: the
// plugin then loads no crypto library until a TLS connection needs one (tls_library.hpp),
// and webhook bodies are small.
class Sha256ForHmac : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256ForHmac() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  Poco::HMACEngine<Sha256ForHmac> hmac(std::string{key});
  hmac.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(hmac.digest());
}

std::string webhook_signature(std::string_view key, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(key, body);
}

}  // namespace drkit::notify
