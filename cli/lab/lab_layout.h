// LabLayout: where everything of a `drkit lab` lives, and on which ports.
//
// One folder holds the four SQL Server simulators' data (primary and its mirror in the
// primary site, the log-shipping secondary "backup" and its mirror in the backup site), the
// backup share, the copy folder, the Management Shell simulator's topology and the sa
// password. Ports are fixed from a base (default 14331) so the example manifest's `lab`
// environment can name them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace drkit::cli {

struct LabInstance {
  std::string key;    // "primary", "primary-mirror", "backup", "backup-mirror"
  std::string name;   // @@SERVERNAME: "PRIMARY", ...
  std::string site;   // "primary-site" or "backup-site"
  int port = 0;       // TDS
  int endpoint = 0;   // mirroring endpoint + control port
  std::filesystem::path data;
};

struct LabLayout {
  std::filesystem::path dir;
  std::vector<LabInstance> instances;
  std::filesystem::path share;          // the log-shipping backup share
  std::filesystem::path copy;           // the secondary's copy destination
  std::filesystem::path cs_state;       // cs-shell-sim topology
  std::filesystem::path password_file;  // sa password, mode 0600
  std::filesystem::path state_dir;      // the lab's own drkit journal (set-up runs)

  // The default folder: $DRKIT_LAB_DIR, else /tmp/drkit-lab.
  static std::filesystem::path default_dir();
  static LabLayout make(const std::filesystem::path& dir, int base_port);

  const LabInstance& instance(const std::string& key) const;
  // Instances of "primary-site" / "backup-site"; throws on an unknown site.
  std::vector<const LabInstance*> site(const std::string& site) const;
};

}  // namespace drkit::cli
