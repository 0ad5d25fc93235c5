// The lock file holds one JSON line naming its holder. flock(2), not the file's existence,
// is the lock: the kernel drops it when the holder dies, and the file is never deleted
// (unlinking a lock file while another process waits on it lets two processes "hold" it).
#include "run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <Poco/SHA2Engine.h>

#include "private_dir.h"

namespace drkit {

namespace fs = std::filesystem;

namespace {

// 64 bits of SHA-256 name the file: no collisions among one operator's pipelines, and the
// key (a manifest path) never becomes a file name with its slashes and length.
std::string lock_file_name(const std::string& key) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(key);
  return Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 16) + ".lock";
}

std::string holder_line(const LockHolder& h, const std::string& key) {
  boost::json::object o{{"run_id", h.run_id}, {"pid", h.pid}, {"host", h.host}, {"started_at", h.started_at},
                        {"key", key}};
  return boost::json::serialize(o) + "\n";
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  off_t off = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    off += n;
  }
  return out;
}

std::optional<LockHolder> parse_holder(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  LockHolder h;
  if (auto* p = o.if_contains("run_id"); p && p->is_string()) h.run_id = std::string(p->as_string());
  if (auto* p = o.if_contains("pid"); p && p->is_int64()) h.pid = static_cast<int>(p->as_int64());
  if (auto* p = o.if_contains("host"); p && p->is_string()) h.host = std::string(p->as_string());
  if (auto* p = o.if_contains("started_at"); p && p->is_string()) h.started_at = std::string(p->as_string());
  return h;
}

void write_holder(int fd, const std::string& line, const fs::path& path) {
  // Truncate then write: a reader racing us sees an empty or whole line, and retries on
  // an empty one.
  if (::ftruncate(fd, 0) != 0)
    throw std::runtime_error(fmt::format("cannot write the run lock {}: {}", path.string(), std::strerror(errno)));
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::pwrite(fd, line.data() + done, line.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw std::runtime_error(fmt::format("cannot write the run lock {}: {}", path.string(), std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
}


}  // namespace

std::optional<RunLock> RunLock::try_acquire(const fs::path& state_dir, const std::string& key, const LockHolder& me,
                                            LockHolder* holder) {
  fs::path dir = state_dir / "locks";
  // Folders drkit creates are owner-only (mode 0700 from mkdir, never the umask's), like the
  // journal's; locks/ is drkit's own and is tightened if an older drkit made it looser.
  create_private_directories(state_dir);
  ensure_private_subdirectory(dir);
  fs::path path = dir / lock_file_name(key);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0)
    throw std::runtime_error(fmt::format("cannot open the run lock {}: {}", path.string(), std::strerror(errno)));

  int rc;
  do rc = ::flock(fd.get(), LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno != EWOULDBLOCK)
      throw std::runtime_error(fmt::format("cannot lock {}: {}", path.string(), std::strerror(errno)));
    if (holder) {
      // The holder may be between taking the lock and writing its line: retry briefly.
      for (int i = 0; i < 50; ++i) {
        if (auto h = parse_holder(read_all(fd.get()))) {
          *holder = *h;
          break;
        }
        ::usleep(10'000);
      }
    }
    return std::nullopt;
  }
  write_holder(fd.get(), holder_line(me, key), path);
  return RunLock(std::move(fd), std::move(path), key);
}

void RunLock::update_holder(const LockHolder& me) { write_holder(fd_.get(), holder_line(me, key_), path_); }

}  // namespace drkit
