#include "lab_layout.h"

#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "spellcheck.h"

namespace drkit::cli {

namespace fs = std::filesystem;

fs::path LabLayout::default_dir() {
  if (const char* d = std::getenv("DRKIT_LAB_DIR"); d && *d) return d;
  return "/tmp/drkit-lab";
}

LabLayout LabLayout::make(const fs::path& dir, int base_port) {
  LabLayout lab;
  lab.dir = fs::absolute(dir);
  const std::pair<const char*, const char*> roles[] = {
      {"primary", "primary-site"}, {"primary-mirror", "primary-site"},
      {"backup", "backup-site"}, {"backup-mirror", "backup-site"}};
  int i = 0;
  for (auto [key, site] : roles) {
    std::string name;
    for (const char* c = key; *c; ++c) name += *c == '-' ? '_' : static_cast<char>(std::toupper(*c));
    lab.instances.push_back({key, name, site, base_port + i, base_port + 10 + i, lab.dir / key});
    ++i;
  }
  lab.share = lab.dir / "share";
  lab.copy = lab.dir / "copy";
  lab.cs_state = lab.dir / "cs-shell-sim.json";
  lab.password_file = lab.dir / "sa.password";
  lab.state_dir = lab.dir / "drkit-state";
  return lab;
}

const LabInstance& LabLayout::instance(const std::string& key) const {
  for (const auto& i : instances)
    if (i.key == key) return i;
  throw std::runtime_error("no lab instance " + key);
}

std::vector<const LabInstance*> LabLayout::site(const std::string& site) const {
  std::vector<const LabInstance*> out;
  for (const auto& i : instances)
    if (i.site == site) out.push_back(&i);
  if (out.empty())
    throw std::runtime_error(fmt::format("unknown site '{}'{} (sites: primary-site, backup-site)", site,
                                         did_you_mean(site, {"primary-site", "backup-site"})));
  return out;
}

}  // namespace drkit::cli
