// FileNameFilter: decides from a file name alone whether it is a log backup to copy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drkit::storage_share {

// The copier's own temporary files: ".<name>.drkit-partial" next to the final name.
inline constexpr std::string_view kPartialSuffix = ".drkit-partial";
std::string partial_name_for(std::string_view name);
bool is_partial_name(std::string_view name);

enum class NameClass {
  selected,   // matches the pattern and no ignore glob
  temporary,  // matches an ignore glob (.wrk, .tmp, ...) or is a drkit partial file
  other,      // does not match the pattern
};

class FileNameFilter {
 public:
  FileNameFilter(std::string pattern, std::vector<std::string> ignore);
  // Globs are fnmatch(3) patterns matched against the whole name, case-sensitively.
  NameClass classify(const std::string& name) const;

 private:
  std::string pattern_;
  std::vector<std::string> ignore_;
};

}  // namespace drkit::storage_share
