#include "checksum.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "os_error.h"

namespace drkit::storage_share {

namespace {

constexpr std::size_t kHashBuffer = 1 << 20;

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

class Xxh3Hasher final : public Hasher {
 public:
  Xxh3Hasher() : state_(XXH3_createState()) {
    if (!state_ || XXH3_128bits_reset(state_) != XXH_OK)
      throw std::runtime_error("xxh3: cannot initialise the hash state");
  }
  ~Xxh3Hasher() override { XXH3_freeState(state_); }
  Xxh3Hasher(const Xxh3Hasher&) = delete;
  Xxh3Hasher& operator=(const Xxh3Hasher&) = delete;

  void update(const void* data, std::size_t size) override { XXH3_128bits_update(state_, data, size); }
  std::string finish() override {
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(state_));
    return "xxh3:" + to_hex(c.digest, sizeof c.digest);
  }

 private:
  XXH3_state_t* state_;
};

// OpenSSL's libcrypto, opened on the first SHA-256 rather than linked: linking it made every
// drkit command that loads this plugin pay for its relocations (about a fifth of what
// `drkit validate` spent), for an option few runs use. The library stays loaded.
class LibCrypto {
 public:
  static const LibCrypto& get() {
    static const LibCrypto instance;
    return instance;
  }
  EVP_MD_CTX* (*md_ctx_new)() = nullptr;
  void (*md_ctx_free)(EVP_MD_CTX*) = nullptr;
  const EVP_MD* (*sha256)() = nullptr;
  int (*digest_init_ex)(EVP_MD_CTX*, const EVP_MD*, ENGINE*) = nullptr;
  int (*digest_update)(EVP_MD_CTX*, const void*, size_t) = nullptr;
  int (*digest_final_ex)(EVP_MD_CTX*, unsigned char*, unsigned int*) = nullptr;

 private:
  static constexpr const char* kLibrary = "libcrypto.so.3";  // Debian 12: libssl3
  LibCrypto() {
    void* lib = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
      throw std::runtime_error(fmt::format("sha256: cannot open {} ({}): install libssl3 or use checksum xxh3",
                                           kLibrary, ::dlerror()));
    bind(lib, md_ctx_new, "EVP_MD_CTX_new");
    bind(lib, md_ctx_free, "EVP_MD_CTX_free");
    bind(lib, sha256, "EVP_sha256");
    bind(lib, digest_init_ex, "EVP_DigestInit_ex");
    bind(lib, digest_update, "EVP_DigestUpdate");
    bind(lib, digest_final_ex, "EVP_DigestFinal_ex");
  }
  template <typename F>
  static void bind(void* lib, F& fn, const char* name) {
    fn = reinterpret_cast<F>(::dlsym(lib, name));
    if (!fn) throw std::runtime_error(fmt::format("sha256: {} has no {}", kLibrary, name));
  }
};

class Sha256Hasher final : public Hasher {
 public:
  Sha256Hasher() : crypto_(LibCrypto::get()), ctx_(crypto_.md_ctx_new()) {
    if (!ctx_ || crypto_.digest_init_ex(ctx_, crypto_.sha256(), nullptr) != 1)
      throw std::runtime_error("sha256: cannot initialise the OpenSSL digest");
  }
  ~Sha256Hasher() override { crypto_.md_ctx_free(ctx_); }
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void update(const void* data, std::size_t size) override { crypto_.digest_update(ctx_, data, size); }
  std::string finish() override {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    crypto_.digest_final_ex(ctx_, md, &len);
    return "sha256:" + to_hex(md, len);
  }

 private:
  const LibCrypto& crypto_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::unique_ptr<Hasher> make_hasher(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::xxh3: return std::make_unique<Xxh3Hasher>();
    case ChecksumAlgorithm::sha256: return std::make_unique<Sha256Hasher>();
    case ChecksumAlgorithm::none: break;
  }
  throw std::logic_error("make_hasher: no algorithm");
}

std::string hash_file(int fd, ChecksumAlgorithm algorithm, bool drop_cache, Side side,
                      const std::string& path, const CancellationToken& cancel) {
  if (drop_cache) ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  auto hasher = make_hasher(algorithm);
  std::vector<char> buf(kHashBuffer);
  off_t off = 0;
  for (;;) {
    cancel.throw_if_cancelled();
    ssize_t n = ::pread(fd, buf.data(), buf.size(), off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw OsError(side, "read", path, errno);
    }
    if (n == 0) break;
    hasher->update(buf.data(), static_cast<std::size_t>(n));
    off += n;
  }
  return hasher->finish();
}

}  // namespace drkit::storage_share
