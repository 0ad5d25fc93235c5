// storage_share_bench copy '<copy_backups `with` JSON>'
//   Runs storage-share.copy_backups once and prints its outputs as one JSON line.
// storage_share_bench generate DIR COUNT BYTES [PREFIX]
//   Writes COUNT files of BYTES each (distinct content) named PREFIX00001.trn..., with an
//   mtime an hour ago, as finished log backups have.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "drkit/testing.hpp"

namespace {

int copy(const char* with_json) {
  try {
    drkit::testing::Harness h({DRKIT_PLUGIN_DIR});
    auto out = h.run("storage-share.copy_backups", boost::json::parse(with_json).as_object());
    out.erase("copied_files");  // keep the line short
    out.erase("checksums");
    std::cout << boost::json::serialize(out) << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "copy_backups failed: " << e.what() << "\n";
    return 1;
  }
}

int generate(const std::string& dir, long count, long bytes, const std::string& prefix) {
  std::mt19937_64 rng(std::random_device{}());
  std::vector<std::uint64_t> block(static_cast<std::size_t>(bytes + 7) / 8);
  for (auto& w : block) w = rng();
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const timespec times[2] = {{now.tv_sec - 3600, 0}, {now.tv_sec - 3600, 0}};
  for (long i = 1; i <= count; ++i) {
    block[0] = rng();  // distinct content per file
    block[block.size() / 2] = rng();
    std::string path = fmt::format("{}/{}{:05}.trn", dir, prefix, i);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::cerr << path << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    const char* p = reinterpret_cast<const char*>(block.data());
    long left = bytes;
    while (left > 0) {
      ssize_t n = ::write(fd, p, static_cast<std::size_t>(left));
      if (n <= 0) {
        std::cerr << path << ": " << std::strerror(errno) << "\n";
        ::close(fd);
        return 1;
      }
      p += n;
      left -= n;
    }
    ::futimens(fd, times);
    ::close(fd);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "copy" && argc == 3) return copy(argv[2]);
  if (mode == "generate" && (argc == 5 || argc == 6))
    return generate(argv[2], std::stol(argv[3]), std::stol(argv[4]), argc == 6 ? argv[5] : "log");
  std::cerr << "usage: storage_share_bench copy '<with JSON>'\n"
               "       storage_share_bench generate DIR COUNT BYTES [PREFIX]\n";
  return 2;
}
