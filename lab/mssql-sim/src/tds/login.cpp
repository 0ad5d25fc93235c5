#include "tds/login.hpp"

#include "tds/wire.hpp"

namespace mssql_sim::tds {

PreLoginRequest parsePreLogin(const std::vector<std::uint8_t>& payload) {
    PreLoginRequest req;
    WireReader r(payload);
    // Option table: token, big-endian offset, big-endian length; 0xFF ends it.
    for (int guard = 0; guard < 64; ++guard) {
        std::uint8_t token = r.u8();
        if (token == 0xFF) break;
        std::uint16_t off = r.u16be();
        std::uint16_t len = r.u16be();
        if (static_cast<std::size_t>(off) + len > payload.size()) throw ProtocolError("PRELOGIN option beyond message");
        if (token == 0x01 && len >= 1) {
            req.encryption = payload[off];
            req.hasEncryption = true;
        }
    }
    return req;
}

std::vector<std::uint8_t> buildPreLoginResponse() {
    struct Opt {
        std::uint8_t token;
        std::vector<std::uint8_t> data;
    };
    // VERSION: 16.0.1000 (SQL Server 2022), subbuild 0.
    std::vector<Opt> opts = {{0x00, {16, 0, 0x03, 0xE8, 0, 0}}, {0x01, {0x02}}, {0x02, {0x00}}, {0x03, {}}, {0x04, {0x00}}};
    WireWriter w;
    std::uint16_t off = static_cast<std::uint16_t>(opts.size() * 5 + 1);
    for (auto& o : opts) {
        w.u8(o.token);
        w.u16be(off);
        w.u16be(static_cast<std::uint16_t>(o.data.size()));
        off = static_cast<std::uint16_t>(off + o.data.size());
    }
    w.u8(0xFF);
    for (auto& o : opts) w.bytes(o.data);
    return w.data();
}

namespace {
std::string field(const std::vector<std::uint8_t>& p, std::size_t tableAt, bool password = false) {
    WireReader r(p);
    r.seek(tableAt);
    std::uint16_t off = r.u16();
    std::uint16_t chars = r.u16();
    if (chars == 0) return {};
    if (static_cast<std::size_t>(off) + chars * 2u > p.size()) throw ProtocolError("LOGIN7 field beyond message");
    if (!password) return utf16leToUtf8(p.data() + off, chars * 2u);
    // Passwords are obfuscated: each byte had its nibbles swapped and was XORed with 0xA5.
    std::vector<std::uint8_t> clear(chars * 2u);
    for (std::size_t i = 0; i < clear.size(); ++i) {
        std::uint8_t b = static_cast<std::uint8_t>(p[off + i] ^ 0xA5);
        clear[i] = static_cast<std::uint8_t>((b << 4) | (b >> 4));
    }
    return utf16leToUtf8(clear.data(), clear.size());
}
}  // namespace

Login7 parseLogin7(const std::vector<std::uint8_t>& payload) {
    if (payload.size() < 94) throw ProtocolError("LOGIN7 shorter than its 94-byte fixed part");
    WireReader r(payload);
    Login7 l;
    r.u32();  // total length
    l.tdsVersion = r.u32();
    l.packetSize = r.u32();
    l.hostName = field(payload, 36);
    l.userName = field(payload, 40);
    l.password = field(payload, 44, true);
    l.appName = field(payload, 48);
    l.serverName = field(payload, 52);
    l.clientInterface = field(payload, 60);
    l.language = field(payload, 64);
    l.database = field(payload, 68);
    return l;
}

std::uint32_t negotiateVersion(std::uint32_t requested) {
    std::uint8_t major = static_cast<std::uint8_t>(requested >> 24);
    if (major >= 0x74) return kTds74;
    if (major == 0x73) return kTds73;
    if (major == 0x72) return kTds72;
    if (major == 0x71) return kTds71;
    return 0;
}

}  // namespace mssql_sim::tds
