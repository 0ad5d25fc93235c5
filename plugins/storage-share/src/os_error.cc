#include "os_error.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace drkit::storage_share {

std::string describe_errno(int err) {
  const char* name = ::strerrorname_np(err);
  return fmt::format("{} ({})", std::strerror(err), name ? name : fmt::format("errno {}", err));
}

OsError::OsError(Side side, std::string operation, std::string path, int err)
    : std::runtime_error(fmt::format("{} {}: {}", operation, path, describe_errno(err))),
      side_(side),
      path_(std::move(path)),
      err_(err) {}

bool is_transient(int err) {
  switch (err) {
    case EIO:
    case EAGAIN:
    case EINTR:
    case ETIMEDOUT:
    case ENOTCONN:
    case ECONNRESET:
    case ECONNABORTED:
    case EHOSTDOWN:
    case EHOSTUNREACH:
    case ENETDOWN:
    case ENETUNREACH:
    case ESTALE:
      return true;
    default:
      return false;
  }
}

bool is_destination_full(int err) { return err == ENOSPC || err == EDQUOT || err == EROFS; }

}  // namespace drkit::storage_share
