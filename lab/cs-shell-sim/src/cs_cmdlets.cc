// The Skype for Business Server cmdlets that Persistent Chat disaster recovery uses, with
// the parameters of the real ones (MicrosoftDocs/office-docs-powershell) and output objects
// of the same shape: identities are objects whose [string] is the identity literal, PoolState
// is an enum (ConvertTo-Json in 5.1 writes its number), server lists hold Fqdn objects.
// Error texts the real shell's documentation does not give are marked "sim wording" in
// docs/lab-cs-shell-sim.md.
#include <fstream>

#include <fmt/format.h>

#include "cmdlet.hpp"
#include "interpreter.hpp"
#include "topology.hpp"

namespace cssim {

namespace {

constexpr const char* kPoolStateType =
    "Microsoft.Rtc.Management.WritableConfig.Settings.PersistentChat.PoolState";
constexpr const char* kDatabaseType = "Microsoft.Rtc.Management.Deployment.DatabaseType";
const std::vector<std::string> kPoolStates = {"Normal", "FailedOver"};
const std::vector<std::string> kDatabaseTypes = {"PersistentChat", "PersistentChatCompliance"};

bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*')
    return glob_match(pattern.substr(1), text) ||
           (!text.empty() && glob_match(pattern, text.substr(1)));
  if (text.empty()) return false;
  if (pattern.front() != '?' && !iequals(pattern.substr(0, 1), text.substr(0, 1))) return false;
  return glob_match(pattern.substr(1), text.substr(1));
}

std::string store_name(const SqlStore& s) {
  return s.instance.empty() ? s.fqdn : s.fqdn + "\\" + s.instance;
}

std::string mirror_name(const SqlStore& s) {
  return s.mirror_instance.empty() ? s.mirror_fqdn : s.mirror_fqdn + "\\" + s.mirror_instance;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out.empty() ? "(none)" : out;
}

Value xds_identity(const std::string& literal, const std::string& service_id) {
  return Value(make_object("Microsoft.Rtc.Management.Xds.XdsIdentity",
                           {{"ScopeClass", "Service"},
                            {"SiteId", nullptr},
                            {"ServiceId", service_id},
                            {"Tag", nullptr},
                            {"InstanceId", "00000000-0000-0000-0000-000000000000"}},
                           literal));
}

Value fqdn_list(const std::vector<std::string>& fqdns) {
  Array a;
  for (const auto& f : fqdns)
    a.emplace_back(make_object("Microsoft.Rtc.Management.Deploy.Fqdn", {{"Value", f}}, f));
  return Value(std::move(a));
}

Value pool_state_enum(const std::string& state) {
  return EnumValue{kPoolStateType, state, state == "FailedOver" ? 1 : 0};
}

Value state_object(const Pool& p) {
  return Value(make_object(
      "Microsoft.Rtc.Management.WritableConfig.Settings.PersistentChat.PersistentChatState",
      {{"Identity", xds_identity(p.state_identity, default_service_identity(p.fqdn))},
       {"PoolState", pool_state_enum(p.pool_state)}}));
}

// --- Get-CsPersistentChatState / Set-CsPersistentChatState ---------------------------------

void get_persistent_chat_state(CmdletCall& c) {
  if (c.params.has("Identity") && c.params.has("Filter"))
    throw CmdletError("Parameter set cannot be resolved using the specified named parameters.",
                      "InvalidArgument", "AmbiguousParameterSet",
                      "System.Management.Automation.ParameterBindingException");
  if (c.params.has("Identity")) {
    // An identity that matches nothing returns nothing, like the XDS Get- cmdlets.
    if (auto p = c.topology.find_pool_by_state_identity(c.params.string("Identity")))
      c.output.push_back(state_object(*p));
    return;
  }
  std::string filter = c.params.has("Filter") ? c.params.string("Filter") : "*";
  for (const auto& p : c.topology.pools)
    if (glob_match(filter, p.state_identity)) c.output.push_back(state_object(p));
}

void set_one_pool_state(CmdletCall& c, const std::string& identity);

void set_persistent_chat_state(CmdletCall& c) {
  // Objects piped from Get-CsPersistentChatState bind to -Instance, one by one.
  if (!c.params.has("Instance") && !c.params.has("Identity") && !c.input.empty()) {
    for (const auto& item : c.input) {
      auto o = item.object_if();
      auto id = o ? o->find("Identity") : nullptr;
      if (!id)
        throw CmdletError("The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.",
                          "InvalidArgument", "InputObjectNotBound",
                          "System.Management.Automation.ParameterBindingException");
      set_one_pool_state(c, id->to_string());
    }
    return;
  }
  std::string identity;
  if (auto inst = c.params.get("Instance")) {
    if (c.params.has("Identity"))
      throw CmdletError("Parameter set cannot be resolved using the specified named parameters.",
                        "InvalidArgument", "AmbiguousParameterSet",
                        "System.Management.Automation.ParameterBindingException");
    auto o = inst->object_if();
    auto id = o ? o->find("Identity") : nullptr;
    if (!id)
      throw CmdletError("Cannot bind parameter 'Instance': the object is not a PersistentChatState (use the output of Get-CsPersistentChatState).",
                        "InvalidArgument", "CannotConvertArgument",
                        "System.Management.Automation.ParameterBindingException");
    identity = id->to_string();
  } else {
    identity = c.params.has("Identity") ? c.params.string("Identity") : "global";
  }
  set_one_pool_state(c, identity);
}

void set_one_pool_state(CmdletCall& c, const std::string& identity) {
  Pool* p = c.topology.find_pool_by_state_identity(identity);
  if (!p)
    throw CmdletError(fmt::format("Cannot find \"PersistentChatState\" \"{}\" because it does not exist.",
                                  identity),
                      "ObjectNotFound", "ItemNotFound",
                      "System.Management.Automation.ItemNotFoundException");
  if (!c.params.has("PoolState")) return;  // nothing to change
  std::string state = c.params.string("PoolState");
  if (state == p->pool_state) return;
  if (state == "FailedOver" && !p->backup_store)
    throw CmdletError(fmt::format("Pool \"{}\" has no backup SQL Server store in the topology: it cannot fail over.",
                                  p->fqdn),
                      "InvalidOperation", "NoBackupStore");
  c.interp.record_change(fmt::format("Set-CsPersistentChatState {}: {} -> {}", p->state_identity,
                                     p->pool_state, state));
  p->pool_state = state;
}

// --- Get-CsService -PersistentChatServer -----------------------------------------------------

Value service_object(const Pool& p, std::size_t index) {
  std::vector<std::string> inactive;
  for (const auto& comp : p.computers) {
    bool active = false;
    for (const auto& a : p.active_servers) active = active || iequals(a, comp.fqdn);
    if (!active) inactive.push_back(comp.fqdn);
  }
  const auto& store = p.active_store();
  return Value(make_object(
      "Microsoft.Rtc.Management.Xds.DisplayPersistentChatServer",
      {{"Identity", xds_identity(p.service_identity, p.service_identity)},
       {"ServiceId", fmt::format("{}-PersistentChatServer-{}", index + 1, index + 1)},
       {"SiteId", "Site:" + p.site},
       {"PoolFqdn", p.fqdn},
       {"Version", 7},
       {"Role", "PersistentChatServer"},
       {"PersistentChatStore",
        store ? Value("PersistentChatStore:" + store_name(*store)) : Value()},
       {"PersistentChatComplianceStore",
        store && p.compliance ? Value("PersistentChatComplianceStore:" + store_name(*store))
                              : Value()},
       {"ActiveServers", fqdn_list(p.active_servers)},
       {"InactiveServers", fqdn_list(inactive)}},
      p.service_identity));
}

void get_service(CmdletCall& c) {
  if (!c.params.flag("PersistentChatServer"))
    throw CmdletError("cs-shell-sim implements Get-CsService only with -PersistentChatServer.",
                      "NotImplemented", "SimulatorLimitation");
  for (std::size_t i = 0; i < c.topology.pools.size(); ++i) {
    const auto& p = c.topology.pools[i];
    if (c.params.has("PoolFqdn") && !iequals(c.params.string("PoolFqdn"), p.fqdn)) continue;
    if (c.params.has("Identity") &&
        c.topology.find_pool_by_service_identity(c.params.string("Identity")) != &p)
      continue;
    c.output.push_back(service_object(p, i));
  }
}

// --- Set-CsPersistentChatActiveServer --------------------------------------------------------

std::vector<std::string> server_list(const Value& v) {
  std::vector<std::string> out;
  for (const auto& item : enumerate(v, true)) out.push_back(item.to_string());
  return out;
}

void set_active_server(CmdletCall& c) {
  std::string identity = c.params.has("Identity") ? c.params.string("Identity") : "global";
  bool swap = c.params.flag("Swap");
  if (swap == c.params.has("ActiveServers"))
    throw CmdletError("Parameter set cannot be resolved using the specified named parameters.",
                      "InvalidArgument", "AmbiguousParameterSet",
                      "System.Management.Automation.ParameterBindingException");
  Pool* p = c.topology.find_pool_by_service_identity(identity);
  if (!p)
    throw CmdletError(fmt::format("Cannot find Persistent Chat service \"{}\" in the topology.", identity),
                      "ObjectNotFound", "ItemNotFound",
                      "System.Management.Automation.ItemNotFoundException");
  std::vector<std::string> next = p->active_servers;
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    for (const auto& x : v)
      if (iequals(x, s)) return true;
    return false;
  };
  auto check_member = [&](const std::string& s) {
    if (!p->is_member(s))
      throw CmdletError(fmt::format("Server \"{}\" is not a Persistent Chat server of pool \"{}\".", s, p->fqdn),
                        "InvalidArgument", "InvalidActiveServer",
                        "System.ArgumentException");
  };
  if (swap) {
    next.clear();
    for (const auto& comp : p->computers)
      if (!contains(p->active_servers, comp.fqdn)) next.push_back(comp.fqdn);
  } else {
    const Value& mod = *c.params.get("ActiveServers");
    if (mod.is_null()) {
      next.clear();
    } else if (auto h = mod.hashtable_if()) {
      for (const auto& [key, val] : h->entries) {
        if (!iequals(key, "Add") && !iequals(key, "Remove") && !iequals(key, "Replace"))
          throw CmdletError(fmt::format("Cannot bind parameter 'ActiveServers'. The hash table key \"{}\" is not valid: a list modifier takes only the keys Add, Remove and Replace.", key),
                            "InvalidArgument", "CannotConvertArgumentNoMessage",
                            "System.Management.Automation.ParameterBindingException");
      }
      if (auto r = h->find("Replace")) {
        next.clear();
        for (const auto& s : server_list(*r)) {
          check_member(s);
          if (!contains(next, s)) next.push_back(s);
        }
      }
      if (auto a = h->find("Add"))
        for (const auto& s : server_list(*a)) {
          check_member(s);
          if (!contains(next, s)) next.push_back(s);
        }
      if (auto r = h->find("Remove"))
        for (const auto& s : server_list(*r))
          std::erase_if(next, [&](const std::string& x) { return iequals(x, s); });
    } else {
      next.clear();
      for (const auto& s : server_list(mod)) {
        check_member(s);
        if (!contains(next, s)) next.push_back(s);
      }
    }
  }
  if (next == p->active_servers) return;
  c.interp.record_change(fmt::format("Set-CsPersistentChatActiveServer {}: {} -> {}",
                                     p->service_identity, join(p->active_servers), join(next)));
  p->active_servers = std::move(next);
}

// --- Get-CsPool -------------------------------------------------------------------------------

void get_pool(CmdletCall& c) {
  for (const auto& p : c.topology.pools) {
    if (c.params.has("Identity") && !iequals(c.params.string("Identity"), p.fqdn)) continue;
    if (c.params.has("Filter") && !glob_match(c.params.string("Filter"), p.fqdn)) continue;
    Array services{Value("PersistentChatServer:" + p.fqdn)};
    for (const auto* s : {&p.primary_store, &p.backup_store})
      if (*s) services.emplace_back("PersistentChatStore:" + store_name(**s));
    Array computers;
    for (const auto& comp : p.computers) computers.emplace_back(comp.fqdn);
    c.output.emplace_back(make_object("Microsoft.Rtc.Management.Xds.DisplayPool",
                                      {{"Identity", p.fqdn},
                                       {"Services", Value(std::move(services))},
                                       {"Computers", Value(std::move(computers))},
                                       {"Fqdn", p.fqdn},
                                       {"Site", "Site:" + p.site}},
                                      p.fqdn));
  }
}

// --- Install-CsMirrorDatabase -------------------------------------------------------------

struct StoreRef {
  Pool* pool;
  const SqlStore* store;
};

std::vector<StoreRef> find_stores(Topology& t, const std::string& fqdn, const std::string& instance) {
  std::vector<StoreRef> out;
  for (auto& p : t.pools)
    for (const auto* s : {&p.primary_store, &p.backup_store})
      if (*s && iequals((*s)->fqdn, fqdn) && iequals((*s)->instance, instance))
        out.push_back({&p, &**s});
  return out;
}

void install_mirror_database(CmdletCall& c) {
  bool configured = c.params.flag("ConfiguredDatabases");
  if (configured == c.params.has("DatabaseType"))
    throw CmdletError("Parameter set cannot be resolved using the specified named parameters.",
                      "InvalidArgument", "AmbiguousParameterSet",
                      "System.Management.Automation.ParameterBindingException");
  std::string fqdn = c.params.string("SqlServerFqdn");
  std::string instance = c.params.string("SqlInstanceName");
  std::string share = c.params.string("FileShare");
  if (share.rfind("\\\\", 0) != 0)
    throw CmdletError(fmt::format("The file share \"{}\" is not a UNC path (\\\\server\\share).", share),
                      "InvalidArgument", "InvalidFileShare", "System.ArgumentException");
  auto stores = find_stores(c.topology, fqdn, instance);
  if (stores.empty())
    throw CmdletError(fmt::format("No SQL Server store \"{}\" is defined in the topology.",
                                  instance.empty() ? fqdn : fqdn + "\\" + instance),
                      "ObjectNotFound", "StoreNotFound");
  std::vector<std::pair<StoreRef, std::string>> work;
  for (const auto& ref : stores) {
    if (ref.store->mirror_fqdn.empty())
      throw CmdletError(fmt::format("The SQL Server store \"{}\" has no mirror defined in the topology. Define the mirror in Topology Builder and publish the topology first.",
                                    store_name(*ref.store)),
                        "InvalidOperation", "NoMirrorDefined");
    if (configured) {
      work.push_back({ref, "PersistentChat"});
      if (ref.pool->compliance) work.push_back({ref, "PersistentChatCompliance"});
    } else {
      work.push_back({ref, c.params.string("DatabaseType")});
    }
  }
  bool drop = c.params.flag("DropExistingDatabasesOnMirror");
  for (const auto& [ref, type] : work) {
    MirrorInstall* existing = c.topology.find_mirror(ref.store->fqdn, ref.store->instance, type);
    if (existing && !drop)
      throw CmdletError(fmt::format("The database \"{}\" already exists on the mirror SQL Server \"{}\". Use -DropExistingDatabasesOnMirror to replace it.",
                                    database_name(type), mirror_name(*ref.store)),
                        "InvalidOperation", "DatabaseExistsOnMirror");
  }
  for (const auto& [ref, type] : work) {
    if (MirrorInstall* existing = c.topology.find_mirror(ref.store->fqdn, ref.store->instance, type)) {
      existing->file_share = share;
      existing->principal = "Primary";
    } else {
      c.topology.mirrors.push_back({ref.store->fqdn, ref.store->instance, type, share, "Primary"});
    }
    c.interp.record_change(fmt::format("Install-CsMirrorDatabase {} {} -> mirror {}", type,
                                       store_name(*ref.store), mirror_name(*ref.store)));
  }
  if (c.params.has("Report")) {
    std::string path = c.params.string("Report");
    std::ofstream report(path);
    if (!report)
      throw CmdletError(fmt::format("Could not find a part of the path '{}'.", path), "WriteError",
                        "ReportNotWritten", "System.IO.DirectoryNotFoundException");
    for (const auto& [ref, type] : work)
      report << fmt::format("Installed mirror of {} ({}) from {} on {}\n", database_name(type), type,
                            store_name(*ref.store), mirror_name(*ref.store));
  }
}

// --- Get-CsDatabaseMirrorState / Invoke-CsDatabaseFailover --------------------------------

struct PoolMirror {
  Pool* pool;
  const SqlStore* store;
  MirrorInstall* mirror;  // null when not mirrored
};

PoolMirror pool_mirror(CmdletCall& c) {
  std::string fqdn = c.params.string("PoolFqdn");
  Pool* p = c.topology.find_pool_by_fqdn(fqdn);
  if (!p)
    throw CmdletError(fmt::format("Cannot find pool \"{}\" in the topology.", fqdn), "ObjectNotFound",
                      "PoolNotFound", "System.Management.Automation.ItemNotFoundException");
  const auto& store = p->active_store();
  if (!store)
    throw CmdletError(fmt::format("Pool \"{}\" has no {} SQL Server store in the topology.", p->fqdn,
                                  p->pool_state == "FailedOver" ? "backup" : "primary"),
                      "InvalidOperation", "StoreNotFound");
  return {p, &*store,
          c.topology.find_mirror(store->fqdn, store->instance, c.params.string("DatabaseType"))};
}

void get_database_mirror_state(CmdletCall& c) {
  auto pm = pool_mirror(c);
  std::string type = c.params.string("DatabaseType");
  Value on_primary, on_mirror, status = "not mirrored";
  if (pm.mirror) {
    bool primary_is_principal = pm.mirror->principal == "Primary";
    on_primary = primary_is_principal ? "Principal" : "Mirror";
    on_mirror = primary_is_principal ? "Mirror" : "Principal";
    status = "synchronized";
  }
  c.output.emplace_back(make_object("Microsoft.Rtc.Management.Deployment.DatabaseMirrorState",
                                    {{"DatabaseName", database_name(type)},
                                     {"StateOnPrimary", on_primary},
                                     {"StateOnMirror", on_mirror},
                                     {"MirroringStatusOnPrimary", status},
                                     {"MirroringStatusOnMirror", pm.mirror ? status : Value()}}));
}

void invoke_database_failover(CmdletCall& c) {
  auto pm = pool_mirror(c);
  std::string type = c.params.string("DatabaseType");
  std::string target = c.params.string("NewPrincipal");
  if (!c.params.flag("Force"))
    throw CmdletError("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.",
                      "InvalidOperation", "HostException",
                      "System.Management.Automation.Host.HostException");
  if (!pm.mirror)
    throw CmdletError(fmt::format("Database mirroring is not set up for the {} database of pool \"{}\" on \"{}\". Run Install-CsMirrorDatabase first.",
                                  type, pm.pool->fqdn, store_name(*pm.store)),
                      "InvalidOperation", "MirrorNotConfigured");
  if (pm.mirror->principal == target)
    throw CmdletError(fmt::format("The {} database of pool \"{}\" is already principal on the {} server.",
                                  type, pm.pool->fqdn, target),
                      "InvalidOperation", "AlreadyPrincipal");
  c.interp.record_change(fmt::format("Invoke-CsDatabaseFailover {} {}: principal {} -> {}",
                                     pm.pool->fqdn, type, pm.mirror->principal, target));
  pm.mirror->principal = target;
}

ParamDef enum_param(std::string name, bool mandatory, std::string type,
                    std::vector<std::string> values) {
  ParamDef p{std::move(name), ParamKind::enumeration, mandatory, -1, std::move(type)};
  p.enum_values = std::move(values);
  return p;
}

}  // namespace

const std::vector<CmdletDef>& cs_cmdlets() {
  static const std::vector<CmdletDef> defs = {
      {"Get-CsPersistentChatState",
       {{"Identity", ParamKind::string, false, 0, "Microsoft.Rtc.Management.Xds.XdsIdentity"},
        {"Filter", ParamKind::string},
        {"LocalStore", ParamKind::switch_param}},
       true, false, get_persistent_chat_state},
      {"Set-CsPersistentChatState",
       {{"Identity", ParamKind::string, false, 0, "Microsoft.Rtc.Management.Xds.XdsIdentity"},
        {"Instance", ParamKind::any, false, -1, "System.Management.Automation.PSObject", {}, true},
        enum_param("PoolState", false, kPoolStateType, kPoolStates),
        {"Force", ParamKind::switch_param}},
       true, true, set_persistent_chat_state},
      {"Get-CsService",
       {{"Identity", ParamKind::string, false, 0, "Microsoft.Rtc.Management.Xds.XdsGlobalRelativeIdentity"},
        {"PersistentChatServer", ParamKind::switch_param},
        {"PoolFqdn", ParamKind::string, false, -1, "Microsoft.Rtc.Management.Deploy.Fqdn"},
        {"LocalStore", ParamKind::switch_param}},
       true, false, get_service},
      {"Set-CsPersistentChatActiveServer",
       {{"Identity", ParamKind::string, false, 0,
         "Microsoft.Rtc.Management.Xds.XdsGlobalRelativeIdentity"},
        {"ActiveServers", ParamKind::any, false, -1,
         "System.Management.Automation.PSListModifier`1[Microsoft.Rtc.Management.Deploy.Fqdn]"},
        {"Swap", ParamKind::switch_param},
        {"Force", ParamKind::switch_param}},
       true, true, set_active_server},
      {"Get-CsPool",
       {{"Identity", ParamKind::string, false, 0, "Microsoft.Rtc.Management.Xds.XdsGlobalRelativeIdentity"},
        {"Filter", ParamKind::string},
        {"LocalStore", ParamKind::switch_param}},
       true, false, get_pool},
      {"Install-CsMirrorDatabase",
       {enum_param("DatabaseType", false, kDatabaseType, kDatabaseTypes),
        {"ConfiguredDatabases", ParamKind::switch_param},
        {"SqlServerFqdn", ParamKind::string, true, -1, "Microsoft.Rtc.Management.Deploy.Fqdn"},
        {"SqlInstanceName", ParamKind::string},
        {"FileShare", ParamKind::string, true},
        {"DropExistingDatabasesOnMirror", ParamKind::switch_param},
        {"Report", ParamKind::string},
        {"ForDefaultInstance", ParamKind::switch_param},
        {"ForInstance", ParamKind::switch_param},
        {"Force", ParamKind::switch_param}},
       true, true, install_mirror_database},
      {"Get-CsDatabaseMirrorState",
       {{"PoolFqdn", ParamKind::string, true, -1, "Microsoft.Rtc.Management.Deploy.Fqdn"},
        enum_param("DatabaseType", true, kDatabaseType, kDatabaseTypes)},
       true, false, get_database_mirror_state},
      {"Invoke-CsDatabaseFailover",
       {{"PoolFqdn", ParamKind::string, true, -1, "Microsoft.Rtc.Management.Deploy.Fqdn"},
        enum_param("DatabaseType", true, kDatabaseType, kDatabaseTypes),
        enum_param("NewPrincipal", true,
                   "Microsoft.Rtc.Management.Deployment.DatabaseFailoverTarget",
                   {"Primary", "Mirror"}),
        {"Force", ParamKind::switch_param}},
       true, true, invoke_database_failover},
  };
  return defs;
}

}  // namespace cssim
