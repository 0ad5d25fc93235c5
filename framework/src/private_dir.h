// Owner-only folders and files for drkit's state dir (journal, run locks, run logs): they
// hold run outputs, approvals, and who ran what against which servers.
//
// Modes come from drkit, never from the process umask: a folder is made 0700 and a file
// 0600 by the call that creates it, so neither exists with a wider mode even for a moment.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace drkit {

// Creates `dir` and every missing parent folder with mode 0700. Folders that already exist
// are left as they are (they may be the operator's own). Throws std::runtime_error naming
// the folder if one cannot be created or a path component is not a folder.
void create_private_directories(const std::filesystem::path& dir);

// For drkit's own folders inside the state dir (locks/, logs/): creates `dir` (and parents)
// 0700, and tightens it to 0700 if it exists with group or other bits (an older drkit made
// them with the umask's mode). Throws std::runtime_error naming the folder on failure.
void ensure_private_subdirectory(const std::filesystem::path& dir);

// Creates `file` with mode 0600 if it does not exist; tightens an existing one that has
// group or other bits. Does not follow a symlink at `file`. Throws std::runtime_error
// naming the file on failure.
void ensure_private_file(const std::filesystem::path& file);

// Why the existing folder `dir` is not private to this user (group or other permission
// bits, another owner), as one sentence naming the folder and its mode; nullopt if it is
// private or does not exist.
std::optional<std::string> private_directory_problem(const std::filesystem::path& dir);

}  // namespace drkit
