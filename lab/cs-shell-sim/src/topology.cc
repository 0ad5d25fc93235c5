#include "topology.hpp"

#include <stdexcept>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "value.hpp"

namespace json = boost::json;

namespace cssim {

std::string default_state_identity(std::string_view pool_fqdn) {
  return fmt::format("service:PersistentChatServer:{}", pool_fqdn);
}

std::string default_service_identity(std::string_view pool_fqdn) {
  return fmt::format("PersistentChatServer:{}", pool_fqdn);
}

std::string database_name(std::string_view database_type) {
  return iequals(database_type, "PersistentChatCompliance") ? "mgccomp" : "mgc";
}

const std::optional<SqlStore>& Pool::active_store() const {
  return pool_state == "FailedOver" ? backup_store : primary_store;
}

bool Pool::is_member(std::string_view server) const {
  for (const auto& c : computers)
    if (iequals(c.fqdn, server)) return true;
  return false;
}

Pool* Topology::find_pool_by_fqdn(std::string_view fqdn) {
  for (auto& p : pools)
    if (iequals(p.fqdn, fqdn)) return &p;
  return nullptr;
}

Pool* Topology::find_pool_by_state_identity(std::string_view identity) {
  for (auto& p : pools) {
    if (iequals(p.state_identity, identity)) return &p;
    for (const auto& a : p.state_identity_aliases)
      if (iequals(a, identity)) return &p;
  }
  return nullptr;
}

Pool* Topology::find_pool_by_service_identity(std::string_view identity) {
  if (iequals(identity, "global") && pools.size() == 1) return &pools.front();
  for (auto& p : pools) {
    if (iequals(p.service_identity, identity)) return &p;
    for (const auto& a : p.service_identity_aliases)
      if (iequals(a, identity)) return &p;
  }
  return nullptr;
}

MirrorInstall* Topology::find_mirror(std::string_view sql_fqdn, std::string_view instance,
                                     std::string_view database_type) {
  for (auto& m : mirrors)
    if (iequals(m.sql_fqdn, sql_fqdn) && iequals(m.instance, instance) &&
        iequals(m.database_type, database_type))
      return &m;
  return nullptr;
}

namespace {

json::array strings_to_json(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::value store_to_json(const std::optional<SqlStore>& s) {
  if (!s) return nullptr;
  return json::object{{"fqdn", s->fqdn},
                      {"instance", s->instance},
                      {"mirror_fqdn", s->mirror_fqdn},
                      {"mirror_instance", s->mirror_instance}};
}

// Reads fields with errors that name the path: "pools[0].fqdn: expected a string".
class Reader {
 public:
  static std::string str(const json::object& o, std::string_view key, const std::string& path,
                         bool required = false, std::string fallback = {}) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) {
      if (required) throw std::runtime_error(fmt::format("{}.{}: required", path, key));
      return fallback;
    }
    if (!it->value().is_string())
      throw std::runtime_error(fmt::format("{}.{}: expected a string", path, key));
    return std::string(it->value().get_string());
  }
  static std::vector<std::string> strs(const json::object& o, std::string_view key,
                                       const std::string& path) {
    std::vector<std::string> out;
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return out;
    if (!it->value().is_array())
      throw std::runtime_error(fmt::format("{}.{}: expected an array of strings", path, key));
    for (const auto& e : it->value().get_array()) {
      if (!e.is_string())
        throw std::runtime_error(fmt::format("{}.{}: expected an array of strings", path, key));
      out.emplace_back(e.get_string());
    }
    return out;
  }
  static std::optional<SqlStore> store(const json::object& o, std::string_view key,
                                       const std::string& path) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return std::nullopt;
    if (!it->value().is_object())
      throw std::runtime_error(fmt::format("{}.{}: expected an object", path, key));
    const auto& s = it->value().get_object();
    std::string p = fmt::format("{}.{}", path, key);
    return SqlStore{str(s, "fqdn", p, true), str(s, "instance", p), str(s, "mirror_fqdn", p),
                    str(s, "mirror_instance", p)};
  }
};

}  // namespace

json::value Topology::to_json() const {
  json::array jpools;
  for (const auto& p : pools) {
    json::array computers;
    for (const auto& c : p.computers) computers.push_back(json::object{{"fqdn", c.fqdn}, {"site", c.site}});
    jpools.push_back(json::object{
        {"fqdn", p.fqdn},
        {"site", p.site},
        {"computers", std::move(computers)},
        {"pool_state", p.pool_state},
        {"state_identity", p.state_identity},
        {"state_identity_aliases", strings_to_json(p.state_identity_aliases)},
        {"service_identity", p.service_identity},
        {"service_identity_aliases", strings_to_json(p.service_identity_aliases)},
        {"active_servers", strings_to_json(p.active_servers)},
        {"compliance", p.compliance},
        {"primary_store", store_to_json(p.primary_store)},
        {"backup_store", store_to_json(p.backup_store)},
    });
  }
  json::array jmirrors;
  for (const auto& m : mirrors)
    jmirrors.push_back(json::object{{"sql_fqdn", m.sql_fqdn},
                                    {"instance", m.instance},
                                    {"database_type", m.database_type},
                                    {"file_share", m.file_share},
                                    {"principal", m.principal}});
  return json::object{{"cs_shell_sim", 1},
                      {"pools", std::move(jpools)},
                      {"mirror_databases", std::move(jmirrors)},
                      {"history", strings_to_json(history)}};
}

Topology Topology::from_json(const json::value& v) {
  if (!v.is_object()) throw std::runtime_error("state: expected a JSON object");
  const auto& root = v.get_object();
  auto ver = root.find("cs_shell_sim");
  if (ver == root.end() || !ver->value().is_int64() || ver->value().get_int64() != 1)
    throw std::runtime_error("state: \"cs_shell_sim\": 1 is required (is this a cs-shell-sim state file?)");
  Topology t;
  if (auto it = root.find("pools"); it != root.end()) {
    if (!it->value().is_array()) throw std::runtime_error("pools: expected an array");
    std::size_t i = 0;
    for (const auto& jp : it->value().get_array()) {
      std::string path = fmt::format("pools[{}]", i++);
      if (!jp.is_object()) throw std::runtime_error(path + ": expected an object");
      const auto& o = jp.get_object();
      Pool p;
      p.fqdn = Reader::str(o, "fqdn", path, true);
      p.site = Reader::str(o, "site", path);
      if (auto c = o.find("computers"); c != o.end() && c->value().is_array()) {
        std::size_t j = 0;
        for (const auto& jc : c->value().get_array()) {
          std::string cpath = fmt::format("{}.computers[{}]", path, j++);
          if (!jc.is_object()) throw std::runtime_error(cpath + ": expected an object");
          p.computers.push_back({Reader::str(jc.get_object(), "fqdn", cpath, true),
                                 Reader::str(jc.get_object(), "site", cpath)});
        }
      }
      p.pool_state = Reader::str(o, "pool_state", path, false, "Normal");
      if (p.pool_state != "Normal" && p.pool_state != "FailedOver")
        throw std::runtime_error(path + ".pool_state: expected Normal or FailedOver");
      p.state_identity = Reader::str(o, "state_identity", path, false, default_state_identity(p.fqdn));
      p.state_identity_aliases = Reader::strs(o, "state_identity_aliases", path);
      p.service_identity =
          Reader::str(o, "service_identity", path, false, default_service_identity(p.fqdn));
      p.service_identity_aliases = Reader::strs(o, "service_identity_aliases", path);
      p.active_servers = Reader::strs(o, "active_servers", path);
      if (auto c = o.find("compliance"); c != o.end() && c->value().is_bool())
        p.compliance = c->value().get_bool();
      p.primary_store = Reader::store(o, "primary_store", path);
      p.backup_store = Reader::store(o, "backup_store", path);
      t.pools.push_back(std::move(p));
    }
  }
  if (auto it = root.find("mirror_databases"); it != root.end() && it->value().is_array()) {
    std::size_t i = 0;
    for (const auto& jm : it->value().get_array()) {
      std::string path = fmt::format("mirror_databases[{}]", i++);
      if (!jm.is_object()) throw std::runtime_error(path + ": expected an object");
      const auto& o = jm.get_object();
      t.mirrors.push_back({Reader::str(o, "sql_fqdn", path, true), Reader::str(o, "instance", path),
                           Reader::str(o, "database_type", path, true),
                           Reader::str(o, "file_share", path),
                           Reader::str(o, "principal", path, false, "Primary")});
      if (t.mirrors.back().principal != "Primary" && t.mirrors.back().principal != "Mirror")
        throw std::runtime_error(path + ".principal: expected Primary or Mirror");
    }
  }
  if (auto it = root.find("history"); it != root.end())
    t.history = Reader::strs(root, "history", "state");
  return t;
}

}  // namespace cssim
