#include "lab_setup.h"

#include <fstream>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "console.h"
#include "engine.h"
#include "journal.h"
#include "manifest.h"
#include "manifest_validator.h"
#include "terminal_approver.h"
#include "workspace.h"

namespace drkit::cli {

namespace json = boost::json;

namespace {

std::string q(const std::filesystem::path& p) { return "N'" + p.string() + "'"; }  // lab paths: no quotes inside

json::object sql_step(const std::string& id, const std::string& instance, const std::string& sql,
                      const std::string& description) {
  return {{"id", id}, {"uses", "sqlserver.execute"}, {"description", description},
          {"with", {{"instance", instance}, {"sql", sql}}},
          {"retry", {{"attempts", 3}, {"delay", "1s"}}}};
}

std::string seed_backups(const LabLayout& lab) {
  auto seed = lab.dir / "seed";
  std::string sql;
  for (const char* db : {"mgc", "mgccomp"}) {
    sql += fmt::format("ALTER DATABASE [{0}] SET RECOVERY FULL;\n"
                       "BACKUP DATABASE [{0}] TO DISK = {1} WITH INIT, CHECKSUM;\n"
                       "BACKUP LOG [{0}] TO DISK = {2} WITH INIT, CHECKSUM;\n",
                       db, q(seed / (std::string(db) + "_full.bak")), q(seed / (std::string(db) + "_init.trn")));
  }
  return sql;
}

std::string restore_seed(const LabLayout& lab, const char* db, bool recovery) {
  auto seed = lab.dir / "seed";
  std::string sql = fmt::format("RESTORE DATABASE [{0}] FROM DISK = {1} WITH NORECOVERY, REPLACE, CHECKSUM;\n", db,
                                q(seed / (std::string(db) + "_full.bak")));
  sql += fmt::format("RESTORE LOG [{0}] FROM DISK = {1} WITH {2}, CHECKSUM;\n", db,
                     q(seed / (std::string(db) + "_init.trn")), recovery ? "RECOVERY" : "NORECOVERY");
  return sql;
}

std::string schedule(const std::string& job, int seconds) {
  return fmt::format(
      "EXEC msdb.dbo.sp_add_schedule @schedule_name = N'{0}_schedule', @freq_type = 4, @freq_interval = 1, "
      "@freq_subday_type = 2, @freq_subday_interval = {1};\n"
      "EXEC msdb.dbo.sp_attach_schedule @job_name = N'{0}', @schedule_name = N'{0}_schedule';\n"
      "EXEC msdb.dbo.sp_update_job @job_name = N'{0}', @enabled = 1;\n",
      job, seconds);
}

}  // namespace

std::string lab_setup_manifest(const LabLayout& lab) {
  json::object resources;
  for (const auto& i : lab.instances) {
    resources[i.key] = {{"type", "sqlserver.instance"},
                        {"with", {{"connection", fmt::format("Driver=FreeTDS;Server=127.0.0.1;Port={};TDS_Version=7.4;"
                                                             "Encryption=off", i.port)},
                                  {"user", "sa"},
                                  {"password", "${secret:file:" + lab.password_file.string() + "}"},
                                  {"login_timeout", "5s"}}}};
  }
  const auto& primary = lab.instance("primary");
  const auto& pmirror = lab.instance("primary-mirror");
  std::string partner_on_mirror, partner_on_primary;
  for (const char* db : {"mgc", "mgccomp"}) {
    partner_on_mirror += fmt::format("ALTER DATABASE [{}] SET PARTNER = 'TCP://127.0.0.1:{}';\n", db, primary.endpoint);
    partner_on_primary += fmt::format("ALTER DATABASE [{}] SET PARTNER = 'TCP://127.0.0.1:{}';\n", db, pmirror.endpoint);
  }
  std::string ls_primary =
      "DECLARE @backup_job_id uniqueidentifier, @primary_id uniqueidentifier;\n" +
      fmt::format("EXEC master.dbo.sp_add_log_shipping_primary_database @database = N'mgc', @backup_directory = {0}, "
                  "@backup_share = {0}, @backup_job_name = N'LSBackup_mgc', @backup_retention_period = 4320, "
                  "@backup_threshold = 60, @backup_job_id = @backup_job_id OUTPUT, @primary_id = @primary_id OUTPUT;\n",
                  q(lab.share)) +
      schedule("LSBackup_mgc", 10) +
      "EXEC master.dbo.sp_add_log_shipping_primary_secondary @primary_database = N'mgc', "
      "@secondary_server = N'BACKUP', @secondary_database = N'mgc';\n";
  std::string ls_secondary =
      "DECLARE @copy_job_id uniqueidentifier, @restore_job_id uniqueidentifier, @secondary_id uniqueidentifier;\n" +
      fmt::format("EXEC master.dbo.sp_add_log_shipping_secondary_primary @primary_server = N'PRIMARY', "
                  "@primary_database = N'mgc', @backup_source_directory = {}, @backup_destination_directory = {}, "
                  "@copy_job_name = N'LSCopy_PRIMARY_mgc', @restore_job_name = N'LSRestore_PRIMARY_mgc', "
                  "@file_retention_period = 4320, @copy_job_id = @copy_job_id OUTPUT, "
                  "@restore_job_id = @restore_job_id OUTPUT, @secondary_id = @secondary_id OUTPUT;\n",
                  q(lab.share), q(lab.copy)) +
      "EXEC master.dbo.sp_add_log_shipping_secondary_database @secondary_database = N'mgc', "
      "@primary_server = N'PRIMARY', @primary_database = N'mgc', @restore_delay = 0, @restore_mode = 0, "
      "@disconnect_users = 0;\n" +
      schedule("LSCopy_PRIMARY_mgc", 10) + schedule("LSRestore_PRIMARY_mgc", 10);

  json::array primary_site{
      sql_step("seed-backups", "primary", seed_backups(lab), "full and first log backups of mgc and mgccomp"),
      sql_step("mirror-restore", "primary-mirror", restore_seed(lab, "mgc", false) + restore_seed(lab, "mgccomp", false),
               "restore the seed on the primary's mirror WITH NORECOVERY"),
      sql_step("mirror-partner", "primary-mirror", partner_on_mirror, "mirroring: the mirror side first"),
      sql_step("principal-partner", "primary", partner_on_primary, "mirroring: then the principal"),
      sql_step("log-shipping-primary", "primary", ls_primary, "log shipping, primary side: backup job every 10 s")};
  json::array backup_site{
      sql_step("secondary-restore", "backup", restore_seed(lab, "mgc", false) + restore_seed(lab, "mgccomp", true),
               "restore mgc WITH NORECOVERY (log shipping target) and mgccomp ready to use"),
      sql_step("log-shipping-secondary", "backup", ls_secondary,
               "log shipping, secondary side: copy and restore jobs every 10 s")};
  json::object manifest{{"drkit", 1},
                        {"name", "drkit-lab-setup"},
                        {"description", "Builds the drkit lab's estate (written by `drkit lab up`)."},
                        {"resources", resources},
                        {"pipelines", {{"primary-site", {{"steps", primary_site}}}, {"backup-site", {{"steps", backup_site}}}}}};
  return json::serialize(manifest);
}

void run_lab_setup(const GlobalOptions& options, const LabLayout& lab, const std::string& pipeline) {
  auto file = lab.dir / "lab-setup.json";
  {
    std::ofstream out(file, std::ios::trunc);
    out << lab_setup_manifest(lab) << "\n";
  }
  GlobalOptions o = options;
  o.manifest = file.string();
  o.environment.clear();
  auto ws = Workspace::with_manifest(o);
  auto journal = Journal::open(lab.state_dir);
  Console console(o);
  TerminalApprover approver(console, true, {});
  Engine engine(ws->manifest(), ws->registry(), *journal, lab.state_dir, console, approver);
  RunOptions ro;
  ro.pipeline = pipeline;
  auto result = engine.run(ro);
  if (result.exit_code != 0)
    throw std::runtime_error(fmt::format("lab set-up ({}) failed: {}; see drkit report {} --state-dir {}", pipeline,
                                         result.message, result.run_id, lab.state_dir.string()));
}

}  // namespace drkit::cli
