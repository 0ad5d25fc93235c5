#include "tds/tokens.hpp"

#include <cmath>
#include <cstring>

namespace mssql_sim::tds {

int decimalBytes(int precision) {
    if (precision <= 9) return 5;
    if (precision <= 19) return 9;
    if (precision <= 28) return 13;
    return 17;
}

void TokenWriter::envChange(WireWriter& w, std::uint8_t type, const std::string& newValue, const std::string& oldValue) const {
    WireWriter body;
    body.u8(type);
    body.bVarchar(newValue);
    body.bVarchar(oldValue);
    w.u8(0xE3);
    w.u16(static_cast<std::uint16_t>(body.size()));
    w.bytes(body.data());
}

void TokenWriter::envCollation(WireWriter& w) const {
    w.u8(0xE3);
    w.u16(static_cast<std::uint16_t>(1 + 1 + kCollation.size() + 1));
    w.u8(7);
    w.u8(static_cast<std::uint8_t>(kCollation.size()));
    w.bytes(kCollation);
    w.u8(0);
}

void TokenWriter::loginAck(WireWriter& w, const std::string& program) const {
    WireWriter body;
    body.u8(1);  // interface: SQL_TSQL
    body.u32be(version_);
    body.bVarchar(program);
    body.u8(16);  // server version 16.0.1000
    body.u8(0);
    body.u8(0x03);
    body.u8(0xE8);
    w.u8(0xAD);
    w.u16(static_cast<std::uint16_t>(body.size()));
    w.bytes(body.data());
}

void TokenWriter::message(WireWriter& w, const mssql_sim::Message& m, const std::string& server, bool isError) const {
    WireWriter body;
    body.u32(static_cast<std::uint32_t>(m.number));
    body.u8(m.state);
    body.u8(m.severity);
    body.usVarchar(m.text);
    body.bVarchar(server);
    body.bVarchar(m.procedure);
    if (is72()) body.u32(static_cast<std::uint32_t>(m.line));
    else body.u16(static_cast<std::uint16_t>(m.line));
    w.u8(isError ? 0xAA : 0xAB);
    w.u16(static_cast<std::uint16_t>(body.size()));
    w.bytes(body.data());
}

void TokenWriter::done(WireWriter& w, std::uint8_t token, std::uint16_t status, std::uint16_t curCmd, std::uint64_t rows) const {
    w.u8(token);
    w.u16(status);
    w.u16(curCmd);
    if (is72()) w.u64(rows);
    else w.u32(static_cast<std::uint32_t>(rows));
}

void TokenWriter::typeInfo(WireWriter& w, const SqlType& t) const {
    switch (t.kind) {
    case TypeKind::TinyInt: w.u8(0x26); w.u8(1); break;
    case TypeKind::SmallInt: w.u8(0x26); w.u8(2); break;
    case TypeKind::Int: w.u8(0x26); w.u8(4); break;
    case TypeKind::BigInt: w.u8(0x26); w.u8(8); break;
    case TypeKind::Bit: w.u8(0x68); w.u8(1); break;
    case TypeKind::Float: w.u8(0x6D); w.u8(8); break;
    case TypeKind::DateTime: w.u8(0x6F); w.u8(8); break;
    case TypeKind::Guid: w.u8(0x24); w.u8(16); break;
    case TypeKind::Decimal:
        w.u8(0x6A);
        w.u8(static_cast<std::uint8_t>(decimalBytes(t.precision)));
        w.u8(static_cast<std::uint8_t>(t.precision));
        w.u8(static_cast<std::uint8_t>(t.scale));
        break;
    case TypeKind::NVarChar:
        w.u8(0xE7);
        w.u16(static_cast<std::uint16_t>(std::min(t.length, 4000) * 2));
        w.bytes(kCollation);
        break;
    case TypeKind::VarBinary:
        w.u8(0xA5);
        w.u16(static_cast<std::uint16_t>(std::min(t.length, 8000)));
        break;
    }
}

void TokenWriter::colMetadata(WireWriter& w, const std::vector<Column>& cols) const {
    w.u8(0x81);
    w.u16(static_cast<std::uint16_t>(cols.size()));
    for (const auto& c : cols) {
        if (is72()) w.u32(0);
        else w.u16(0);
        w.u16(c.nullable ? 0x0001 : 0x0000);
        typeInfo(w, c.type);
        w.bVarchar(c.name);
    }
}

void TokenWriter::value(WireWriter& w, const SqlType& t, const Value& v) const {
    bool isVarLen = t.kind == TypeKind::NVarChar || t.kind == TypeKind::VarBinary;
    if (v.isNull()) {
        if (isVarLen) w.u16(0xFFFF);
        else w.u8(0);
        return;
    }
    // Values were produced with the column's type, but convert defensively (e.g. a CASE mixing types).
    Value cv = (v.type.kind == t.kind) ? v : castValue(v, t);
    switch (t.kind) {
    case TypeKind::TinyInt: w.u8(1); w.u8(static_cast<std::uint8_t>(*cv.asInt())); break;
    case TypeKind::SmallInt: w.u8(2); w.u16(static_cast<std::uint16_t>(*cv.asInt())); break;
    case TypeKind::Int: w.u8(4); w.u32(static_cast<std::uint32_t>(*cv.asInt())); break;
    case TypeKind::BigInt: w.u8(8); w.u64(static_cast<std::uint64_t>(*cv.asInt())); break;
    case TypeKind::Bit: w.u8(1); w.u8(*cv.asInt() ? 1 : 0); break;
    case TypeKind::Float: {
        double d = *cv.asDouble();
        std::uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        w.u8(8);
        w.u64(bits);
        break;
    }
    case TypeKind::DateTime: {
        std::int64_t ms = std::get<DateTime>(cv.data).ms;
        // Days since 1900-01-01 and 1/300-second ticks since midnight.
        constexpr std::int64_t kEpochDays = 25567;  // 1900-01-01 .. 1970-01-01
        std::int64_t dayMs = 86400000;
        std::int64_t days = (ms >= 0 ? ms / dayMs : (ms - dayMs + 1) / dayMs);
        std::int64_t rem = ms - days * dayMs;
        w.u8(8);
        w.u32(static_cast<std::uint32_t>(static_cast<std::int32_t>(days + kEpochDays)));
        w.u32(static_cast<std::uint32_t>((rem * 300 + 500) / 1000));
        break;
    }
    case TypeKind::Guid: {
        const auto& b = std::get<Guid>(cv.data).bytes;
        // The first three groups are little-endian on the wire.
        w.u8(16);
        const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
        for (int i : order) w.u8(b[static_cast<std::size_t>(i)]);
        break;
    }
    case TypeKind::Decimal: {
        int n = decimalBytes(t.precision);
        std::int64_t iv = 0;
        if (t.scale == 0) {
            iv = *cv.asInt();
        } else {
            iv = static_cast<std::int64_t>(std::llround(*cv.asDouble() * std::pow(10.0, t.scale)));
        }
        w.u8(static_cast<std::uint8_t>(n));
        w.u8(iv < 0 ? 0 : 1);
        std::uint64_t mag = iv < 0 ? static_cast<std::uint64_t>(-iv) : static_cast<std::uint64_t>(iv);
        w.u64(mag);
        for (int i = 8; i < n - 1; ++i) w.u8(0);
        if (n - 1 < 8) {
            // precision <= 9: only 4 magnitude bytes; undo the extra 4 written above.
            auto& d = w.data();
            d.resize(d.size() - 4);
        }
        break;
    }
    case TypeKind::NVarChar: {
        auto s = utf8ToUtf16(cv.asText());
        std::size_t maxChars = static_cast<std::size_t>(std::min(t.length, 4000));
        if (s.size() > maxChars) s.resize(maxChars);
        w.u16(static_cast<std::uint16_t>(s.size() * 2));
        w.utf16(s);
        break;
    }
    case TypeKind::VarBinary: {
        Bytes b = std::holds_alternative<Bytes>(cv.data) ? std::get<Bytes>(cv.data) : Bytes{};
        if (b.size() > 8000) b.resize(8000);
        w.u16(static_cast<std::uint16_t>(b.size()));
        w.bytes(b);
        break;
    }
    }
}

void TokenWriter::row(WireWriter& w, const std::vector<Column>& cols, const std::vector<Value>& values) const {
    w.u8(0xD1);
    for (std::size_t i = 0; i < cols.size(); ++i) value(w, cols[i].type, i < values.size() ? values[i] : Value::null());
}

void TokenWriter::returnStatus(WireWriter& w, std::int32_t status) const {
    w.u8(0x79);
    w.u32(static_cast<std::uint32_t>(status));
}

void TokenWriter::returnValue(WireWriter& w, std::uint16_t ordinal, const std::string& name, const Value& v) const {
    w.u8(0xAC);
    w.u16(ordinal);
    w.bVarchar(name);
    w.u8(0x01);  // output parameter
    if (is72()) w.u32(0);
    else w.u16(0);
    w.u16(0x0001);
    typeInfo(w, v.type);
    value(w, v.type, v);
}

}  // namespace mssql_sim::tds
