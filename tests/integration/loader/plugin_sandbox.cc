#include "plugin_sandbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace drkit::loader_test {

namespace fs = std::filesystem;

namespace {
void chmod_or_throw(const fs::path& p, mode_t mode) {
  if (::chmod(p.c_str(), mode) != 0)
    throw std::system_error(errno, std::generic_category(), "chmod " + p.string());
}
}  // namespace

PluginSandbox::PluginSandbox() {
  std::string pattern = (fs::temp_directory_path() / "drkit-loader-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  dir_ = fs::canonical(pattern);
  chmod_or_throw(dir_, 0755);
}

PluginSandbox::~PluginSandbox() {
  std::error_code ec;
  // Restore write permission first: a test may have made a folder read-only.
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::end(it); it.increment(ec))
    if (it->is_directory(ec)) ::chmod(it->path().c_str(), 0755);
  fs::remove_all(dir_, ec);
}

fs::path PluginSandbox::make_dir(std::string_view subdir) {
  fs::path d = dir_ / subdir;
  fs::create_directories(d);
  chmod_or_throw(d, 0755);
  return d;
}

fs::path PluginSandbox::add(std::string_view test_case, std::string_view file, std::string_view as,
                            std::string_view subdir) {
  fs::path from = fs::path(LOADER_PLUGIN_ROOT) / test_case / file;
  fs::path folder = subdir.empty() ? dir_ : make_dir(subdir);
  fs::path to = folder / (as.empty() ? file : as);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  chmod_or_throw(to, 0755);
  return to;
}

fs::path PluginSandbox::add_core() {
  fs::path to = dir_ / "drkit-core.so";
  fs::copy_file(fs::path(DRKIT_PLUGIN_DIR) / "drkit-core.so", to,
                fs::copy_options::overwrite_existing);
  chmod_or_throw(to, 0755);
  return to;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    throw std::system_error(errno, std::generic_category(), "stat " + file.string());
  return st.st_mode & 07777;
}

}  // namespace drkit::loader_test
