// Writers for the response tokens (MS-TDS 2.2.7), in the formats of TDS 7.1 to 7.4.
#pragma once

#include "engine/sql_error.hpp"
#include "sql/result.hpp"
#include "sql/value.hpp"
#include "tds/wire.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mssql_sim::tds {

enum : std::uint16_t {
    kDoneFinal = 0x00,
    kDoneMore = 0x01,
    kDoneError = 0x02,
    kDoneCount = 0x10,
    kDoneAttn = 0x20,
};
enum : std::uint8_t { kTokenDone = 0xFD, kTokenDoneProc = 0xFE, kTokenDoneInProc = 0xFF };

// Collation Latin1_General_CI_AS: LCID 0x0409, flags 0xD0, sort id 0x34.
inline const std::vector<std::uint8_t> kCollation = {0x09, 0x04, 0xD0, 0x00, 0x34};

class TokenWriter {
public:
    explicit TokenWriter(std::uint32_t tdsVersion) : version_(tdsVersion) {}
    bool is72() const { return (version_ >> 24) >= 0x72; }

    void envChange(WireWriter& w, std::uint8_t type, const std::string& newValue, const std::string& oldValue) const;
    void envCollation(WireWriter& w) const;
    void loginAck(WireWriter& w, const std::string& program) const;
    void message(WireWriter& w, const mssql_sim::Message& m, const std::string& server, bool isError) const;
    void done(WireWriter& w, std::uint8_t token, std::uint16_t status, std::uint16_t curCmd, std::uint64_t rows) const;
    void colMetadata(WireWriter& w, const std::vector<Column>& cols) const;
    void row(WireWriter& w, const std::vector<Column>& cols, const std::vector<Value>& values) const;
    void returnStatus(WireWriter& w, std::int32_t status) const;
    void returnValue(WireWriter& w, std::uint16_t ordinal, const std::string& name, const Value& v) const;

private:
    void typeInfo(WireWriter& w, const SqlType& t) const;
    void value(WireWriter& w, const SqlType& t, const Value& v) const;
    std::uint32_t version_;
};

// Byte length of a DECIMAL value (sign byte included) for its precision.
int decimalBytes(int precision);

}  // namespace mssql_sim::tds
