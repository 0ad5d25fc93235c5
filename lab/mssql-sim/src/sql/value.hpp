// Typed SQL values: what expressions evaluate to and what result sets carry.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mssql_sim {

// The column types the simulator can put on the wire (the subset its statements need).
enum class TypeKind { TinyInt, SmallInt, Int, BigInt, Bit, NVarChar, Decimal, DateTime, Guid, VarBinary, Float };

struct SqlType {
    TypeKind kind = TypeKind::NVarChar;
    int length = 4000;  // NVARCHAR: characters; VARBINARY: bytes
    int precision = 0;  // DECIMAL
    int scale = 0;

    static SqlType nvarchar(int n = 4000) { return {TypeKind::NVarChar, n, 0, 0}; }
    static SqlType integer() { return {TypeKind::Int, 0, 0, 0}; }
    static SqlType bigint() { return {TypeKind::BigInt, 0, 0, 0}; }
    static SqlType smallint() { return {TypeKind::SmallInt, 0, 0, 0}; }
    static SqlType tinyint() { return {TypeKind::TinyInt, 0, 0, 0}; }
    static SqlType bit() { return {TypeKind::Bit, 0, 0, 0}; }
    static SqlType decimal(int p = 25, int s = 0) { return {TypeKind::Decimal, 0, p, s}; }
    static SqlType datetime() { return {TypeKind::DateTime, 0, 0, 0}; }
    static SqlType guid() { return {TypeKind::Guid, 0, 0, 0}; }
    static SqlType varbinary(int n = 85) { return {TypeKind::VarBinary, n, 0, 0}; }
    static SqlType floating() { return {TypeKind::Float, 0, 0, 0}; }

    bool isInteger() const;
    bool isNumeric() const;  // integer, bit, decimal or float
    std::string toSql() const;  // "nvarchar(128)", "decimal(25,0)"
};

// Guid in display order ("6F9619FF-8B86-D011-B42D-00C04FC964FF" = bytes 6F 96 ...).
struct Guid {
    std::array<std::uint8_t, 16> bytes{};
    static Guid random();
    static std::optional<Guid> parse(const std::string& text);
    std::string toString() const;
    bool operator==(const Guid&) const = default;
};

// Milliseconds since 1970-01-01 UTC; DATETIME has 1/300 s resolution on the wire.
struct DateTime {
    std::int64_t ms = 0;
    static DateTime now();
    std::string toString() const;  // "2026-11-23 13:45:27.123"
    static std::optional<DateTime> parse(const std::string& text);
    bool operator==(const DateTime&) const = default;
};

using Bytes = std::vector<std::uint8_t>;

struct Value {
    SqlType type;
    std::variant<std::monostate, std::int64_t, double, std::string, DateTime, Guid, Bytes> data;

    static Value null(SqlType t = SqlType::nvarchar()) { return Value{t, std::monostate{}}; }
    static Value integer(std::int64_t v, SqlType t = SqlType::integer()) { return Value{t, v}; }
    static Value text(std::string s, int len = 4000) { return Value{SqlType::nvarchar(len), std::move(s)}; }
    static Value boolean(bool b) { return Value{SqlType::bit(), std::int64_t{b ? 1 : 0}}; }
    static Value lsn(std::int64_t v) { return Value{SqlType::decimal(25, 0), v}; }
    static Value optLsn(std::int64_t v) { return v > 0 ? lsn(v) : null(SqlType::decimal(25, 0)); }
    static Value datetime(DateTime d) { return Value{SqlType::datetime(), d}; }
    static Value optDatetime(std::int64_t ms) { return ms > 0 ? datetime(DateTime{ms}) : null(SqlType::datetime()); }
    static Value guid(const Guid& g) { return Value{SqlType::guid(), g}; }
    static Value optGuid(const std::string& g);

    bool isNull() const { return std::holds_alternative<std::monostate>(data); }
    // Conversions follow SQL Server's implicit rules loosely; they throw SqlError 245/8114 when impossible.
    std::optional<std::int64_t> asInt() const;
    std::optional<double> asDouble() const;
    std::string asText() const;  // NULL -> ""
    bool truthy() const;
};

// Three-valued comparison: nullopt when either side is NULL. Strings compare case-insensitively
// (the default collation is case-insensitive).
std::optional<int> compareValues(const Value& a, const Value& b);
Value castValue(const Value& v, const SqlType& to);

std::string lowerAscii(std::string s);
std::string upperAscii(std::string s);
bool iequals(const std::string& a, const std::string& b);

}  // namespace mssql_sim
