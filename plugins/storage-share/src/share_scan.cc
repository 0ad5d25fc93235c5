#include "share_scan.h"

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include <fmt/format.h>

#include "folder_stat.h"
#include "os_error.h"
#include "drkit/unique_fd.hpp"

namespace drkit::storage_share {

namespace {

std::chrono::system_clock::time_point to_time_point(const timespec& ts) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
}

bool is_recent(const SourceFile& f, std::chrono::system_clock::time_point now,
               std::chrono::milliseconds stable_for) {
  return now - to_time_point(f.stat.mtime) < stable_for;
}

// closedir() on scope exit; the DIR owns its own duplicate of the folder's descriptor.
struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

}  // namespace

FileStat file_stat_of(const struct stat& st) {
  return {static_cast<std::uint64_t>(st.st_size), st.st_mtim};
}

ShareListing list_share(const std::string& dir_path, const FileNameFilter& filter) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(dir_path.c_str()));
  if (!dir) throw OsError(Side::source, "list", dir_path, errno);
  int dir_fd = ::dirfd(dir.get());

  ShareListing out;
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    dirent* e = ::readdir(dir.get());
    if (!e) {
      if (errno != 0) throw OsError(Side::source, "list", dir_path, errno);
      break;
    }
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN && e->d_type != DT_LNK) continue;
    NameClass c = filter.classify(name);
    if (c == NameClass::temporary) {
      ++out.temporary;
      continue;
    }
    if (c == NameClass::selected) names.push_back(std::move(name));
  }
  std::vector<NameStat> stats = stat_names(dir_fd, names);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const NameStat& s = stats[i];
    if (s.error == ENOENT) continue;  // deleted since readdir (retention, or a .wrk rename)
    if (s.error != 0) throw OsError(Side::source, "stat", dir_path + "/" + names[i], s.error);
    if (!S_ISREG(s.st.st_mode)) continue;
    out.files.push_back({std::move(names[i]), file_stat_of(s.st)});
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.name < b.name; });
  return out;
}

Settled split_recent(std::vector<SourceFile> files, std::chrono::milliseconds stable_for) {
  Settled out;
  auto now = std::chrono::system_clock::now();
  for (auto& f : files) {
    if (stable_for.count() > 0 && is_recent(f, now, stable_for)) out.growing.push_back(f.name);
    else out.stable.push_back(std::move(f));
  }
  return out;
}

Settled settle(std::vector<SourceFile> files, const std::string& dir_path,
               std::chrono::milliseconds stable_for,
               const CancellationToken& cancel) {
  Settled out;
  if (stable_for.count() <= 0) {
    out.stable = std::move(files);
    return out;
  }
  auto listed_at = std::chrono::steady_clock::now();
  auto now = std::chrono::system_clock::now();
  std::vector<SourceFile> recent;
  for (auto& f : files) {
    if (is_recent(f, now, stable_for)) recent.push_back(f);
    else out.stable.push_back(f);
  }
  if (recent.empty()) return out;

  // One wait for all recent files: the window runs from when they were listed.
  auto remaining = stable_for - std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - listed_at);
  if (remaining.count() > 0 && !cancel.wait_for(remaining)) cancel.throw_if_cancelled();

  for (auto& f : recent) {
    struct stat st {};
    std::string path = dir_path + "/" + f.name;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) {
        out.vanished.push_back(f.name);
        continue;
      }
      out.growing.push_back(f.name);  // cannot tell: leave it for the next run
      continue;
    }
    if (file_stat_of(st) == f.stat) out.stable.push_back(f);
    else out.growing.push_back(f.name);
  }
  std::sort(out.stable.begin(), out.stable.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.name < b.name; });
  return out;
}

const char* to_string(CopyReason r) {
  switch (r) {
    case CopyReason::missing: return "new";
    case CopyReason::size_differs: return "size differs";
    case CopyReason::content_differs: return "content differs";
  }
  return "?";
}

Comparison compare_with_destination(const std::vector<SourceFile>& files, int dest_fd,
                                    const std::string& dest_path, CompareMode mode) {
  Comparison out;
  std::vector<std::string> names;
  names.reserve(files.size());
  for (const auto& f : files) names.push_back(f.name);
  std::vector<NameStat> stats = stat_names(dest_fd, names);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const SourceFile& f = files[i];
    const struct stat& st = stats[i].st;
    if (stats[i].error != 0) {
      if (stats[i].error != ENOENT)
        throw OsError(Side::destination, "stat", dest_path + "/" + f.name, stats[i].error);
      out.jobs.push_back({f, CopyReason::missing, std::nullopt, false});
      out.bytes += f.stat.size;
      continue;
    }
    auto dest_size = static_cast<std::uint64_t>(st.st_size);
    if (!S_ISREG(st.st_mode))
      throw OsError(Side::destination, "expected a regular file at", dest_path + "/" + f.name,
                    EISDIR);
    if (dest_size != f.stat.size) {
      out.jobs.push_back({f, CopyReason::size_differs, dest_size, false});
      out.bytes += f.stat.size;
    } else if (mode == CompareMode::checksum) {
      // Decided by a worker, which hashes both sides; counted as pending until then.
      out.jobs.push_back({f, CopyReason::content_differs, dest_size, true});
      out.bytes += f.stat.size;
    } else {
      out.up_to_date.push_back(f.name);
    }
  }
  return out;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024.0 && unit < 4) {
    v /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, kUnits[unit]);
}

}  // namespace drkit::storage_share
