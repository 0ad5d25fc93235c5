// Typed configuration of the storage-share components, parsed once from validated Params.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "drkit/params.hpp"

namespace drkit::storage_share {

// Where the share is and how long it may take to answer.
struct ShareLocation {
  std::filesystem::path path;
  std::chrono::milliseconds reachable_within{10'000};
  // For messages: "share 'backup_share' (/mnt/share)" or "/mnt/share".
  std::string label;
};

// Which files on the share count as log backups.
struct Selection {
  std::string pattern = "*.trn";
  std::vector<std::string> ignore;
  // 0 = no stability check.
  std::chrono::milliseconds stable_for{5'000};
};

enum class CompareMode { size, checksum };
enum class ChecksumAlgorithm { none, xxh3, sha256 };
enum class CopyMethod { automatic, copy_file_range, sendfile, read_write };
enum class UnreachablePolicy { fail, carry_on };
enum class FileErrorPolicy { fail, carry_on };

const char* to_string(ChecksumAlgorithm a);
const char* to_string(CopyMethod m);

// Bounds of `parallel` and `bandwidth_mib_s`, declared in the spec (validated by drkit).
inline constexpr std::int64_t kMaxParallel = 64;
inline constexpr std::int64_t kMaxBandwidthMib = 1 << 20;

// Options of storage-share.copy_backups. Defaults match the spec's.
struct CopyOptions {
  ShareLocation share;
  std::filesystem::path destination;
  Selection selection;
  // size: a destination file of the same size is up to date. checksum: same size and the
  // same content (both sides hashed; slow, reads every file twice).
  CompareMode compare = CompareMode::size;
  // Hash each copied file as it is read, read the destination back from disk after fsync
  // and compare; the digests go to the outputs.
  ChecksumAlgorithm checksum = ChecksumAlgorithm::none;
  // Concurrent copies, 1..64.
  int parallel = 4;
  CopyMethod method = CopyMethod::automatic;
  UnreachablePolicy on_unreachable = UnreachablePolicy::fail;
  FileErrorPolicy on_file_error = FileErrorPolicy::fail;
  // Bytes per second over all copies; 0 = unlimited.
  std::uint64_t bandwidth = 0;
};

// Reads `source` or `share` (+ `reachable_within`). Throws ConfigError when neither or both.
ShareLocation share_location_from(const Params& p);
Selection selection_from(const Params& p);
// Throws ConfigError for values the spec cannot check (parallel out of range).
CopyOptions copy_options_from(const Params& p);

}  // namespace drkit::storage_share
