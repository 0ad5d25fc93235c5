// Streaming digests of copied files: XXH3-128 (libxxhash) and SHA-256 (OpenSSL).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "copy_options.h"
#include "drkit/cancellation.hpp"
#include "os_error.h"

namespace drkit::storage_share {

class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void update(const void* data, std::size_t size) = 0;
  // "xxh3:5f1c..." (algorithm, colon, lowercase hex). Call once.
  virtual std::string finish() = 0;
};

// REQUIRES: algorithm != none.
std::unique_ptr<Hasher> make_hasher(ChecksumAlgorithm algorithm);

// Hashes the open file `fd` from offset 0 to its end with pread. If `drop_cache`, asks the
// kernel to forget the file's cached pages first, so the digest reflects what is on disk
// (call after fsync). Throws OsError(side, "read", path) on a read error.
// Checks `cancel` between chunks (throws drkit::Cancelled).
std::string hash_file(int fd, ChecksumAlgorithm algorithm, bool drop_cache, Side side,
                      const std::string& path, const CancellationToken& cancel);

}  // namespace drkit::storage_share
