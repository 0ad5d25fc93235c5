#include "folder_stat.h"

#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>

namespace drkit::storage_share {

namespace {

// Below this many names the threads cost more than they save (a warm stat is ~1 µs).
constexpr std::size_t kParallelFrom = 512;
// Enough reads in flight for a virtio disk or an SMB session; more did not help here.
constexpr std::size_t kThreads = 4;
// Threads take names in runs of this many, so that each reads neighbouring inodes.
constexpr std::size_t kRun = 64;

void stat_range(int dir_fd, const std::vector<std::string>& names, std::vector<NameStat>& out,
                std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i)
    if (::fstatat(dir_fd, names[i].c_str(), &out[i].st, 0) != 0) out[i].error = errno;
}

}  // namespace

std::vector<NameStat> stat_names(int dir_fd, const std::vector<std::string>& names) {
  std::vector<NameStat> out(names.size());
  if (names.size() < kParallelFrom) {
    stat_range(dir_fd, names, out, 0, names.size());
    return out;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t from; (from = next.fetch_add(kRun)) < names.size();)
      stat_range(dir_fd, names, out, from, std::min(from + kRun, names.size()));
  };
  {
    std::vector<std::jthread> helpers;
    for (std::size_t t = 1; t < kThreads; ++t) helpers.emplace_back(work);
    work();
  }  // joined here
  return out;
}

}  // namespace drkit::storage_share
