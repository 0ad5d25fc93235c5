#include "engine/store.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace mssql_sim {

StateStore::StateStore(std::filesystem::path dataDir) : dir_(std::move(dataDir)), file_(dir_ / "state.json") {}

std::optional<InstanceState> StateStore::load() const {
    if (!std::filesystem::exists(file_)) return std::nullopt;
    std::ifstream in(file_, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto jv = boost::json::parse(ss.str(), ec);
    if (ec) throw std::runtime_error(fmt::format("{}: not valid JSON ({}); move it away to start fresh", file_.string(), ec.message()));
    auto r = boost::json::try_value_to<InstanceState>(jv);
    if (!r) throw std::runtime_error(fmt::format("{}: does not match this mssql-sim's state format ({}); move it away to start fresh", file_.string(), r.error().message()));
    return std::move(*r);
}

namespace {
void writeAllAndSync(const std::filesystem::path& p, const std::string& data) {
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", p.string(), std::strerror(errno)));
    std::size_t off = 0;
    while (off < data.size()) {
        ssize_t w = ::write(fd, data.data() + off, data.size() - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            throw std::runtime_error(fmt::format("cannot write {}: {}", p.string(), std::strerror(e)));
        }
        off += static_cast<std::size_t>(w);
    }
    if (::fsync(fd) != 0) {
        int e = errno;
        ::close(fd);
        throw std::runtime_error(fmt::format("fsync {}: {}", p.string(), std::strerror(e)));
    }
    ::close(fd);
}
}  // namespace

void StateStore::save(const InstanceState& s) const {
    std::string text = boost::json::serialize(boost::json::value_from(s));
    auto tmp = file_;
    tmp += ".tmp";
    writeAllAndSync(tmp, text);
    std::filesystem::rename(tmp, file_);
    int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace mssql_sim
