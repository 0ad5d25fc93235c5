#include "engine/backup_file.hpp"

#include "engine/sql_error.hpp"

#include <Poco/Checksum.h>
#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace mssql_sim {

namespace {
constexpr char kMagic[17] = "MSSQLSIM-BACKUP1";
constexpr char kSetMarker[5] = "SET1";

SqlError openError(const std::filesystem::path& p, int err) {
    if (err == ENOENT) {
        bool dirMissing = !std::filesystem::exists(p.parent_path().empty() ? std::filesystem::path(".") : p.parent_path());
        if (dirMissing) return errors::cannotOpenDevice(p.string(), 3, "The system cannot find the path specified.");
        return errors::cannotOpenDevice(p.string(), 2, "The system cannot find the file specified.");
    }
    if (err == EACCES || err == EPERM) return errors::cannotOpenDevice(p.string(), 5, "Access is denied.");
    if (err == EISDIR) return errors::cannotOpenDevice(p.string(), 5, "Access is denied.");
    return errors::cannotOpenDevice(p.string(), err, std::strerror(err));
}

// A backup file open for writing, under an exclusive flock for as long as it is written.
// SQL Server on Windows opens its backup files without sharing, so the log shipping copy job
// cannot read a backup that is still being written (it fails with "being used by another
// process" and tries again on its next run); the simulator's copy job honours this lock the
// same way (BackupFileReadLock). A new file is created unnamed (O_TMPFILE), locked, then
// linked under its name, so no reader ever sees it unlocked; it is written in place under
// that name, so a backup cut off by an outage still leaves a short file behind, as on SQL Server.
class LockedBackupFile {
public:
    LockedBackupFile(const std::filesystem::path& path, bool append) : path_(path) {
        if (append) {
            open_locked(O_WRONLY | O_APPEND | O_CLOEXEC);
        } else if (std::filesystem::exists(path)) {
            open_locked(O_WRONLY | O_CLOEXEC);
            if (::ftruncate(fd_, 0) != 0) fail(errno);
        } else {
            create_locked();
        }
    }
    ~LockedBackupFile() { ::close(fd_); }  // releases the lock
    LockedBackupFile(const LockedBackupFile&) = delete;
    LockedBackupFile& operator=(const LockedBackupFile&) = delete;

    void write(const char* data, std::size_t size) {
        while (size > 0) {
            ssize_t n = ::write(fd_, data, size);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw errors::cannotOpenDevice(path_.string(), 112, "There is not enough space on the disk.");
            data += n;
            size -= static_cast<std::size_t>(n);
        }
    }

private:
    [[noreturn]] void fail(int err) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        throw openError(path_, err);
    }
    // Takes the exclusive lock on the file just opened as fd_, or throws.
    void lock() {
        if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) fail(errno);
    }
    void open_locked(int flags) {
        fd_ = ::open(path_.c_str(), flags);
        lock();
    }
    void create_locked() {
        std::filesystem::path dir = path_.parent_path().empty() ? std::filesystem::path(".") : path_.parent_path();
        fd_ = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
        if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
            // No O_TMPFILE on this file system: create and lock (a reader may see the
            // empty file in between).
            open_locked(O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC);
            return;
        }
        lock();
        std::string self = fmt::format("/proc/self/fd/{}", fd_);
        if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path_.c_str(), AT_SYMLINK_FOLLOW) != 0) fail(errno);
    }

    std::filesystem::path path_;
    int fd_ = -1;
};

void putU32(std::string& s, std::uint32_t v) { for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i))); }
void putU64(std::string& s, std::uint64_t v) { for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(v >> (8 * i))); }

// Deterministic filler, cheap to generate: a backup's size looks real without costing CPU.
void fillPayload(std::vector<char>& buf, std::uint64_t& state) {
    for (std::size_t i = 0; i + 8 <= buf.size(); i += 8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::memcpy(buf.data() + i, &state, 8);
    }
}
}  // namespace

int BackupFile::write(const std::filesystem::path& path, BackupHeader header, std::uint64_t payloadBytes, bool init) {
    int position = 1;
    bool append = false;
    if (!init && std::filesystem::exists(path)) {
        // NOINIT appends to an existing media set, which must be one of ours.
        auto sets = read(path, false);
        position = static_cast<int>(sets.size()) + 1;
        append = true;
    }
    header.Position = position;
    header.BackupSize = static_cast<std::int64_t>(payloadBytes) + 1024;
    std::string json = boost::json::serialize(boost::json::value_from(header));

    LockedBackupFile out(path, append);
    std::string head;
    if (!append) head.append(kMagic, 16);
    head.append(kSetMarker, 4);
    putU32(head, static_cast<std::uint32_t>(json.size()));
    head += json;
    putU64(head, payloadBytes);
    out.write(head.data(), head.size());

    Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
    crc.update(json.data(), static_cast<unsigned>(json.size()));
    std::vector<char> buf(64 * 1024);
    std::uint64_t state = 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(header.LastLSN);
    for (std::uint64_t left = payloadBytes; left > 0;) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        fillPayload(buf, state);
        crc.update(buf.data(), static_cast<unsigned>(n));
        out.write(buf.data(), n);
        left -= n;
    }
    std::string tail;
    putU32(tail, crc.checksum());
    out.write(tail.data(), 4);
    return position;
}

BackupFileReadLock::BackupFileReadLock(const std::filesystem::path& path)
    : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    // A file that cannot be opened is not busy: the copy that follows reports why.
    busy_ = fd_ >= 0 && ::flock(fd_, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

BackupFileReadLock::~BackupFileReadLock() {
    if (fd_ >= 0) ::close(fd_);
}

std::vector<BackupSetInfo> BackupFile::read(const std::filesystem::path& path, bool verify) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw openError(path, errno);
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) throw openError(path, EISDIR);
    char magic[16];
    if (!in.read(magic, 16) || std::memcmp(magic, kMagic, 16) != 0) throw errors::notABackup(path.string());
    std::vector<BackupSetInfo> sets;
    std::uint64_t pos = 16;
    while (pos < size) {
        auto need = [&](std::uint64_t n) {
            if (pos + n > size) throw errors::readFailed(path.string());
        };
        need(8);
        char marker[4];
        in.read(marker, 4);
        if (std::memcmp(marker, kSetMarker, 4) != 0) throw errors::notABackup(path.string());
        unsigned char lenb[4];
        in.read(reinterpret_cast<char*>(lenb), 4);
        std::uint32_t hlen = static_cast<std::uint32_t>(lenb[0] | (lenb[1] << 8) | (lenb[2] << 16) | (static_cast<std::uint32_t>(lenb[3]) << 24));
        pos += 8;
        need(hlen);
        if (hlen > 16 * 1024 * 1024) throw errors::notABackup(path.string());
        std::string json(hlen, '\0');
        in.read(json.data(), hlen);
        pos += hlen;
        boost::system::error_code jec;
        auto jv = boost::json::parse(json, jec);
        if (jec) throw errors::notABackup(path.string());
        auto hdr = boost::json::try_value_to<BackupHeader>(jv);
        if (!hdr) throw errors::notABackup(path.string());
        need(8);
        unsigned char pl[8];
        in.read(reinterpret_cast<char*>(pl), 8);
        std::uint64_t plen = 0;
        for (int i = 0; i < 8; ++i) plen |= static_cast<std::uint64_t>(pl[i]) << (8 * i);
        pos += 8;
        need(plen);
        need(plen + 4);
        BackupSetInfo info;
        info.header = std::move(*hdr);
        if (verify) {
            Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
            crc.update(json.data(), static_cast<unsigned>(json.size()));
            std::vector<char> buf(64 * 1024);
            for (std::uint64_t left = plen; left > 0;) {
                std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
                in.read(buf.data(), static_cast<std::streamsize>(n));
                crc.update(buf.data(), static_cast<unsigned>(n));
                left -= n;
            }
            unsigned char cb[4];
            in.read(reinterpret_cast<char*>(cb), 4);
            std::uint32_t stored = static_cast<std::uint32_t>(cb[0] | (cb[1] << 8) | (cb[2] << 16) | (static_cast<std::uint32_t>(cb[3]) << 24));
            info.checksumOk = stored == crc.checksum();
        } else {
            in.seekg(static_cast<std::streamoff>(plen + 4), std::ios::cur);
        }
        pos += plen + 4;
        sets.push_back(std::move(info));
    }
    if (sets.empty()) throw errors::readFailed(path.string());
    return sets;
}

}  // namespace mssql_sim
