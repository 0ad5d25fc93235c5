#include "sql/value.hpp"

#include "engine/sql_error.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>

#include <fmt/format.h>

namespace mssql_sim {

bool SqlType::isInteger() const {
    return kind == TypeKind::TinyInt || kind == TypeKind::SmallInt || kind == TypeKind::Int ||
           kind == TypeKind::BigInt || kind == TypeKind::Bit || (kind == TypeKind::Decimal && scale == 0);
}
bool SqlType::isNumeric() const { return isInteger() || kind == TypeKind::Decimal || kind == TypeKind::Float; }

std::string SqlType::toSql() const {
    switch (kind) {
    case TypeKind::TinyInt: return "tinyint";
    case TypeKind::SmallInt: return "smallint";
    case TypeKind::Int: return "int";
    case TypeKind::BigInt: return "bigint";
    case TypeKind::Bit: return "bit";
    case TypeKind::NVarChar: return fmt::format("nvarchar({})", length);
    case TypeKind::Decimal: return fmt::format("numeric({},{})", precision, scale);
    case TypeKind::DateTime: return "datetime";
    case TypeKind::Guid: return "uniqueidentifier";
    case TypeKind::VarBinary: return fmt::format("varbinary({})", length);
    case TypeKind::Float: return "float";
    }
    return "sql_variant";
}

Guid Guid::random() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    Guid g;
    for (std::size_t i = 0; i < 16; i += 8) {
        auto r = rng();
        for (std::size_t j = 0; j < 8; ++j) g.bytes[i + j] = static_cast<std::uint8_t>(r >> (8 * j));
    }
    g.bytes[6] = static_cast<std::uint8_t>((g.bytes[6] & 0x0F) | 0x40);  // version 4
    g.bytes[8] = static_cast<std::uint8_t>((g.bytes[8] & 0x3F) | 0x80);
    return g;
}

std::optional<Guid> Guid::parse(const std::string& text) {
    std::string hex;
    for (char c : text) {
        if (c == '-' || c == '{' || c == '}') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        hex.push_back(c);
    }
    if (hex.size() != 32) return std::nullopt;
    Guid g;
    for (std::size_t i = 0; i < 16; ++i) g.bytes[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    return g;
}

std::string Guid::toString() const {
    std::string s;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
        s += fmt::format("{:02X}", bytes[i]);
    }
    return s;
}

DateTime DateTime::now() {
    using namespace std::chrono;
    return DateTime{duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()};
}

std::string DateTime::toString() const {
    std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((ms % 1000) + 1000) % 1000));
}

std::optional<DateTime> DateTime::parse(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, frac = 0;
    int n = std::sscanf(text.c_str(), "%d-%d-%d%*[ T]%d:%d:%d.%d", &y, &mo, &d, &h, &mi, &s, &frac);
    if (n < 3) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return DateTime{static_cast<std::int64_t>(timegm(&tm)) * 1000 + (n >= 7 ? frac : 0)};
}

Value Value::optGuid(const std::string& g) {
    if (auto p = Guid::parse(g)) return guid(*p);
    return null(SqlType::guid());
}

std::optional<std::int64_t> Value::asInt() const {
    if (auto* i = std::get_if<std::int64_t>(&data)) return *i;
    if (auto* d = std::get_if<double>(&data)) return static_cast<std::int64_t>(*d);
    if (auto* s = std::get_if<std::string>(&data)) {
        std::string t = *s;
        t.erase(0, t.find_first_not_of(" \t"));
        t.erase(t.find_last_not_of(" \t") + 1);
        if (t.empty()) return 0;
        std::size_t pos = 0;
        try {
            long long v = std::stoll(t, &pos);
            if (pos == t.size()) return v;
        } catch (...) {
        }
        throw errors::conversion(fmt::format("nvarchar value '{}'", *s), "int");
    }
    if (isNull()) return std::nullopt;
    throw errors::conversion(type.toSql(), "int");
}

std::optional<double> Value::asDouble() const {
    if (auto* i = std::get_if<std::int64_t>(&data)) return static_cast<double>(*i);
    if (auto* d = std::get_if<double>(&data)) return *d;
    if (auto* s = std::get_if<std::string>(&data)) {
        try {
            return std::stod(*s);
        } catch (...) {
            throw errors::conversion(fmt::format("nvarchar value '{}'", *s), "float");
        }
    }
    if (isNull()) return std::nullopt;
    throw errors::conversion(type.toSql(), "float");
}

std::string Value::asText() const {
    return std::visit(
        [&](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return "";
            else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(v);
            else if constexpr (std::is_same_v<T, double>) return fmt::format("{}", v);
            else if constexpr (std::is_same_v<T, std::string>) return v;
            else if constexpr (std::is_same_v<T, DateTime>) return v.toString();
            else if constexpr (std::is_same_v<T, Guid>) return v.toString();
            else {
                std::string s = "0x";
                for (auto b : v) s += fmt::format("{:02X}", b);
                return s;
            }
        },
        data);
}

bool Value::truthy() const {
    if (isNull()) return false;
    if (auto i = std::get_if<std::int64_t>(&data)) return *i != 0;
    return !asText().empty();
}

std::string lowerAscii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
std::string upperAscii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}
bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

std::optional<int> compareValues(const Value& a, const Value& b) {
    if (a.isNull() || b.isNull()) return std::nullopt;
    auto sign = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
    bool aNum = std::holds_alternative<std::int64_t>(a.data) || std::holds_alternative<double>(a.data);
    bool bNum = std::holds_alternative<std::int64_t>(b.data) || std::holds_alternative<double>(b.data);
    if (aNum || bNum) {
        // Numbers win the type precedence: the other side is converted (error 245 if it cannot be).
        if (std::holds_alternative<std::int64_t>(a.data) && std::holds_alternative<std::int64_t>(b.data))
            return sign(std::get<std::int64_t>(a.data), std::get<std::int64_t>(b.data));
        if (std::holds_alternative<std::string>(a.data) && std::holds_alternative<std::int64_t>(b.data))
            return sign(*a.asInt(), std::get<std::int64_t>(b.data));
        if (std::holds_alternative<std::int64_t>(a.data) && std::holds_alternative<std::string>(b.data))
            return sign(std::get<std::int64_t>(a.data), *b.asInt());
        return sign(*a.asDouble(), *b.asDouble());
    }
    if (auto* ga = std::get_if<Guid>(&a.data)) {
        auto gb = std::holds_alternative<Guid>(b.data) ? std::optional<Guid>(std::get<Guid>(b.data)) : Guid::parse(b.asText());
        if (!gb) throw errors::conversion("nvarchar value", "uniqueidentifier");
        return ga->bytes == gb->bytes ? 0 : (ga->bytes < gb->bytes ? -1 : 1);
    }
    if (std::holds_alternative<Guid>(b.data)) {
        auto r = compareValues(b, a);
        return r ? std::optional<int>(-*r) : std::nullopt;
    }
    if (auto* da = std::get_if<DateTime>(&a.data)) {
        auto db = std::holds_alternative<DateTime>(b.data) ? std::optional<DateTime>(std::get<DateTime>(b.data))
                                                           : DateTime::parse(b.asText());
        if (!db) throw errors::conversion("nvarchar value", "datetime");
        return sign(da->ms, db->ms);
    }
    if (std::holds_alternative<DateTime>(b.data)) {
        auto r = compareValues(b, a);
        return r ? std::optional<int>(-*r) : std::nullopt;
    }
    if (std::holds_alternative<Bytes>(a.data) && std::holds_alternative<Bytes>(b.data)) {
        const auto& x = std::get<Bytes>(a.data);
        const auto& y = std::get<Bytes>(b.data);
        return x == y ? 0 : (x < y ? -1 : 1);
    }
    // Case-insensitive, trailing spaces ignored (SQL Server pads for comparison).
    std::string x = lowerAscii(a.asText()), y = lowerAscii(b.asText());
    while (!x.empty() && x.back() == ' ') x.pop_back();
    while (!y.empty() && y.back() == ' ') y.pop_back();
    return sign(x.compare(y), 0);
}

Value castValue(const Value& v, const SqlType& to) {
    if (v.isNull()) return Value::null(to);
    switch (to.kind) {
    case TypeKind::TinyInt:
    case TypeKind::SmallInt:
    case TypeKind::Int:
    case TypeKind::BigInt:
    case TypeKind::Bit: {
        auto i = v.asInt();
        if (to.kind == TypeKind::Bit) return Value{to, std::int64_t{*i != 0 ? 1 : 0}};
        return Value{to, *i};
    }
    case TypeKind::Decimal:
        if (to.scale == 0) return Value{to, *v.asInt()};
        return Value{to, *v.asDouble()};
    case TypeKind::Float: return Value{to, *v.asDouble()};
    case TypeKind::NVarChar: {
        std::string s = v.asText();
        return Value{to, s};
    }
    case TypeKind::DateTime: {
        if (auto* d = std::get_if<DateTime>(&v.data)) return Value{to, *d};
        auto p = DateTime::parse(v.asText());
        if (!p) throw errors::conversion("nvarchar value", "datetime");
        return Value{to, *p};
    }
    case TypeKind::Guid: {
        if (auto* g = std::get_if<Guid>(&v.data)) return Value{to, *g};
        auto p = Guid::parse(v.asText());
        if (!p) throw errors::conversion("nvarchar value", "uniqueidentifier");
        return Value{to, *p};
    }
    case TypeKind::VarBinary: {
        if (auto* b = std::get_if<Bytes>(&v.data)) return Value{to, *b};
        std::string s = v.asText();
        return Value{to, Bytes(s.begin(), s.end())};
    }
    }
    return v;
}

}  // namespace mssql_sim
