// Fault injection rules, set at run time through the control interface: delay statements,
// fail the next N statements with an error, drop the connection in the middle of a statement.
#pragma once

#include "engine/sql_error.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mssql_sim {

struct FaultRule {
    std::string kind;     // delay | fail | drop
    int remaining = 1;    // statements still affected; -1 = until cleared
    std::string match;    // case-insensitive substring of the statement text; empty = any
    int delayMs = 0;
    Message error;        // for fail
};

struct FaultDecision {
    int delayMs = 0;
    std::optional<Message> error;
    bool drop = false;
};

class Faults {
public:
    void add(FaultRule r);
    void clear();
    // Consumes one use of every rule matching this statement.
    FaultDecision next(const std::string& statementText);
    std::vector<std::string> describe() const;

private:
    mutable std::mutex mu_;
    std::vector<FaultRule> rules_;
};

}  // namespace mssql_sim
