#include "plugin_loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "drkit/plugin.hpp"

namespace drkit {

namespace fs = std::filesystem;

namespace {

void split_path_list(const char* text, std::vector<fs::path>& out) {
  if (!text) return;
  std::string_view s(text);
  while (!s.empty()) {
    auto colon = s.find(':');
    auto part = s.substr(0, colon);
    if (!part.empty()) out.emplace_back(part);
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
  }
}

// Refuses files and folders that another user could replace with their own code.
void check_not_writable_by_others(const fs::path& p, const char* what) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0)
    throw std::runtime_error(fmt::format("cannot stat {} {}", what, p.string()));
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    throw std::runtime_error(fmt::format(
        "refusing plugin: {} {} is writable by {} (mode {:o}); run `chmod go-w {}` or pass "
        "--allow-insecure-plugins",
        what, p.string(), (st.st_mode & S_IWOTH) ? "others" : "its group", st.st_mode & 07777,
        p.string()));
  }
}

}  // namespace

std::vector<fs::path> default_plugin_path(const std::vector<fs::path>& explicit_dirs,
                                          const std::vector<fs::path>& manifest_dirs) {
  std::vector<fs::path> out = explicit_dirs;
  split_path_list(std::getenv("DRKIT_PLUGIN_PATH"), out);
  out.insert(out.end(), manifest_dirs.begin(), manifest_dirs.end());
  // Installed layout: <prefix>/bin/drkit next to <prefix>/lib/drkit/plugins.
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(exe.parent_path().parent_path() / "lib" / "drkit" / "plugins");
  out.emplace_back(DRKIT_INSTALL_PLUGIN_DIR);
  out.emplace_back(DRKIT_BUILD_PLUGIN_DIR);
  return out;
}

// The registry's factories are std::functions whose code lives in the plugins: destroying
// them after dlclose jumps into unmapped memory.
PluginLoader::~PluginLoader() {
  for (const auto& p : plugins_) registry_.remove_plugin_file(p.file);
}

Diagnostics PluginLoader::load(const LoaderOptions& options) {
  // Every candidate file, in search order; earlier folders shadow later ones by file name.
  std::vector<fs::path> candidates;
  std::set<std::string> seen_files;
  std::set<fs::path> seen_dirs;
  for (const auto& dir : options.search_path) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(dir, ec);
    if (ec || !fs::is_directory(canonical, ec) || !seen_dirs.insert(canonical).second) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(canonical, ec)) {
      auto name = entry.path().filename().string();
      if (name.starts_with("drkit-") && name.ends_with(".so")) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (auto& file : files)
      if (seen_files.insert(file.filename().string()).second) candidates.push_back(std::move(file));
  }

  Diagnostics problems;
  std::set<fs::path> attempted;
  auto load_one = [&](const fs::path& file) {
    attempted.insert(file);
    try {
      load_file(file, options.allow_insecure);
    } catch (const std::exception& e) {
      // The message names the file already; a Diagnostic file would print it twice.
      problems.push_back({"", 0, 0, "", e.what()});
    }
  };
  if (options.only) {
    for (const auto& file : candidates) {
      auto stem = file.filename().string();
      stem = stem.substr(6, stem.size() - 6 - 3);  // drkit-NAME.so
      if (options.only->contains(stem)) load_one(file);
    }
    bool satisfied = problems.empty() && std::all_of(options.only->begin(), options.only->end(), [&](const auto& n) {
                       return std::any_of(plugins_.begin(), plugins_.end(), [&](const auto& p) { return p.name == n; });
                     });
    if (satisfied) return problems;
  }
  for (const auto& file : candidates)
    if (!attempted.contains(file)) load_one(file);
  return problems;
}

void PluginLoader::load_file(const fs::path& file, bool allow_insecure) {
  if (!allow_insecure) {
    check_not_writable_by_others(file.parent_path(), "folder");
    check_not_writable_by_others(file, "file");
  }
  boost::dll::shared_library lib;
  try {
    lib.load(file, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("cannot load plugin {}: {}", file.string(), e.what()));
  }
  if (!lib.has(kPluginAlias)) {
    throw std::runtime_error(fmt::format(
        "{} is a shared library but not a drkit plugin (it exports no '{}'; a plugin uses "
        "DRKIT_PLUGIN from drkit/plugin.hpp)",
        file.string(), kPluginAlias));
  }
  auto describe = lib.get_alias<PluginDescriptorFn>(kPluginAlias);
  const PluginDescriptor* d = describe();
  if (!d) throw std::runtime_error(fmt::format("plugin {} returned no descriptor", file.string()));
  if (d->abi_version != kAbiVersion) {
    throw std::runtime_error(fmt::format(
        "plugin {} was built for drkit ABI version {}, but this drkit has ABI version {}: "
        "rebuild the plugin against this drkit's SDK",
        file.string(), d->abi_version, kAbiVersion));
  }
  if (std::string_view(d->toolchain ? d->toolchain : "") != kToolchain) {
    throw std::runtime_error(fmt::format(
        "plugin {} was built with toolchain '{}', but this drkit was built with '{}': "
        "rebuild the plugin with the same compiler, standard library and Boost",
        file.string(), d->toolchain ? d->toolchain : "", kToolchain));
  }
  if (!d->name || !*d->name || !d->register_components) {
    throw std::runtime_error(fmt::format(
        "plugin {} has an incomplete descriptor (no name or register function): build it with "
        "DRKIT_PLUGIN from drkit/plugin.hpp",
        file.string()));
  }
  for (const auto& p : plugins_) {
    if (p.name == d->name) {
      throw std::runtime_error(fmt::format(
          "plugin name '{}' is used by both {} and {}: keep only one of them on the plugin path",
          p.name, p.file.string(), file.string()));
    }
  }
  // Keep the library loaded before registering: a registration that throws halfway
  // leaves factories whose code lives in it.
  libraries_.push_back(lib);
  registry_.begin_plugin(d->name, file);
  try {
    d->register_components(registry_);
  } catch (...) {
    registry_.abandon_plugin();
    throw;
  }
  plugins_.push_back({d->name, d->version ? d->version : "", d->summary ? d->summary : "",
                      d->abi_version, d->toolchain, file});
}

}  // namespace drkit
