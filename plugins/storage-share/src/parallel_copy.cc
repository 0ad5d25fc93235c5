#include "parallel_copy.h"

#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "checksum.h"
#include "drkit/errors.hpp"
#include "file_copier.h"
#include "os_error.h"
#include "reachability.h"
#include "drkit/unique_fd.hpp"

namespace drkit::storage_share {

namespace {

// Everything the worker threads share. Counters are atomic; the report is guarded by mu.
struct CopyRun {
  const std::vector<CopyJob>& jobs;
  const CopyOptions& o;
  const DestinationFolder& dest;
  Context& ctx;
  RateLimiter limiter;
  std::uint64_t total_bytes = 0;

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> bytes_done{0};
  std::atomic<std::size_t> files_done{0};
  std::atomic<std::size_t> started{0};

  std::mutex mu;
  CopyReport report;           // guarded by mu

  CopyRun(const std::vector<CopyJob>& j, const CopyOptions& opt, const DestinationFolder& d, Context& c)
      : jobs(j), o(opt), dest(d), ctx(c), limiter(opt.bandwidth) {}

  std::string source_path(const std::string& name) const { return o.share.path.string() + "/" + name; }

  void file_done(std::uint64_t skipped_bytes) {
    if (skipped_bytes) ctx.progress(bytes_done += skipped_bytes, total_bytes, "bytes");
    ctx.progress(++files_done, jobs.size(), "files");
  }
};

// compare=checksum on two files of the same size: are they identical? Returns the digest
// when they are.
std::optional<std::string> same_content(CopyRun& run, const CopyJob& job) {
  ChecksumAlgorithm algo = run.o.checksum == ChecksumAlgorithm::none ? ChecksumAlgorithm::xxh3 : run.o.checksum;
  std::string src_path = run.source_path(job.file.name);
  std::string dst_path = run.dest.path_of(job.file.name);
  UniqueFd src(::open(src_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!src) throw OsError(Side::source, "open", src_path, errno);
  UniqueFd dst(::openat(run.dest.fd(), job.file.name.c_str(), O_RDONLY | O_CLOEXEC));
  if (!dst) throw OsError(Side::destination, "open", dst_path, errno);
  const auto& cancel = run.ctx.cancellation();
  std::string a = hash_file(src.get(), algo, false, Side::source, src_path, cancel);
  std::string b = hash_file(dst.get(), algo, false, Side::destination, dst_path, cancel);
  if (a == b) return a;
  return std::nullopt;
}

void handle_failure(CopyRun& run, const CopyJob& job, const OsError& e) {
  Log& log = run.ctx.log();
  if (e.side() == Side::source && e.error() != ENOENT) {
    // Is it this file, or is the whole share gone?
    Reachability again = check_reachable(run.o.share.path.string(), run.o.share.reachable_within,
                                         run.ctx.cancellation());
    if (!again.reachable) {
      std::lock_guard lock(run.mu);
      if (!run.report.share_lost)
        run.report.share_lost = fmt::format("{} (while copying {}: {})", again.message, job.file.name, e.what());
      run.stop = true;
      return;
    }
  } else if (e.side() == Side::source) {
    // ENOENT: either retention deleted the file after the scan, or the folder is gone.
    Reachability again = check_reachable(run.o.share.path.string(), run.o.share.reachable_within,
                                         run.ctx.cancellation());
    if (!again.reachable) {
      std::lock_guard lock(run.mu);
      if (!run.report.share_lost)
        run.report.share_lost = fmt::format("{} (while copying {})", again.message, job.file.name);
      run.stop = true;
      return;
    }
  }
  std::string message = e.what();
  if (e.side() == Side::source && e.error() == ENOENT)
    message += ": deleted from the share before it was copied (retention?); the log chain may have a gap";
  log.error(fmt::format("{}: {}", job.file.name, message));
  std::lock_guard lock(run.mu);
  run.report.failed.push_back({job.file.name, message, e.error()});
  if (e.side() == Side::destination && is_destination_full(e.error())) {
    run.report.destination_full = true;
    run.stop = true;  // every further copy would fail the same way
  }
}

void copy_one(CopyRun& run, FileCopier& copier, const CopyJob& job) {
  Log& log = run.ctx.log();
  if (job.compare_content) {
    if (auto digest = same_content(run, job)) {
      std::lock_guard lock(run.mu);
      run.report.identical.emplace(job.file.name, *digest);
      run.file_done(job.file.stat.size);
      return;
    }
    log.warn(fmt::format("{} has the same size but different content at the destination: copying it again",
                         run.dest.path_of(job.file.name)));
  }
  CopyRequest req{&job.file, run.source_path(job.file.name), run.dest.fd(),
                  run.dest.path_of(job.file.name), run.o.method, run.o.checksum};
  CopyResult r = copier.copy(req);
  if (r.outcome == CopyOutcome::source_changed) {
    log.warn(fmt::format("{} changed while being copied (still being written?): left for the next run",
                         req.source_path));
    std::lock_guard lock(run.mu);
    run.report.growing.push_back(job.file.name);
    run.file_done(job.file.stat.size - std::min(job.file.stat.size, r.bytes));
    return;
  }
  if (job.destination_size)
    log.warn(fmt::format("replaced {}: it had {} but the share's file has {} ({})", req.dest_path,
                         format_bytes(*job.destination_size), format_bytes(job.file.stat.size),
                         to_string(job.reason)));
  log.debug(fmt::format("copied {} ({}, {}{}{})", job.file.name, format_bytes(r.bytes), to_string(r.method_used),
                        r.checksum.empty() ? "" : ", ", r.checksum));
  std::lock_guard lock(run.mu);
  run.report.copied.push_back({job.file.name, r.bytes, job.reason, job.destination_size, r.checksum, r.method_used});
  run.report.bytes += r.bytes;
  run.file_done(0);
}

void worker(CopyRun& run) {
  const auto& cancel = run.ctx.cancellation();
  FileCopier copier(cancel, run.limiter, [&run](std::uint64_t n) {
    run.ctx.progress(run.bytes_done += n, run.total_bytes, "bytes");
  });
  while (!run.stop.load() && !cancel.cancelled()) {
    std::size_t i = run.next++;
    if (i >= run.jobs.size()) return;
    ++run.started;
    const CopyJob& job = run.jobs[i];
    try {
      copy_one(run, copier, job);
    } catch (const Cancelled&) {
      return;
    } catch (const OsError& e) {
      try {
        handle_failure(run, job, e);
      } catch (const Cancelled&) {
        return;
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(run.mu);
      run.report.failed.push_back({job.file.name, fmt::format("{}: {}", job.file.name, e.what()), 0});
    }
  }
}

}  // namespace

CopyReport copy_in_parallel(const std::vector<CopyJob>& jobs, const CopyOptions& o,
                            const DestinationFolder& dest, Context& ctx) {
  CopyRun run(jobs, o, dest, ctx);
  for (const auto& j : jobs) run.total_bytes += j.file.stat.size;
  ctx.progress(0, jobs.size(), "files");
  ctx.progress(0, run.total_bytes, "bytes");

  std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(o.parallel), jobs.size());
  {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back([&run] { worker(run); });
  }  // joins
  ctx.cancellation().throw_if_cancelled();
  run.report.not_attempted = jobs.size() - std::min(jobs.size(), run.started.load());
  // Threads finish in any order; report in job (name, so oldest-first) order.
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::sort(run.report.copied.begin(), run.report.copied.end(), by_name);
  std::sort(run.report.failed.begin(), run.report.failed.end(), by_name);
  std::sort(run.report.growing.begin(), run.report.growing.end());
  return std::move(run.report);
}

}  // namespace drkit::storage_share
