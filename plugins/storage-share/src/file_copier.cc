#include "file_copier.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include "checksum.h"
#include "file_name_filter.h"
#include "os_error.h"
#include "drkit/unique_fd.hpp"

namespace drkit::storage_share {

namespace {

// Kernel copies move this much per call: large enough to amortise the syscall, small enough
// to notice cancellation within a fraction of a second.
constexpr std::uint64_t kKernelChunk = 16ull << 20;
constexpr std::size_t kBufferSize = 4 << 20;
// Writeback is started every this many bytes (see sync_file_range below).
constexpr std::uint64_t kWritebackChunk = 16ull << 20;

bool refuses_fast_path(int err) {
  return err == EXDEV || err == EINVAL || err == ENOSYS || err == EOPNOTSUPP || err == EBADF ||
         err == ETXTBSY || err == EPERM;
}

Side side_of_copy_error(int err) {
  return is_destination_full(err) || err == EFBIG ? Side::destination : Side::source;
}

// The partial file: created exclusively, removed unless renamed to its final name.
class PartialFile {
 public:
  PartialFile(int dir_fd, const std::string& final_name, const std::string& final_path)
      : dir_fd_(dir_fd), name_(partial_name_for(final_name)) {
    std::string dir = final_path.substr(0, final_path.size() - final_name.size());
    path_ = dir + name_;
    fd_ = UniqueFd(::openat(dir_fd_, name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd_ && errno == EEXIST) {
      // A leftover of a killed run that the folder cleanup did not see: it is ours to drop.
      ::unlinkat(dir_fd_, name_.c_str(), 0);
      fd_ = UniqueFd(::openat(dir_fd_, name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    }
    if (!fd_) throw OsError(Side::destination, "create", path_, errno);
    // Reading the copy back to verify it must not change the atime we copy from the source.
    int flags = ::fcntl(fd_.get(), F_GETFL);
    if (flags >= 0) ::fcntl(fd_.get(), F_SETFL, flags | O_NOATIME);
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  ~PartialFile() {
    if (!committed_) ::unlinkat(dir_fd_, name_.c_str(), 0);
  }

  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }

  // Atomically replaces `final_name` (an older, different copy included).
  void rename_to(const std::string& final_name, const std::string& final_path) {
    if (::renameat(dir_fd_, name_.c_str(), dir_fd_, final_name.c_str()) != 0)
      throw OsError(Side::destination, "rename " + path_ + " to", final_path, errno);
    committed_ = true;
  }

 private:
  int dir_fd_;
  std::string name_;
  std::string path_;
  UniqueFd fd_;
  bool committed_ = false;
};

void write_all(int fd, const char* data, std::size_t size, off_t offset, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw OsError(Side::destination, "write", path, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
}

}  // namespace

FileCopier::FileCopier(const CancellationToken& cancel, RateLimiter& limiter,
                       std::function<void(std::uint64_t)> on_bytes)
    : cancel_(cancel), limiter_(limiter), on_bytes_(std::move(on_bytes)) {}

CopyResult FileCopier::copy(const CopyRequest& r) {
  const SourceFile& file = *r.file;
  cancel_.throw_if_cancelled();

  UniqueFd src(::open(r.source_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!src) throw OsError(Side::source, "open", r.source_path, errno);
  struct stat before {};
  if (::fstat(src.get(), &before) != 0) throw OsError(Side::source, "stat", r.source_path, errno);
  CopyResult result;
  if (!(file_stat_of(before) == file.stat)) {
    result.outcome = CopyOutcome::source_changed;
    return result;
  }
  const std::uint64_t size = file.stat.size;

  PartialFile partial(r.dest_dir, file.name, r.dest_path);
  int dst = partial.fd();
  if (size > 0 && ::fallocate(dst, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(size)) != 0) {
    // Reserving the space up front turns a full disk into an error before any copying.
    if (is_destination_full(errno)) throw OsError(Side::destination, "allocate", partial.path(), errno);
  }
  ::posix_fadvise(src.get(), 0, 0, POSIX_FADV_SEQUENTIAL);

  CopyMethod method = r.method;
  if (r.checksum != ChecksumAlgorithm::none) method = CopyMethod::read_write;
  else if (method == CopyMethod::automatic) method = CopyMethod::copy_file_range;
  std::unique_ptr<Hasher> hasher;
  if (r.checksum != ChecksumAlgorithm::none) hasher = make_hasher(r.checksum);
  std::vector<char> buffer;

  std::uint64_t off = 0;
  std::uint64_t written_back = 0;
  while (off < size) {
    cancel_.throw_if_cancelled();
    std::uint64_t want = std::min(size - off, limiter_.chunk_limit(method == CopyMethod::read_write
                                                                       ? kBufferSize
                                                                       : kKernelChunk));
    if (!limiter_.acquire(want, cancel_)) cancel_.throw_if_cancelled();

    ssize_t n = 0;
    if (method == CopyMethod::copy_file_range) {
      loff_t in = static_cast<loff_t>(off), out = static_cast<loff_t>(off);
      n = ::copy_file_range(src.get(), &in, dst, &out, want, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && refuses_fast_path(errno) && off == 0) {
        method = CopyMethod::sendfile;
        continue;
      }
      if (n < 0) throw OsError(side_of_copy_error(errno), "copy_file_range " + r.source_path + " to",
                               partial.path(), errno);
    } else if (method == CopyMethod::sendfile) {
      if (::lseek(dst, static_cast<off_t>(off), SEEK_SET) < 0)
        throw OsError(Side::destination, "seek", partial.path(), errno);
      off_t in = static_cast<off_t>(off);
      n = ::sendfile(dst, src.get(), &in, want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && refuses_fast_path(errno) && off == 0) {
        method = CopyMethod::read_write;
        continue;
      }
      if (n < 0) throw OsError(side_of_copy_error(errno), "sendfile " + r.source_path + " to",
                               partial.path(), errno);
    } else {
      if (buffer.empty()) buffer.resize(kBufferSize);
      n = ::pread(src.get(), buffer.data(), want, static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw OsError(Side::source, "read", r.source_path, errno);
      if (n > 0) {
        write_all(dst, buffer.data(), static_cast<std::size_t>(n), static_cast<off_t>(off), partial.path());
        if (hasher) hasher->update(buffer.data(), static_cast<std::size_t>(n));
      }
    }
    if (n == 0) {
      // End of file before the size the scan saw. Some file systems answer 0 to the kernel
      // paths instead of refusing them: read the rest plainly; a plain read of 0 means the
      // file really shrank.
      if (method != CopyMethod::read_write) {
        method = CopyMethod::read_write;
        continue;
      }
      break;
    }
    off += static_cast<std::uint64_t>(n);
    // Start writing to disk now rather than at fsync: the disk works while the next chunk is
    // copied, so the final fsync finds little left to do.
    if (off - written_back >= kWritebackChunk) {
      ::sync_file_range(dst, static_cast<off_t>(written_back), static_cast<off_t>(off - written_back),
                        SYNC_FILE_RANGE_WRITE);
      written_back = off;
    }
    on_bytes_(static_cast<std::uint64_t>(n));
  }
  result.method_used = method;
  result.bytes = off;

  struct stat after {};
  if (::fstat(src.get(), &after) != 0) throw OsError(Side::source, "stat", r.source_path, errno);
  if (off != size || !(file_stat_of(after) == file.stat)) {
    result.outcome = CopyOutcome::source_changed;
    return result;  // the partial file is removed
  }

  if (::fchmod(dst, before.st_mode & 0777) != 0)
    throw OsError(Side::destination, "chmod", partial.path(), errno);
  const timespec times[2] = {before.st_atim, before.st_mtim};
  if (::futimens(dst, times) != 0) throw OsError(Side::destination, "set mtime of", partial.path(), errno);
  if (::fsync(dst) != 0) throw OsError(Side::destination, "fsync", partial.path(), errno);

  if (hasher) {
    result.checksum = hasher->finish();
    // Read back from disk, not the page cache: fsync made the pages clean, so they can go.
    std::string landed = hash_file(dst, r.checksum, true, Side::destination, partial.path(), cancel_);
    if (landed != result.checksum)
      throw OsError(Side::destination,
                    "verify (" + landed + " read back, " + result.checksum + " copied)",
                    partial.path(), EIO);
  }

  partial.rename_to(file.name, r.dest_path);
  if (::fsync(r.dest_dir) != 0)
    throw OsError(Side::destination, "fsync folder of", r.dest_path, errno);
  return result;
}

}  // namespace drkit::storage_share
