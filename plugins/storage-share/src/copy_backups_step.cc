// storage-share.copy_backups: copies every complete log backup from the share to the copy
// folder, never leaving or trusting a partial file (persistent-chat-dr.md, pitfall 2).
#include <chrono>

#include <boost/json/array.hpp>
#include <fmt/format.h>

#include "copy_options.h"
#include "destination_folder.h"
#include "drkit/sdk.hpp"
#include "file_name_filter.h"
#include "os_error.h"
#include "parallel_copy.h"
#include "reachability.h"
#include "share_params.h"
#include "share_scan.h"
#include "storage_share_components.h"

namespace drkit::storage_share {

namespace {

std::string join_names(const std::vector<std::string>& names, std::size_t max = 10) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += fmt::format(" and {} more", names.size() - max);
  return out;
}

// JSON integers in outputs are signed, so templates and tests read them with as_int64().
std::int64_t count(std::uint64_t n) { return static_cast<std::int64_t>(n); }

boost::json::array to_json_array(const std::vector<std::string>& names) {
  boost::json::array a;
  for (const auto& n : names) a.emplace_back(n);
  return a;
}

class CopyBackupsStep final : public Step {
 public:
  explicit CopyBackupsStep(CopyOptions o)
      : o_(std::move(o)), filter_(o_.selection.pattern, o_.selection.ignore) {}

  Plan plan(Context& ctx) override;
  boost::json::object run(Context& ctx) override;

 private:
  // The outputs when the share cannot be read: fail, or carry on with what the destination
  // has and say so loudly.
  boost::json::object share_unreachable(Context& ctx, const DestinationFolder& dest,
                                        const std::string& why, boost::json::object partial);
  std::string what() const {
    return fmt::format("{} from {} to {}", o_.selection.pattern, o_.share.label, o_.destination.string());
  }

  CopyOptions o_;
  FileNameFilter filter_;
};

Plan CopyBackupsStep::plan(Context& ctx) {
  Plan p;
  const std::string src = o_.share.path.string();
  const std::string dst = o_.destination.string();
  std::string how = fmt::format("copy to .NAME{} in {}, fsync, keep mtime, rename to NAME, fsync the folder{}",
                                kPartialSuffix, dst,
                                o_.checksum == ChecksumAlgorithm::none
                                    ? std::string()
                                    : fmt::format(", verify {} read back from disk", to_string(o_.checksum)));
  Reachability reach = check_reachable(src, o_.share.reachable_within, ctx.cancellation());
  ShareListing listing;
  std::string unreadable = reach.reachable ? "" : reach.message;
  if (reach.reachable) {
    try {
      listing = list_share(src, filter_);
    } catch (const OsError& e) {
      unreadable = e.what();
    }
  }
  if (!unreadable.empty()) {
    p.summary = fmt::format("copy every complete {} file on {} that is missing at {} or has a different size "
                            "(the share cannot be read now: {}; on_unreachable={})",
                            o_.selection.pattern, o_.share.label, dst, unreadable,
                            o_.on_unreachable == UnreachablePolicy::fail ? "fail" : "continue");
    p.actions.push_back(fmt::format("for each such file: {}", how));
    return p;
  }

  Settled settled = split_recent(std::move(listing.files), o_.selection.stable_for);
  Comparison cmp;
  std::string dest_note;
  try {
    DestinationFolder dest(o_.destination);
    cmp = compare_with_destination(settled.stable, dest.fd(), dest.path(), o_.compare);
  } catch (const OsError& e) {
    dest_note = fmt::format(" ({}: the copy will fail unless it is created)", e.what());
    for (const auto& f : settled.stable) {
      cmp.jobs.push_back({f, CopyReason::missing, std::nullopt, false});
      cmp.bytes += f.stat.size;
    }
  }
  for (const auto& job : cmp.jobs) {
    const std::string from = src + "/" + job.file.name;
    const std::string to = dst + "/" + job.file.name;
    if (job.compare_content)
      p.actions.push_back(fmt::format("compare {} checksums of {} and {} (same size); copy if they differ",
                                      to_string(o_.checksum == ChecksumAlgorithm::none ? ChecksumAlgorithm::xxh3
                                                                                       : o_.checksum),
                                      from, to));
    else if (job.destination_size)
      p.actions.push_back(fmt::format("copy {} -> {} ({}; REPLACES the destination's {} file: size differs)",
                                      from, to, format_bytes(job.file.stat.size),
                                      format_bytes(*job.destination_size)));
    else
      p.actions.push_back(fmt::format("copy {} -> {} ({}, new)", from, to, format_bytes(job.file.stat.size)));
  }
  for (const auto& name : settled.growing)
    p.actions.push_back(fmt::format("copy {}/{} only if its size stays the same for {} (modified recently)",
                                    src, name, format_duration(o_.selection.stable_for)));
  if (!cmp.jobs.empty()) p.actions.push_back(fmt::format("each copy: {}", how));

  std::size_t total = cmp.jobs.size() + cmp.up_to_date.size();
  if (cmp.jobs.empty() && settled.growing.empty()) {
    p.no_op = true;
    p.summary = fmt::format("nothing to copy: all {} {} files on {} are at {}", total, o_.selection.pattern,
                            o_.share.label, dst);
  } else {
    p.summary = fmt::format("copy {} of {} {} files ({}) from {} to {}: {} already there{}{}", cmp.jobs.size(), total,
                            o_.selection.pattern, format_bytes(cmp.bytes), o_.share.label, dst,
                            cmp.up_to_date.size(),
                            settled.growing.empty() ? ""
                                                    : fmt::format(", {} still being written", settled.growing.size()),
                            dest_note);
  }
  return p;
}

boost::json::object CopyBackupsStep::share_unreachable(Context& ctx, const DestinationFolder& dest,
                                                       const std::string& why, boost::json::object out) {
  if (o_.on_unreachable == UnreachablePolicy::fail)
    throw StepError(fmt::format("the share cannot be read: {}; copied {} file(s) before that. Fix the share, or set "
                                "on_unreachable: continue to go on with what {} already has",
                                why, out.contains("copied") ? out.at("copied").as_int64() : 0, dest.path()),
                    Retryable::yes, "share.unreachable");
  auto have = dest.matching_files(filter_);
  std::string warning = fmt::format(
      "SHARE UNREACHABLE: {}. Continuing with the {} {} file(s) already in {}{}: log backups taken after the last "
      "successful copy are NOT included, so a restore from this folder may lose data",
      why, have.size(), o_.selection.pattern, dest.path(),
      have.empty() ? "" : fmt::format(" (newest: {})", have.back()));
  ctx.log().error(warning);
  out["share_reachable"] = false;
  out["warning"] = warning;
  out["destination_files"] = count(have.size());
  out["newest_at_destination"] = have.empty() ? boost::json::value(nullptr) : boost::json::value(have.back());
  for (const char* key : {"copied", "skipped", "bytes", "failures"})
    if (!out.contains(key)) out[key] = 0;
  return out;
}

boost::json::object CopyBackupsStep::run(Context& ctx) {
  Log& log = ctx.log();
  const auto& cancel = ctx.cancellation();
  auto started = std::chrono::steady_clock::now();
  const std::string src = o_.share.path.string();

  std::optional<DestinationFolder> dest_holder;
  try {
    dest_holder.emplace(o_.destination);
  } catch (const OsError& e) {
    throw StepError(fmt::format("{}: the copy folder must exist (create it, or mount its disk)", e.what()),
                    Retryable::no, "share.destination");
  }
  DestinationFolder& dest = *dest_holder;
  std::string lock_note;
  if (!dest.try_lock(lock_note))
    throw StepError(fmt::format("another copier is writing into {} (it holds the folder's lock): wait for it to "
                                "finish, then run this step again",
                                dest.path()),
                    Retryable::yes, "share.busy");
  if (!lock_note.empty()) log.warn(lock_note);

  std::vector<std::string> leftovers;
  try {
    leftovers = dest.remove_leftovers();
  } catch (const OsError& e) {
    throw StepError(e.what(), Retryable::no, "share.destination");
  }
  if (!leftovers.empty())
    log.warn(fmt::format("removed {} partial file(s) left in {} by an interrupted copy: {}", leftovers.size(),
                         dest.path(), join_names(leftovers)));

  log.info(fmt::format("copying {} (parallel {}, compare {}, checksum {})", what(), o_.parallel,
                       o_.compare == CompareMode::size ? "size" : "checksum", to_string(o_.checksum)));
  boost::json::object out;
  out["leftovers_removed"] = to_json_array(leftovers);

  Reachability reach = check_reachable(src, o_.share.reachable_within, cancel);
  if (!reach.reachable) return share_unreachable(ctx, dest, reach.message, std::move(out));
  ShareListing listing;
  try {
    listing = list_share(src, filter_);
  } catch (const OsError& e) {
    return share_unreachable(ctx, dest, e.what(), std::move(out));
  }

  Settled settled = settle(std::move(listing.files), src, o_.selection.stable_for, cancel);
  if (!settled.growing.empty())
    log.warn(fmt::format("{} file(s) still being written on the share, left for the next run: {}",
                         settled.growing.size(), join_names(settled.growing)));
  if (!settled.vanished.empty())
    log.warn(fmt::format("{} file(s) deleted from the share during the scan: {}", settled.vanished.size(),
                         join_names(settled.vanished)));

  Comparison cmp;
  try {
    cmp = compare_with_destination(settled.stable, dest.fd(), dest.path(), o_.compare);
  } catch (const OsError& e) {
    throw StepError(e.what(), Retryable::no, "share.destination");
  }
  log.info(fmt::format("{} complete {} file(s) on the share: {} to copy ({}), {} already at the destination; "
                       "{} temporary file(s) ignored",
                       settled.stable.size(), o_.selection.pattern, cmp.jobs.size(), format_bytes(cmp.bytes),
                       cmp.up_to_date.size(), listing.temporary));

  CopyReport report = copy_in_parallel(cmp.jobs, o_, dest, ctx);

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::vector<std::string> copied_names, growing = settled.growing;
  boost::json::array replaced, failed;
  boost::json::object checksums, methods;
  for (const auto& c : report.copied) {
    copied_names.push_back(c.name);
    if (c.replaced_size)
      replaced.push_back({{"file", c.name}, {"destination_size", count(*c.replaced_size)}, {"size", count(c.bytes)},
                          {"reason", to_string(c.reason)}});
    if (!c.checksum.empty()) checksums[c.name] = c.checksum;
    const char* m = to_string(c.method);
    methods[m] = (methods.contains(m) ? methods[m].as_int64() : 0) + 1;
  }
  for (const auto& [name, digest] : report.identical) checksums[name] = digest;
  for (const auto& g : report.growing) growing.push_back(g);
  for (const auto& f : report.failed)
    failed.push_back({{"file", f.name}, {"error", f.error},
                      {"errno", f.err ? boost::json::value(describe_errno(f.err)) : boost::json::value(nullptr)}});

  out["copied"] = count(report.copied.size());
  out["skipped"] = count(cmp.up_to_date.size() + report.identical.size());
  out["bytes"] = count(report.bytes);
  out["failures"] = count(report.failed.size());
  out["copied_files"] = to_json_array(copied_names);
  out["replaced"] = std::move(replaced);
  out["failed"] = std::move(failed);
  out["growing"] = to_json_array(growing);
  out["not_attempted"] = count(report.not_attempted);
  out["temporary_ignored"] = count(listing.temporary);
  out["checksum"] = to_string(o_.checksum);
  if (o_.checksum != ChecksumAlgorithm::none || o_.compare == CompareMode::checksum) out["checksums"] = std::move(checksums);
  out["methods"] = std::move(methods);
  out["share_reachable"] = !report.share_lost.has_value();
  out["seconds"] = seconds;
  out["mib_per_second"] = seconds > 0 ? static_cast<double>(report.bytes) / (1 << 20) / seconds : 0.0;

  if (report.share_lost) return share_unreachable(ctx, dest, "lost mid-run: " + *report.share_lost, std::move(out));

  if (!report.failed.empty()) {
    std::vector<std::string> lines;
    bool transient = true;
    for (const auto& f : report.failed) {
      lines.push_back(f.error);
      transient = transient && is_transient(f.err);
    }
    std::string msg = fmt::format("{} of {} file(s) failed: {}; copied {}{}{}", report.failed.size(), cmp.jobs.size(),
                                  join_names(lines, 5), report.copied.size(),
                                  report.not_attempted ? fmt::format(", {} not attempted", report.not_attempted) : "",
                                  report.destination_full ? fmt::format(" ({} is full)", dest.path()) : "");
    if (o_.on_file_error == FileErrorPolicy::fail)
      throw StepError(msg, transient ? Retryable::yes : Retryable::no,
                      report.destination_full ? "share.destination_full" : "share.copy_failed");
    log.error(msg + " (on_file_error: continue)");
  }
  log.info(fmt::format("copied {} file(s), {} in {:.1f}s ({:.0f} MiB/s); {} already there{}", report.copied.size(),
                       format_bytes(report.bytes), seconds, out["mib_per_second"].as_double(),
                       out["skipped"].as_int64(),
                       growing.empty() ? "" : fmt::format("; {} still being written", growing.size())));
  return out;
}

std::vector<ParamSpec> copy_param_specs() {
  std::vector<ParamSpec> specs = share_param_specs();
  specs.push_back(destination_param_spec());
  append(specs, selection_param_specs());
  append(specs, {
      {.name = "compare",
       .type = ParamType::string,
       .default_value = "size",
       .allowed = {"size", "checksum"},
       .description = "how a destination file counts as already copied: same size, or same size and same "
                      "checksum (reads both sides)"},
      {.name = "checksum",
       .type = ParamType::string,
       .default_value = "none",
       .allowed = {"none", "xxh3", "sha256"},
       .description = "hash each file while copying, read the copy back from disk after fsync and compare; "
                      "digests go to the `checksums` output (implies read/write copying)"},
      {.name = "parallel",
       .type = ParamType::integer,
       .default_value = 4,
       .description = "files copied at once",
       .minimum = 1,
       .maximum = kMaxParallel},
      {.name = "method",
       .type = ParamType::string,
       .default_value = "auto",
       .allowed = {"auto", "copy_file_range", "sendfile", "read_write"},
       .description = "how bytes move: auto tries copy_file_range, then sendfile, then read/write, falling "
                      "back where the file systems refuse"},
      {.name = "on_unreachable",
       .type = ParamType::string,
       .default_value = "fail",
       .allowed = {"fail", "continue"},
       .description = "when the share cannot be read (before or during the copy): fail the step (retryable), or "
                      "continue with what the destination already has (logged as an error and in the `warning` "
                      "output)"},
      {.name = "on_file_error",
       .type = ParamType::string,
       .default_value = "fail",
       .allowed = {"fail", "continue"},
       .description = "when a file cannot be copied (permissions, I/O error, full destination): fail the step "
                      "after copying the others, or continue and list it in the `failed` output"},
      {.name = "bandwidth_mib_s",
       .type = ParamType::integer,
       .default_value = 0,
       .description = "limit all copies together to this many MiB/s (0 = unlimited), to spare a WAN link",
       .minimum = 0,
       .maximum = kMaxBandwidthMib},
  });
  return specs;
}

}  // namespace

void register_copy_backups(Registry& r) {
  r.add_step(
      {.name = "copy_backups",
       .summary = "Copy complete log backups from the backup share to the copy folder (atomic, parallel, verified)",
       .effect = Effect::mutating,
       .params = copy_param_specs(),
       .description =
           "Copies every file matching `pattern` on the share that is missing at the destination or has a "
           "different size there (or, with compare: checksum, different content). Temporary files (.wrk, ...) and "
           "files still being written are left alone. Each copy goes to .NAME.drkit-partial, is fsync'ed, keeps "
           "the source's mtime, is renamed to NAME and the folder fsync'ed, so a crash never leaves a partial file "
           "under a final name; leftovers of a killed run are removed first. A destination file of a different "
           "size is replaced and reported (`replaced`). Outputs: copied, skipped, bytes, failures, copied_files, "
           "replaced, failed, growing, not_attempted, checksums, share_reachable, warning. A no-op when every "
           "complete file is already there."},
      [](const Params& p) { return std::make_unique<CopyBackupsStep>(copy_options_from(p)); });
}

}  // namespace drkit::storage_share
