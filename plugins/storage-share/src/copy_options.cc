#include "copy_options.h"

#include <fmt/format.h>

#include "drkit/errors.hpp"

namespace drkit::storage_share {

const char* to_string(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::none: return "none";
    case ChecksumAlgorithm::xxh3: return "xxh3";
    case ChecksumAlgorithm::sha256: return "sha256";
  }
  return "?";
}

const char* to_string(CopyMethod m) {
  switch (m) {
    case CopyMethod::automatic: return "auto";
    case CopyMethod::copy_file_range: return "copy_file_range";
    case CopyMethod::sendfile: return "sendfile";
    case CopyMethod::read_write: return "read_write";
  }
  return "?";
}

ShareLocation share_location_from(const Params& p) {
  ShareLocation loc;
  bool has_source = p.has("source");
  bool has_share = p.has("share");
  if (has_source == has_share)
    throw ConfigError(has_source ? "give either `source` (a path) or `share` (a resource), not both"
                                 : "give the share folder: `source` (a path) or `share` (a "
                                   "storage-share.folder resource)");
  if (has_source) {
    loc.path = p.string("source");
    loc.label = loc.path.string();
  } else {
    const ResourceRef& r = p.resource("share");
    loc.path = r.params.string("path");
    loc.label = fmt::format("share '{}' ({})", r.name, loc.path.string());
    if (r.params.has("reachable_within")) loc.reachable_within = r.params.duration("reachable_within");
  }
  if (loc.path.empty()) throw ConfigError("the share folder path is empty");
  if (p.has("reachable_within")) loc.reachable_within = p.duration("reachable_within");
  return loc;
}

Selection selection_from(const Params& p) {
  Selection s;
  s.pattern = p.string_or("pattern", "*.trn");
  if (s.pattern.empty()) throw ConfigError("`pattern` is empty: give a glob such as *.trn");
  if (p.has("ignore")) s.ignore = p.strings("ignore");
  if (p.has("stable_for")) s.stable_for = p.duration("stable_for");
  return s;
}

CopyOptions copy_options_from(const Params& p) {
  CopyOptions o;
  o.share = share_location_from(p);
  o.destination = p.string("destination");
  if (o.destination.empty()) throw ConfigError("`destination` is empty: give the copy folder");
  o.selection = selection_from(p);

  o.compare = p.string_or("compare", "size") == "checksum" ? CompareMode::checksum : CompareMode::size;
  std::string checksum = p.string_or("checksum", "none");
  o.checksum = checksum == "xxh3"     ? ChecksumAlgorithm::xxh3
               : checksum == "sha256" ? ChecksumAlgorithm::sha256
                                      : ChecksumAlgorithm::none;

  o.parallel = static_cast<int>(p.integer_or("parallel", 4));  // 1..kMaxParallel (the spec)

  std::string method = p.string_or("method", "auto");
  o.method = method == "copy_file_range" ? CopyMethod::copy_file_range
             : method == "sendfile"      ? CopyMethod::sendfile
             : method == "read_write"    ? CopyMethod::read_write
                                         : CopyMethod::automatic;

  o.on_unreachable = p.string_or("on_unreachable", "fail") == "continue" ? UnreachablePolicy::carry_on
                                                                          : UnreachablePolicy::fail;
  o.on_file_error = p.string_or("on_file_error", "fail") == "continue" ? FileErrorPolicy::carry_on
                                                                        : FileErrorPolicy::fail;

  std::int64_t mib = p.integer_or("bandwidth_mib_s", 0);  // 0..kMaxBandwidthMib (the spec)
  o.bandwidth = static_cast<std::uint64_t>(mib) << 20;
  return o;
}

}  // namespace drkit::storage_share
