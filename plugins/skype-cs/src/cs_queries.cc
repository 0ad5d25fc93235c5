#include "cs_queries.h"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "ps_quote.h"
#include "ps_script.h"

namespace drkit::skype_cs {

namespace {

// ConvertTo-Json writes one object for one result and an array for several.
std::vector<boost::json::object> rows_of(const boost::json::value& v, std::string_view what) {
  std::vector<boost::json::object> rows;
  if (v.is_null()) return rows;
  if (v.is_object()) {
    rows.push_back(v.get_object());
    return rows;
  }
  if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      if (!item.is_object())
        throw StepError(fmt::format("{}: unexpected output {}", what, boost::json::serialize(v)),
                        Retryable::no, "cs.bad_output");
      rows.push_back(item.get_object());
    }
    return rows;
  }
  throw StepError(fmt::format("{}: unexpected output {}", what, boost::json::serialize(v)),
                  Retryable::no, "cs.bad_output");
}

std::string field(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return std::string(it->value().get_string());
}

std::vector<std::string> list_field(const boost::json::object& o, std::string_view key) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end()) return out;
  if (it->value().is_string()) {
    out.emplace_back(it->value().get_string());  // a one-item list some hosts unwrap
  } else if (it->value().is_array()) {
    for (const auto& v : it->value().get_array())
      if (v.is_string()) out.emplace_back(v.get_string());
  }
  return out;
}

bool identity_names_fqdn(std::string_view identity, std::string_view fqdn) {
  if (iequals(identity, fqdn)) return true;
  return identity.size() > fqdn.size() && identity[identity.size() - fqdn.size() - 1] == ':' &&
         iequals(identity.substr(identity.size() - fqdn.size()), fqdn);
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string pool_state_query(const std::optional<std::string>& identity) {
  std::string cmd = "Get-CsPersistentChatState";
  if (identity) cmd += " -Identity " + ps_quote(*identity);
  return cmd + project({"Identity", "PoolState"}) + std::string(kToJson);
}

std::vector<PoolStateRow> parse_pool_states(const boost::json::value& v) {
  std::vector<PoolStateRow> out;
  for (const auto& o : rows_of(v, "Get-CsPersistentChatState"))
    out.push_back({field(o, "Identity"), field(o, "PoolState")});
  return out;
}

const PoolStateRow* find_pool_state(const std::vector<PoolStateRow>& rows,
                                    const std::optional<std::string>& identity,
                                    const std::optional<std::string>& pool_fqdn) {
  for (const auto& r : rows)
    if (identity && iequals(r.identity, *identity)) return &r;
  if (identity && rows.size() == 1 && !pool_fqdn) return &rows.front();  // -Identity filtered
  for (const auto& r : rows)
    if (pool_fqdn && identity_names_fqdn(r.identity, *pool_fqdn)) return &r;
  return nullptr;
}

std::string services_query() {
  return "Get-CsService -PersistentChatServer" + project({"Identity", "PoolFqdn"}, {"ActiveServers"}) +
         std::string(kToJson);
}

std::vector<ServiceRow> parse_services(const boost::json::value& v) {
  std::vector<ServiceRow> out;
  for (const auto& o : rows_of(v, "Get-CsService -PersistentChatServer"))
    out.push_back({field(o, "Identity"), field(o, "PoolFqdn"), list_field(o, "ActiveServers")});
  return out;
}

const ServiceRow* find_service(const std::vector<ServiceRow>& rows,
                               const std::optional<std::string>& identity,
                               const std::optional<std::string>& pool_fqdn) {
  for (const auto& r : rows)
    if (identity && iequals(r.identity, *identity)) return &r;
  for (const auto& r : rows)
    if (pool_fqdn && iequals(r.pool_fqdn, *pool_fqdn)) return &r;
  for (const auto& r : rows)
    if (identity && !pool_fqdn && identity_names_fqdn(*identity, r.pool_fqdn)) return &r;
  return nullptr;
}

bool MirrorStateRow::mirrored() const { return !principal_side().empty(); }

std::string MirrorStateRow::principal_side() const {
  if (iequals(state_on_primary, "Principal") && iequals(state_on_mirror, "Mirror")) return "Primary";
  if (iequals(state_on_primary, "Mirror") && iequals(state_on_mirror, "Principal")) return "Mirror";
  return {};
}

std::string mirror_state_query(const std::string& pool_fqdn, const std::string& database_type) {
  return fmt::format("Get-CsDatabaseMirrorState -PoolFqdn {} -DatabaseType {}", ps_quote(pool_fqdn),
                     ps_quote(database_type)) +
         project({"DatabaseName", "StateOnPrimary", "StateOnMirror"}) + std::string(kToJson);
}

std::optional<MirrorStateRow> parse_mirror_state(const boost::json::value& v) {
  auto rows = rows_of(v, "Get-CsDatabaseMirrorState");
  if (rows.empty()) return std::nullopt;
  const auto& o = rows.front();
  return MirrorStateRow{field(o, "DatabaseName"), field(o, "StateOnPrimary"), field(o, "StateOnMirror")};
}

}  // namespace drkit::skype_cs
