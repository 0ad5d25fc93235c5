#include "private_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "drkit/unique_fd.hpp"

namespace drkit {

namespace fs = std::filesystem;

namespace {

constexpr mode_t kFolderMode = 0700;
constexpr mode_t kFileMode = 0600;

[[noreturn]] void fail(const std::string& what, const fs::path& p, int err) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", what, p.string(), std::strerror(err)));
}


// True if `p` is an existing folder (following symlinks: a symlinked state dir is the
// operator's choice); throws if it exists and is something else.
bool existing_folder(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return false;
  if (!S_ISDIR(st.st_mode))
    throw std::runtime_error(fmt::format("cannot create the folder {}: a file that is not a folder is in the way",
                                         p.string()));
  return true;
}

void make_folder(const fs::path& p) {
  if (existing_folder(p)) return;
  if (::mkdir(p.c_str(), kFolderMode) != 0) {
    int err = errno;
    if (err == EEXIST && existing_folder(p)) return;  // another process made it meanwhile
    fail("create the folder", p, err);
  }
  // mkdir applied the umask, which can only have removed bits; put back exactly 0700 in
  // case it removed the owner's own.
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0 && (st.st_mode & 07777) != kFolderMode && ::chmod(p.c_str(), kFolderMode) != 0)
    fail("make private (chmod 700) the folder", p, errno);
}

}  // namespace

void create_private_directories(const fs::path& dir) {
  fs::path prefix;
  for (const auto& part : dir) {
    if (part.empty()) continue;  // a trailing slash
    prefix /= part;
    if (prefix == prefix.root_path()) continue;
    make_folder(prefix);
  }
}

void ensure_private_subdirectory(const fs::path& dir) {
  create_private_directories(dir);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) fail("read the mode of the folder", dir, errno);
  if ((st.st_mode & 077) != 0 && st.st_uid == ::geteuid() && ::chmod(dir.c_str(), kFolderMode) != 0)
    fail("make private (chmod 700) the folder", dir, errno);
}

void ensure_private_file(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, kFileMode));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ELOOP)
      throw std::runtime_error(fmt::format("cannot open {}: it is a symbolic link, which drkit does not follow in "
                                           "its state dir (point --state-dir at the real folder instead)",
                                           file.string()));
    fail("open", file, err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail("read the mode of", file, errno);
  // A file drkit made earlier with a looser mode (or one copied in) becomes owner-only.
  if ((st.st_mode & 07777) != kFileMode && ::fchmod(fd.get(), kFileMode) != 0)
    fail("make private (chmod 600)", file, errno);
}

std::optional<std::string> private_directory_problem(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  mode_t mode = st.st_mode & 07777;
  if (st.st_uid != ::geteuid())
    return fmt::format("{} belongs to uid {}, not to this user (uid {}): its owner can read and change the runs' "
                       "journal, outputs and approvals",
                       dir.string(), st.st_uid, ::geteuid());
  if ((mode & 077) == 0) return std::nullopt;
  const char* who = (mode & 022) != 0 ? "other users can create, rename and delete files in it"
                                      : "other users can list it or open files in it";
  return fmt::format("{} has mode {:04o}: {}, and it holds run outputs and approvals; make it private with "
                     "`chmod 700 {}`",
                     dir.string(), mode, who, dir.string());
}

}  // namespace drkit
