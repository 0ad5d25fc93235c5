#include "engine/faults.hpp"

#include "sql/value.hpp"

#include <fmt/format.h>

namespace mssql_sim {

void Faults::add(FaultRule r) {
    std::lock_guard lk(mu_);
    rules_.push_back(std::move(r));
}

void Faults::clear() {
    std::lock_guard lk(mu_);
    rules_.clear();
}

FaultDecision Faults::next(const std::string& statementText) {
    std::lock_guard lk(mu_);
    FaultDecision d;
    if (rules_.empty()) return d;
    std::string lower = lowerAscii(statementText);
    // Control statements are never faulted, or a test could not clear its own faults.
    if (lower.find("sp_sim_control") != std::string::npos) return d;
    for (auto& r : rules_) {
        if (r.remaining == 0) continue;
        if (!r.match.empty() && lower.find(lowerAscii(r.match)) == std::string::npos) continue;
        if (r.kind == "delay") d.delayMs += r.delayMs;
        else if (r.kind == "fail" && !d.error) d.error = r.error;
        else if (r.kind == "drop") d.drop = true;
        if (r.remaining > 0) --r.remaining;
    }
    std::erase_if(rules_, [](const FaultRule& r) { return r.remaining == 0; });
    return d;
}

std::vector<std::string> Faults::describe() const {
    std::lock_guard lk(mu_);
    std::vector<std::string> out;
    for (const auto& r : rules_) {
        std::string what = r.kind == "delay" ? fmt::format("delay {} ms", r.delayMs)
                           : r.kind == "fail" ? fmt::format("fail with error {} (severity {})", r.error.number, r.error.severity)
                                              : "drop connection";
        out.push_back(fmt::format("{}; remaining {}; match '{}'", what, r.remaining < 0 ? std::string("all") : std::to_string(r.remaining), r.match));
    }
    return out;
}

}  // namespace mssql_sim
