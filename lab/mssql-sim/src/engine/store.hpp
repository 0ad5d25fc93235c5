// Loads and saves an instance's state as JSON in its data directory. Saves are atomic:
// write a temporary file, fsync it, rename it over state.json, fsync the directory.
#pragma once

#include "engine/state.hpp"

#include <filesystem>
#include <optional>

namespace mssql_sim {

class StateStore {
public:
    explicit StateStore(std::filesystem::path dataDir);
    std::optional<InstanceState> load() const;  // nullopt when there is no state yet
    void save(const InstanceState& s) const;
    const std::filesystem::path& path() const { return file_; }

private:
    std::filesystem::path dir_;
    std::filesystem::path file_;
};

}  // namespace mssql_sim
