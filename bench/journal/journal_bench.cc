// The journal's cost per step: what start_attempt + finish_attempt add to every step of a
// run (two committed transactions; with durable=true each fsyncs the WAL).
//
//   drkit-bench-journal [--steps N] [--dir PATH]
//
// PATH (default $TMPDIR or /var/tmp) should be on the disk the state dir lives on: the
// figure is mostly that disk's fsync latency. A fresh journal is made under it and removed.
#include <stdlib.h>
#include <fcntl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "journal.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
  double median_ms = 0, p95_ms = 0, max_ms = 0, total_s = 0;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

Figures measure(const fs::path& base, bool durable, int steps) {
  std::string tmpl = (base / "drkit-bench-journal-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  fs::path dir = tmpl;
  Figures f;
  {
    auto journal = drkit::Journal::open(dir, {.durable = durable});
    drkit::RunRecord run;
    run.id = "bench";
    run.pipeline = "noop";
    run.started_at = std::chrono::system_clock::now();
    journal->create_run(run);
    std::vector<double> per_step;
    per_step.reserve(static_cast<std::size_t>(steps));
    auto all = Clock::now();
    for (int i = 0; i < steps; ++i) {
      std::string id = "step-" + std::to_string(i);
      auto t0 = Clock::now();
      auto aid = journal->start_attempt(
          {0, "bench", id, "step", "core.noop", 1, drkit::StepStatus::running, std::chrono::system_clock::now()});
      // A no-op step would run here.
      journal->finish_attempt(aid, drkit::StepStatus::succeeded, {{"ok", true}}, "", "", false,
                              std::chrono::system_clock::now());
      per_step.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    f.total_s = std::chrono::duration<double>(Clock::now() - all).count();
    f.median_ms = percentile(per_step, 0.5);
    f.p95_ms = percentile(per_step, 0.95);
    f.max_ms = *std::max_element(per_step.begin(), per_step.end());
  }
  fs::remove_all(dir);
  return f;
}

// The disk's own floor: a durable step commits twice, and each commit is one fdatasync of
// the WAL, so a step cannot cost less than two of these.
double fdatasync_median_ms(const fs::path& base, int rounds) {
  fs::path file = base / ("drkit-bench-fsync-" + std::to_string(::getpid()));
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("open " + file.string() + ": " + std::strerror(errno));
  std::vector<double> times;
  std::string block(4096, 'x');
  for (int i = 0; i < rounds; ++i) {
    auto t0 = Clock::now();
    if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i % 16) * 4096) < 0 || ::fdatasync(fd) != 0) {
      ::close(fd);
      fs::remove(file);
      throw std::runtime_error("write/fdatasync " + file.string() + ": " + std::strerror(errno));
    }
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  ::close(fd);
  fs::remove(file);
  return percentile(times, 0.5);
}

const char* fs_type(const fs::path& p) {
  struct statfs s {};
  if (::statfs(p.c_str(), &s) != 0) return "?";
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0xEF53: return "ext2/3/4";
    case 0x01021994: return "tmpfs (fsync is free: not a real figure)";
    case 0x9123683E: return "btrfs";
    case 0x58465342: return "xfs";
    case 0x794c7630: return "overlayfs";
    default: return "other";
  }
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 1000;
  const char* tmp = std::getenv("TMPDIR");
  fs::path base = tmp && *tmp ? tmp : "/var/tmp";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--steps" && i + 1 < argc) steps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--dir" && i + 1 < argc) base = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--steps N] [--dir PATH]\n", argv[0]);
      return 2;
    }
  }
  try {
    fmt::print("journal overhead per no-op step (start_attempt + finish_attempt), {} steps, in {} [{}]\n", steps,
               base.string(), fs_type(base));
    fmt::print("{:<28} {:>10} {:>10} {:>10} {:>10}\n", "mode", "median ms", "p95 ms", "max ms", "total s");
    for (bool durable : {true, false}) {
      Figures f = measure(base, durable, steps);
      fmt::print("{:<28} {:>10.3f} {:>10.3f} {:>10.3f} {:>10.2f}\n",
                 durable ? "durable (synchronous=FULL)" : "no fsync (synchronous=OFF)", f.median_ms, f.p95_ms,
                 f.max_ms, f.total_s);
    }
    fmt::print("disk floor: 4 KiB write + fdatasync, median {:.3f} ms (a durable step commits twice)\n",
               fdatasync_median_ms(base, 200));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "drkit-bench-journal: %s\n", e.what());
    return 1;
  }
  return 0;
}
