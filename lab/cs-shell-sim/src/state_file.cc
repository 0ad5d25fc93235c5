#include "state_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace cssim {

StateFile::StateFile(std::filesystem::path path) : path_(std::move(path)) {
  std::string lock = path_.string() + ".lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0)
    throw std::runtime_error(fmt::format("cannot open lock file {}: {}", lock, std::strerror(errno)));
  while (::flock(lock_fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int e = errno;
    ::close(lock_fd_);
    throw std::runtime_error(fmt::format("cannot lock {}: {}", lock, std::strerror(e)));
  }
}

StateFile::~StateFile() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the flock
}

Topology StateFile::load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in)
    throw std::runtime_error(fmt::format(
        "cannot read state file {}: {} (seed it with: cs-shell-sim --init-state {} --pool FQDN ...)",
        path_.string(), std::strerror(errno), path_.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(ss.str(), ec);
  if (ec) throw std::runtime_error(fmt::format("state file {}: invalid JSON: {}", path_.string(), ec.message()));
  try {
    return Topology::from_json(v);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("state file {}: {}", path_.string(), e.what()));
  }
}

void StateFile::save(const Topology& topology) const {
  std::filesystem::path tmp = path_;
  tmp += fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::runtime_error(fmt::format("cannot write {}: {}", tmp.string(), std::strerror(errno)));
    out << boost::json::serialize(topology.to_json()) << '\n';
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(fmt::format("cannot replace {}: {}", path_.string(), ec.message()));
  }
}

}  // namespace cssim
