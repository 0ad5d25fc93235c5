// Decoding of RPC requests (MS-TDS 2.2.6.6): procedure name or well-known id, and parameters.
#pragma once

#include "sql/value.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mssql_sim::tds {

// Well-known procedure ids (ProcIDs) clients send instead of names.
enum class ProcId : std::uint16_t {
    Cursor = 1, CursorOpen = 2, CursorPrepare = 3, CursorExecute = 4, CursorPrepExec = 5, CursorUnprepare = 6,
    CursorFetch = 7, CursorOption = 8, CursorClose = 9, ExecuteSql = 10, Prepare = 11, Execute = 12,
    PrepExec = 13, PrepExecRpc = 14, Unprepare = 15,
};

struct RpcParam {
    std::string name;  // "@P1" or empty for positional
    bool output = false;
    Value value;
};

struct RpcCall {
    std::string procName;               // empty when procId is set
    std::optional<std::uint16_t> procId;
    std::vector<RpcParam> params;
    std::string displayName() const;     // "sp_prepexec" for id 13
};

// One RPC message can carry several calls (batched RPC).
std::vector<RpcCall> parseRpc(const std::vector<std::uint8_t>& payload, bool hasAllHeaders);

}  // namespace mssql_sim::tds
