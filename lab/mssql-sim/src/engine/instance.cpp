#include "engine/instance.hpp"

#include "engine/sql_error.hpp"

#include <Poco/SHA2Engine.h>
#include <Poco/DigestEngine.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

namespace mssql_sim {

namespace {
constexpr std::int64_t kInitialLsn = 34000000016000001;

std::string randomHex(std::size_t bytes) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string s;
    for (std::size_t i = 0; i < bytes; ++i) s += fmt::format("{:02X}", static_cast<unsigned>(rng() & 0xFF));
    return s;
}
}  // namespace

Instance::Instance(Config c) : cfg(std::move(c)), store(cfg.dataDir) {}

std::string Instance::newSid() { return "0x" + randomHex(16); }

std::int64_t Instance::nowMs() const { return DateTime::now().ms + st.clock_offset_ms; }

void Instance::open() {
    if (auto loaded = store.load()) {
        st = std::move(*loaded);
        if (!cfg.name.empty()) st.name = cfg.name;
    } else {
        bootstrap();
    }
    Login* sa = findLogin("sa");
    if (!cfg.saPassword.empty()) setPassword(*sa, cfg.saPassword);
    if (sa->password_hash.empty())
        throw std::runtime_error("no sa password: pass --password-file FILE or set MSSQL_SA_PASSWORD");
    for (const auto& name : cfg.initialDatabases)
        if (!findDb(name)) createDatabase(name);
    // Databases that were mid-restore stay RESTORING; nothing was "running" across a restart.
    save();
}

void Instance::bootstrap() {
    st = InstanceState{};
    st.name = cfg.name;
    st.server_guid = Guid::random().toString();
    const char* sys[] = {"master", "tempdb", "model", "msdb"};
    for (int i = 0; i < 4; ++i) {
        Database d;
        d.name = sys[i];
        d.database_id = i + 1;
        d.system = true;
        d.recovery_model_desc = (i == 0 || i == 1) ? "SIMPLE" : "FULL";
        d.is_broker_enabled = (i == 3);
        d.service_broker_guid = Guid::random().toString();
        d.create_date = nowMs();
        d.end_lsn = kInitialLsn;
        d.recovery_fork_guid = Guid::random().toString();
        d.family_guid = Guid::random().toString();
        std::string base = i == 1 ? "temp" : d.name;
        d.files = {{1, i == 1 ? "tempdev" : (i == 0 ? "master" : (i == 2 ? "modeldev" : "MSDBData")), fmt::format("/var/opt/mssql/data/{}.mdf", base), 0},
                   {2, i == 1 ? "templog" : (i == 0 ? "mastlog" : (i == 2 ? "modellog" : "MSDBLog")), fmt::format("/var/opt/mssql/data/{}log.ldf", base), 1}};
        st.databases.push_back(d);
    }
    Login sa;
    sa.name = "sa";
    sa.principal_id = 1;
    sa.sid = "0x01";
    sa.create_date = nowMs();
    st.logins.push_back(sa);
}

void Instance::save() {
    try {
        store.save(st);
    } catch (const std::exception& e) {
        // Report it like SQL Server reports a failed write, without killing the caller's connection.
        spdlog::error("[{}] cannot save the state: {}", st.name, e.what());
        throw SqlError(3202, 16, 1, fmt::format("Write on \"{}\" failed: {}", store.path().string(), e.what()));
    }
}

Database* Instance::findDb(const std::string& name) {
    for (auto& d : st.databases)
        if (iequals(d.name, name)) return &d;
    return nullptr;
}

Database* Instance::findDbById(int id) {
    for (auto& d : st.databases)
        if (d.database_id == id) return &d;
    return nullptr;
}

Database& Instance::requireDb(const std::string& name) {
    if (auto* d = findDb(name)) return *d;
    throw errors::dbNotExist(name);
}

Login* Instance::findLogin(const std::string& name) {
    for (auto& l : st.logins)
        if (iequals(l.name, name)) return &l;
    return nullptr;
}

Login* Instance::findLoginBySid(const std::string& sid) {
    for (auto& l : st.logins)
        if (iequals(l.sid, sid)) return &l;
    return nullptr;
}

namespace {
std::string hashPassword(const std::string& salt, const std::string& password) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(salt);
    sha.update(password);
    return Poco::DigestEngine::digestToHex(sha.digest());
}
}  // namespace

bool Instance::checkPassword(const std::string& login, const std::string& password) {
    Login* l = findLogin(login);
    if (!l || l->is_disabled) return false;
    return hashPassword(l->password_salt, password) == l->password_hash;
}

void Instance::setPassword(Login& l, const std::string& password) {
    l.password_salt = randomHex(8);
    l.password_hash = hashPassword(l.password_salt, password);
}

Database& Instance::createDatabase(const std::string& name) {
    if (findDb(name)) throw errors::dbExists(name);
    Database d;
    d.name = name;
    d.database_id = st.next_database_id++;
    d.service_broker_guid = Guid::random().toString();
    d.is_broker_enabled = true;
    d.create_date = nowMs();
    d.end_lsn = kInitialLsn;
    d.recovery_fork_guid = Guid::random().toString();
    d.family_guid = Guid::random().toString();
    d.files = {{1, name, fmt::format("/var/opt/mssql/data/{}.mdf", name), 0},
               {2, name + "_log", fmt::format("/var/opt/mssql/data/{}_log.ldf", name), 1}};
    st.databases.push_back(d);
    return st.databases.back();
}

int Instance::allocateSpid() {
    // SQL Server reuses session ids; the smallest free one from 51 up keeps them small.
    for (int id = 51; id < 32767; ++id)
        if (!sessions.count(id)) return id;
    throw std::runtime_error("no free session id");
}

int Instance::countSessionsIn(int databaseId, int exceptSpid) const {
    int n = 0;
    for (const auto& [id, s] : sessions)
        if (id != exceptSpid && s.databaseId == databaseId) ++n;
    return n;
}

}  // namespace mssql_sim
