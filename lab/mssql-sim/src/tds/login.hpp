// PRELOGIN negotiation and LOGIN7 decoding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mssql_sim::tds {

struct PreLoginRequest {
    std::uint8_t encryption = 0;  // 0 off, 1 on, 2 not supported, 3 required
    bool hasEncryption = false;
};

PreLoginRequest parsePreLogin(const std::vector<std::uint8_t>& payload);
// Our answer: VERSION, ENCRYPTION = not supported, INSTOPT, THREADID, MARS off.
std::vector<std::uint8_t> buildPreLoginResponse();

struct Login7 {
    std::uint32_t tdsVersion = 0;  // as sent, e.g. 0x74000004
    std::uint32_t packetSize = 0;
    std::string hostName, userName, password, appName, serverName, database, language, clientInterface;
};

Login7 parseLogin7(const std::vector<std::uint8_t>& payload);

// TDS versions the simulator speaks (LOGINACK values, big-endian on the wire).
constexpr std::uint32_t kTds71 = 0x71000001;
constexpr std::uint32_t kTds72 = 0x72090002;
constexpr std::uint32_t kTds73 = 0x730B0003;
constexpr std::uint32_t kTds74 = 0x74000004;
// The version to answer with: the client's request clamped to 7.1..7.4 (0 = refuse, pre-7.1).
std::uint32_t negotiateVersion(std::uint32_t requested);

}  // namespace mssql_sim::tds
