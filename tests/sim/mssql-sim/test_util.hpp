// Shared helpers for the mssql-sim tests.
#pragma once

#include "odbc_client.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

namespace simtest {

// Polls until pred() holds; generous timeouts because the CI machine may be loaded.
inline bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
}

// Expects `sql` to fail with SQL Server error `native`; returns the error for more checks.
inline OdbcError expectError(OdbcConnection& c, const std::string& sql, long native) {
    try {
        c.exec(sql);
    } catch (const OdbcError& e) {
        EXPECT_TRUE(e.hasNative(native)) << "expected error " << native << ", got: " << e.what();
        return e;
    }
    ADD_FAILURE() << "expected error " << native << " from: " << sql;
    return OdbcError("no error", {});
}

// One instance in its own temporary directory.
class SimFixture : public ::testing::Test {
protected:
    void SetUp() override { sim = std::make_unique<SimProcess>(dir.path() / "a", "SIMA", "Sim#Pass1", std::vector<std::string>{"--database", "mgc", "--write-rate", "50"}); }
    void TearDown() override {
        // Every test also checks a clean shutdown: exit 0 (under ASan: no leak or error reports).
        sim->stop();
        EXPECT_EQ(sim->lastExit(), 0) << sim->stderrText();
        sim.reset();
    }
    OdbcConnection connect() { return OdbcConnection(sim->connectionString()); }
    TempDir dir;
    std::unique_ptr<SimProcess> sim;
};

}  // namespace simtest
