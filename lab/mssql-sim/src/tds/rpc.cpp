#include "tds/rpc.hpp"

#include "tds/wire.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace mssql_sim::tds {

std::string RpcCall::displayName() const {
    if (!procId) return procName;
    switch (static_cast<ProcId>(*procId)) {
    case ProcId::ExecuteSql: return "sp_executesql";
    case ProcId::Prepare: return "sp_prepare";
    case ProcId::Execute: return "sp_execute";
    case ProcId::PrepExec: return "sp_prepexec";
    case ProcId::PrepExecRpc: return "sp_prepexecrpc";
    case ProcId::Unprepare: return "sp_unprepare";
    default: return fmt::format("sp_cursor (procid {})", *procId);
    }
}

namespace {

struct TypeInfo {
    std::uint8_t type = 0;
    std::uint32_t maxLen = 0;
    std::uint8_t precision = 0, scale = 0;
    bool plp = false;
};

bool hasCollation(std::uint8_t t) { return t == 0xA7 || t == 0xAF || t == 0xE7 || t == 0xEF || t == 0x23 || t == 0x63; }

TypeInfo readTypeInfo(WireReader& r) {
    TypeInfo ti;
    ti.type = r.u8();
    switch (ti.type) {
    case 0x1F: case 0x30: case 0x32: case 0x34: case 0x38: case 0x3A: case 0x3B: case 0x3C: case 0x3D: case 0x3E:
    case 0x7A: case 0x7F:
        break;  // fixed-length types
    case 0x24: case 0x26: case 0x68: case 0x6D: case 0x6E: case 0x6F:
        ti.maxLen = r.u8();
        break;
    case 0x37: case 0x3F: case 0x6A: case 0x6C:
        ti.maxLen = r.u8();
        ti.precision = r.u8();
        ti.scale = r.u8();
        break;
    case 0x28: break;  // DATE
    case 0x29: case 0x2A: case 0x2B: ti.scale = r.u8(); break;
    case 0xA5: case 0xA7: case 0xAD: case 0xAF: case 0xE7: case 0xEF:
        ti.maxLen = r.u16();
        if (ti.maxLen == 0xFFFF) ti.plp = true;
        if (hasCollation(ti.type)) r.skip(5);
        break;
    case 0x22: case 0x23: case 0x63:
        ti.maxLen = r.u32();
        if (hasCollation(ti.type)) r.skip(5);
        break;
    default:
        throw ProtocolError(fmt::format("RPC parameter type 0x{:02X} is not supported by mssql-sim", ti.type));
    }
    return ti;
}

std::int64_t readLe(const std::vector<std::uint8_t>& b, std::size_t from, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n && i < 8; ++i) v |= static_cast<std::uint64_t>(b[from + i]) << (8 * i);
    if (n < 8 && n > 0 && (b[from + n - 1] & 0x80)) v |= ~0ULL << (8 * n);  // sign-extend
    return static_cast<std::int64_t>(v);
}

Value stringValue(const TypeInfo& ti, const std::vector<std::uint8_t>& b) {
    bool wide = ti.type == 0xE7 || ti.type == 0xEF || ti.type == 0x63;
    if (wide) return Value::text(utf16leToUtf8(b.data(), b.size()), 4000);
    if (ti.type == 0xA5 || ti.type == 0xAD || ti.type == 0x22) return Value{SqlType::varbinary(8000), b};
    return Value::text(std::string(b.begin(), b.end()), 4000);
}

Value readValue(WireReader& r, const TypeInfo& ti) {
    switch (ti.type) {
    case 0x1F: return Value::null();
    case 0x30: return Value::integer(r.u8(), SqlType::tinyint());
    case 0x32: return Value::boolean(r.u8() != 0);
    case 0x34: return Value::integer(static_cast<std::int16_t>(r.u16()), SqlType::smallint());
    case 0x38: return Value::integer(static_cast<std::int32_t>(r.u32()));
    case 0x7F: return Value::integer(static_cast<std::int64_t>(r.u64()), SqlType::bigint());
    case 0x3B: { std::uint32_t u = r.u32(); float f; std::memcpy(&f, &u, 4); return Value{SqlType::floating(), static_cast<double>(f)}; }
    case 0x3E: { std::uint64_t u = r.u64(); double d; std::memcpy(&d, &u, 8); return Value{SqlType::floating(), d}; }
    case 0x3D: case 0x3A: case 0x3C: case 0x7A: {
        TypeInfo t2 = ti;
        t2.type = (ti.type == 0x3D || ti.type == 0x3A) ? 0x6F : 0x6E;
        t2.maxLen = (ti.type == 0x3D || ti.type == 0x3C) ? 8 : 4;
        std::uint8_t len = static_cast<std::uint8_t>(t2.maxLen);
        auto b = r.bytes(len);
        WireReader inner(b);
        (void)inner;
        if (t2.type == 0x6F) {
            if (len == 8) {
                std::int32_t days = static_cast<std::int32_t>(readLe(b, 0, 4));
                std::int64_t ticks = readLe(b, 4, 4) & 0xFFFFFFFF;
                return Value::datetime(DateTime{(static_cast<std::int64_t>(days) - 25567) * 86400000 + ticks * 1000 / 300});
            }
            std::int64_t days = readLe(b, 0, 2) & 0xFFFF, mins = readLe(b, 2, 2) & 0xFFFF;
            return Value::datetime(DateTime{(days - 25567) * 86400000 + mins * 60000});
        }
        return Value{SqlType::floating(), static_cast<double>(readLe(b, 0, len)) / 10000.0};
    }
    default: break;
    }
    if (ti.plp) {
        std::uint64_t total = r.u64();
        if (total == 0xFFFFFFFFFFFFFFFFULL) return Value::null(SqlType::nvarchar());
        std::vector<std::uint8_t> all;
        for (;;) {
            std::uint32_t chunk = r.u32();
            if (chunk == 0) break;
            auto part = r.bytes(chunk);
            all.insert(all.end(), part.begin(), part.end());
        }
        return stringValue(ti, all);
    }
    std::size_t len;
    if (ti.type == 0x22 || ti.type == 0x23 || ti.type == 0x63) {
        std::uint32_t l = r.u32();
        if (l == 0xFFFFFFFF) return Value::null();
        len = l;
    } else if (ti.type == 0xA5 || ti.type == 0xA7 || ti.type == 0xAD || ti.type == 0xAF || ti.type == 0xE7 || ti.type == 0xEF) {
        std::uint16_t l = r.u16();
        if (l == 0xFFFF) return Value::null(SqlType::nvarchar());
        len = l;
    } else if (ti.type == 0x28) {
        len = r.u8();
    } else {
        len = r.u8();
    }
    if (len == 0 && ti.type != 0xA5 && ti.type != 0xA7 && ti.type != 0xAD && ti.type != 0xAF && ti.type != 0xE7 &&
        ti.type != 0xEF && ti.type != 0x22 && ti.type != 0x23 && ti.type != 0x63) {
        switch (ti.type) {
        case 0x26: return Value::null(ti.maxLen == 8 ? SqlType::bigint() : SqlType::integer());
        case 0x6F: return Value::null(SqlType::datetime());
        case 0x24: return Value::null(SqlType::guid());
        case 0x68: return Value::null(SqlType::bit());
        case 0x6A: case 0x6C: return Value::null(SqlType::decimal(ti.precision, ti.scale));
        default: return Value::null();
        }
    }
    auto b = r.bytes(len);
    switch (ti.type) {
    case 0x26: {
        SqlType t = len == 1 ? SqlType::tinyint() : len == 2 ? SqlType::smallint() : len == 4 ? SqlType::integer() : SqlType::bigint();
        std::int64_t v = len == 1 ? b[0] : readLe(b, 0, len);
        return Value::integer(v, t);
    }
    case 0x68: return Value::boolean(b[0] != 0);
    case 0x6D: {
        if (len == 4) { float f; std::memcpy(&f, b.data(), 4); return Value{SqlType::floating(), static_cast<double>(f)}; }
        double d; std::memcpy(&d, b.data(), 8); return Value{SqlType::floating(), d};
    }
    case 0x6E: return Value{SqlType::floating(), static_cast<double>(len == 8 ? ((readLe(b, 0, 4) << 32) | (readLe(b, 4, 4) & 0xFFFFFFFF)) : readLe(b, 0, 4)) / 10000.0};
    case 0x6F: {
        if (len == 8) {
            std::int32_t days = static_cast<std::int32_t>(readLe(b, 0, 4));
            std::int64_t ticks = readLe(b, 4, 4) & 0xFFFFFFFF;
            return Value::datetime(DateTime{(static_cast<std::int64_t>(days) - 25567) * 86400000 + ticks * 1000 / 300});
        }
        std::int64_t days = readLe(b, 0, 2) & 0xFFFF, mins = readLe(b, 2, 2) & 0xFFFF;
        return Value::datetime(DateTime{(days - 25567) * 86400000 + mins * 60000});
    }
    case 0x24: {
        Guid g;
        const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
        for (std::size_t i = 0; i < 16 && i < b.size(); ++i) g.bytes[static_cast<std::size_t>(order[i])] = b[i];
        return Value::guid(g);
    }
    case 0x37: case 0x3F: case 0x6A: case 0x6C: {
        bool positive = b[0] != 0;
        std::uint64_t mag = 0;
        for (std::size_t i = 1; i < b.size() && i <= 8; ++i) mag |= static_cast<std::uint64_t>(b[i]) << (8 * (i - 1));
        for (std::size_t i = 9; i < b.size(); ++i)
            if (b[i] != 0) throw ProtocolError("DECIMAL parameter larger than 64 bits is not supported by mssql-sim");
        std::int64_t iv = positive ? static_cast<std::int64_t>(mag) : -static_cast<std::int64_t>(mag);
        if (ti.scale == 0) return Value{SqlType::decimal(ti.precision, 0), iv};
        return Value{SqlType::decimal(ti.precision, ti.scale), static_cast<double>(iv) / std::pow(10.0, ti.scale)};
    }
    case 0x28: {
        std::int64_t days = readLe(b, 0, 3) & 0xFFFFFF;  // since 0001-01-01
        return Value::datetime(DateTime{(days - 719162) * 86400000});
    }
    case 0x2A: {
        std::size_t tlen = b.size() - 3;
        std::uint64_t t = 0;
        for (std::size_t i = 0; i < tlen; ++i) t |= static_cast<std::uint64_t>(b[i]) << (8 * i);
        std::int64_t days = readLe(b, tlen, 3) & 0xFFFFFF;
        double secs = static_cast<double>(t) / std::pow(10.0, ti.scale);
        return Value::datetime(DateTime{(days - 719162) * 86400000 + static_cast<std::int64_t>(secs * 1000)});
    }
    case 0x29: case 0x2B:
        throw ProtocolError("TIME and DATETIMEOFFSET parameters are not supported by mssql-sim");
    default: return stringValue(ti, b);
    }
}

}  // namespace

std::vector<RpcCall> parseRpc(const std::vector<std::uint8_t>& payload, bool hasAllHeaders) {
    WireReader r(payload);
    if (hasAllHeaders && r.remaining() >= 4) {
        std::uint32_t total = r.u32();
        if (total < 4 || total > payload.size()) throw ProtocolError("bad ALL_HEADERS length in RPC request");
        r.seek(total);
    }
    std::vector<RpcCall> calls;
    while (!r.atEnd()) {
        RpcCall call;
        std::uint16_t nameLen = r.u16();
        if (nameLen == 0xFFFF) call.procId = r.u16();
        else call.procName = r.utf16(nameLen);
        r.u16();  // option flags (WithRecompile, NoMetaData, ReuseMetaData)
        while (!r.atEnd()) {
            std::uint8_t peek = r.raw()[r.pos()];
            if (peek == 0x80 || peek == 0xFF || peek == 0xFE) {  // batch separators between calls
                r.u8();
                break;
            }
            RpcParam p;
            p.name = r.bVarchar();
            std::uint8_t status = r.u8();
            p.output = (status & 0x01) != 0;
            TypeInfo ti = readTypeInfo(r);
            p.value = readValue(r, ti);
            call.params.push_back(std::move(p));
        }
        calls.push_back(std::move(call));
    }
    return calls;
}

}  // namespace mssql_sim::tds
