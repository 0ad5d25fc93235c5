#include "file_name_filter.h"

#include <fnmatch.h>

namespace drkit::storage_share {

std::string partial_name_for(std::string_view name) {
  std::string out = ".";
  out += name;
  out += kPartialSuffix;
  return out;
}

bool is_partial_name(std::string_view name) {
  return name.size() > kPartialSuffix.size() + 1 && name.front() == '.' &&
         name.ends_with(kPartialSuffix);
}

FileNameFilter::FileNameFilter(std::string pattern, std::vector<std::string> ignore)
    : pattern_(std::move(pattern)), ignore_(std::move(ignore)) {}

NameClass FileNameFilter::classify(const std::string& name) const {
  // A partial file never counts, whatever the globs say: it must not get a final name.
  if (is_partial_name(name)) return NameClass::temporary;
  for (const auto& glob : ignore_)
    if (::fnmatch(glob.c_str(), name.c_str(), FNM_PERIOD) == 0) return NameClass::temporary;
  if (::fnmatch(pattern_.c_str(), name.c_str(), FNM_PERIOD) == 0) return NameClass::selected;
  return NameClass::other;
}

}  // namespace drkit::storage_share
