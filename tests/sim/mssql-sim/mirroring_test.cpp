// Database mirroring between two simulator instances: set up, manual failover, forced service
// after the principal dies, and removal.
#include "test_util.hpp"

using namespace simtest;

namespace {

class MirroringTest : public SimFixture {
protected:
    static std::string role(OdbcConnection& c) {
        return c.scalar("SELECT ISNULL(m.mirroring_role_desc, N'NONE') + N'/' + ISNULL(m.mirroring_state_desc, N'NONE') "
                        "FROM sys.database_mirroring m WHERE m.database_id = DB_ID(N'mgc')");
    }
};

TEST_F(MirroringTest, RolesChangeOnFailoverForceServiceAndOff) {
    SimProcess mirrorSim(dir.path() / "m", "SIMM");
    auto p = connect();
    OdbcConnection m(mirrorSim.connectionString());
    EXPECT_EQ(role(p), "NONE/NONE");
    std::string full = (dir.path() / "mgc.bak").string(), log = (dir.path() / "mgc.trn").string();
    p.exec("BACKUP DATABASE mgc TO DISK = N'" + full + "' WITH INIT");
    p.exec("BACKUP LOG mgc TO DISK = N'" + log + "' WITH INIT");
    m.exec("RESTORE DATABASE mgc FROM DISK = N'" + full + "' WITH NORECOVERY");
    // Principal first is refused: the mirror side is not configured yet.
    expectError(p, "ALTER DATABASE [mgc] SET PARTNER = '" + mirrorSim.address() + "'", 1416);
    m.exec("ALTER DATABASE [mgc] SET PARTNER = '" + sim->address() + "'");
    // The mirror lacks the log backup the principal already took.
    expectError(p, "ALTER DATABASE [mgc] SET PARTNER = '" + mirrorSim.address() + "'", 1478);
    // A database configured for mirroring takes no restores: remove the partner, restore, set it again.
    expectError(m, "RESTORE LOG mgc FROM DISK = N'" + log + "' WITH NORECOVERY", 3104);
    m.exec("ALTER DATABASE [mgc] SET PARTNER OFF");
    m.exec("RESTORE LOG mgc FROM DISK = N'" + log + "' WITH NORECOVERY");
    m.exec("ALTER DATABASE [mgc] SET PARTNER = '" + sim->address() + "'");
    expectError(p, "ALTER DATABASE [mgc] SET PARTNER = 'TCP://127.0.0.1:1'", 1418);
    p.exec("ALTER DATABASE [mgc] SET PARTNER = '" + mirrorSim.address() + "'");
    EXPECT_EQ(role(p), "PRINCIPAL/SYNCHRONIZED");
    EXPECT_TRUE(waitUntil([&] { return role(m) == "MIRROR/SYNCHRONIZED"; })) << role(m);
    EXPECT_EQ(p.scalar("SELECT mirroring_partner_name FROM sys.database_mirroring WHERE database_id = DB_ID(N'mgc')"), mirrorSim.address());
    EXPECT_EQ(p.scalar("SELECT mirroring_partner_instance FROM sys.database_mirroring WHERE database_id = DB_ID(N'mgc')"), "SIMM");
    // The mirror follows the principal's log.
    auto plsn = std::stoll(p.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'mgc'"));
    EXPECT_TRUE(waitUntil([&] { return std::stoll(m.scalar("SELECT last_lsn FROM sim.databases WHERE name = N'mgc'")) >= plsn; }));

    // Manual failover: roles swap; the old principal's database is RESTORING.
    expectError(m, "ALTER DATABASE [mgc] SET PARTNER FAILOVER", 1404);
    p.exec("ALTER DATABASE [mgc] SET PARTNER FAILOVER");
    EXPECT_EQ(role(p), "MIRROR/SYNCHRONIZED");
    EXPECT_EQ(role(m), "PRINCIPAL/SYNCHRONIZED");
    EXPECT_EQ(p.scalar("SELECT state_desc FROM sys.databases WHERE name = N'mgc'"), "RESTORING");
    EXPECT_EQ(m.scalar("SELECT state_desc FROM sys.databases WHERE name = N'mgc'"), "ONLINE");

    // The new principal (SIMM) dies: the mirror (SIMA) notices, then is forced to serve.
    expectError(p, "ALTER DATABASE [mgc] SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS", 1455);
    mirrorSim.control("stop");
    EXPECT_TRUE(waitUntil([&] { return role(p) == "MIRROR/DISCONNECTED"; })) << role(p);
    p.exec("ALTER DATABASE [mgc] SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS");
    EXPECT_EQ(role(p), "PRINCIPAL/DISCONNECTED");
    EXPECT_EQ(p.scalar("SELECT state_desc FROM sys.databases WHERE name = N'mgc'"), "ONLINE");

    // The old principal comes back: it becomes the mirror, mirroring suspended.
    mirrorSim.control("start");
    OdbcConnection m2(mirrorSim.connectionString());
    EXPECT_TRUE(waitUntil([&] { return role(m2) == "MIRROR/SUSPENDED"; })) << role(m2);
    EXPECT_EQ(m2.scalar("SELECT state_desc FROM sys.databases WHERE name = N'mgc'"), "RESTORING");
    p.exec("ALTER DATABASE [mgc] SET PARTNER RESUME");
    EXPECT_TRUE(waitUntil([&] { return role(p) == "PRINCIPAL/SYNCHRONIZED"; })) << role(p);

    // OFF on either partner removes mirroring on both.
    p.exec("ALTER DATABASE [mgc] SET PARTNER OFF");
    EXPECT_EQ(role(p), "NONE/NONE");
    EXPECT_TRUE(waitUntil([&] { return role(m2) == "NONE/NONE"; })) << role(m2);
    EXPECT_EQ(m2.scalar("SELECT state_desc FROM sys.databases WHERE name = N'mgc'"), "RESTORING");
    expectError(p, "ALTER DATABASE [mgc] SET PARTNER OFF", 1416);
}

}  // namespace
