// The state file: read under an exclusive lock, written atomically (temp file + rename), so
// concurrent scripts (a parallel stage, `drkit lab status`) never see half a file.
#pragma once

#include <filesystem>

#include "topology.hpp"

namespace cssim {

class StateFile {
 public:
  // Opens (creating if needed) PATH.lock and takes an exclusive flock on it. Throws
  // std::runtime_error naming the path.
  explicit StateFile(std::filesystem::path path);
  ~StateFile();
  StateFile(const StateFile&) = delete;
  StateFile& operator=(const StateFile&) = delete;

  // Throws std::runtime_error naming the file and the problem (missing, bad JSON, bad field).
  Topology load() const;
  void save(const Topology& topology) const;

 private:
  std::filesystem::path path_;
  int lock_fd_ = -1;
};

}  // namespace cssim
