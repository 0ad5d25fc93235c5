#include "destination_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "os_error.h"

namespace drkit::storage_share {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Calls `fn(entry)` for every entry of the folder open as `fd`. Throws OsError.
template <class Fn>
void for_each_entry(int fd, const std::string& path, Fn fn) {
  int dup_fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) throw OsError(Side::destination, "list", path, errno);
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(dup_fd));
  if (!dir) {
    int err = errno;
    ::close(dup_fd);
    throw OsError(Side::destination, "list", path, err);
  }
  ::rewinddir(dir.get());
  for (;;) {
    errno = 0;
    dirent* e = ::readdir(dir.get());
    if (!e) {
      if (errno != 0) throw OsError(Side::destination, "list", path, errno);
      return;
    }
    fn(*e);
  }
}

}  // namespace

DestinationFolder::DestinationFolder(const std::filesystem::path& path)
    : path_(path.string()), fd_(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
  if (!fd_) throw OsError(Side::destination, "open folder", path_, errno);
}

bool DestinationFolder::try_lock(std::string& note) {
  if (::flock(fd_.get(), LOCK_EX | LOCK_NB) == 0) return true;
  if (errno == EWOULDBLOCK) return false;
  note = "cannot lock " + path_ + " (" + describe_errno(errno) + "): not guarded against a second copier";
  return true;
}

std::vector<std::string> DestinationFolder::remove_leftovers() {
  std::vector<std::string> names;
  for_each_entry(fd_.get(), path_, [&](const dirent& e) {
    if (is_partial_name(e.d_name)) names.emplace_back(e.d_name);
  });
  for (const auto& name : names)
    if (::unlinkat(fd_.get(), name.c_str(), 0) != 0 && errno != ENOENT)
      throw OsError(Side::destination, "remove leftover", path_of(name), errno);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> DestinationFolder::matching_files(const FileNameFilter& filter) const {
  std::vector<std::string> names;
  for_each_entry(fd_.get(), path_, [&](const dirent& e) {
    std::string name = e.d_name;
    if (filter.classify(name) != NameClass::selected) return;
    struct stat st {};
    if (::fstatat(fd_.get(), name.c_str(), &st, 0) == 0 && S_ISREG(st.st_mode)) names.push_back(name);
  });
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace drkit::storage_share
