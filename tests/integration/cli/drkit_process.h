// Running the real drkit binary from tests: spawn, capture, wait with a generous limit,
// kill -9. Plus a temporary folder and a manifest writer.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace drkit::test {

struct Finished {
  int exit_code = -1;
  std::string out;
  std::string err;
};

using drkit::test_support::TempDir;

// A drkit process started in the background, stdout/stderr going to files.
class DrkitProcess {
 public:
  DrkitProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
               const std::filesystem::path& output_dir);
  ~DrkitProcess();  // kills it if still running
  pid_t pid() const { return pid_; }
  // Waits up to `limit` (generous: tests do not time things, they only avoid hanging).
  Finished wait(std::chrono::seconds limit = std::chrono::seconds(120));
  void kill9();

 private:
  pid_t pid_ = -1;
  std::filesystem::path out_, err_;
  bool reaped_ = false;
  int status_ = 0;
};

// Runs drkit to completion.
Finished drkit(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

// Waits until `file` exists (up to `limit`); false on timeout.
bool wait_for_file(const std::filesystem::path& file, std::chrono::seconds limit = std::chrono::seconds(60));

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& text);
std::vector<std::string> lines_of(const std::string& text);

// True if any process's command line contains `marker`.
bool process_with_marker_exists(const std::string& marker);

}  // namespace drkit::test
