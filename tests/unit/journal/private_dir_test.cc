// The state dir's folders and files are owner-only whatever the umask; an existing folder
// of the operator's is never chmodded behind their back, only warned about.
#include "private_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "journal.h"
#include "run_lock.h"
#include "temp_dir.h"

namespace drkit {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// Sets the process umask for one test and puts the old one back.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t old_;
};

TEST(PrivateDir, EveryFolderItCreatesIs0700WhateverTheUmask) {
  TempDir dir;
  for (mode_t mask : {0000, 0022, 0277}) {  // permissive, usual, and one that strips owner bits
    Umask umask(mask);
    fs::path top = dir.path() / fmt::format("mask{:o}", mask);
    create_private_directories(top / "a" / "b");
    EXPECT_EQ(mode_of(top), 0700u) << top;
    EXPECT_EQ(mode_of(top / "a"), 0700u) << top;
    EXPECT_EQ(mode_of(top / "a" / "b"), 0700u) << top;
  }
}

TEST(PrivateDir, LeavesAnExistingFolderAsItIs) {
  TempDir dir;
  fs::create_directory(dir.path() / "mine");
  fs::permissions(dir.path() / "mine", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                  fs::perm_options::replace);
  create_private_directories(dir.path() / "mine" / "state");
  EXPECT_EQ(mode_of(dir.path() / "mine"), 0750u);
  EXPECT_EQ(mode_of(dir.path() / "mine" / "state"), 0700u);
}

TEST(PrivateDir, AFileInTheWayIsAnErrorNamingIt) {
  TempDir dir;
  { std::ofstream(dir.path() / "file") << "x"; }
  try {
    create_private_directories(dir.path() / "file" / "state");
    FAIL() << "created a folder under a regular file";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "file").string()));
    EXPECT_THAT(e.what(), HasSubstr("not a folder"));
  }
}

TEST(PrivateDir, SubdirectoryOfDrkitsOwnIsTightened) {
  TempDir dir;
  fs::create_directories(dir.path() / "logs");
  fs::permissions(dir.path() / "logs", fs::perms::all, fs::perm_options::replace);
  ensure_private_subdirectory(dir.path() / "logs");
  EXPECT_EQ(mode_of(dir.path() / "logs"), 0700u);
}

TEST(PrivateDir, FileIsCreated0600AndALooseOneTightened) {
  TempDir dir;
  Umask umask(0);
  ensure_private_file(dir.path() / "new.log");
  EXPECT_EQ(mode_of(dir.path() / "new.log"), 0600u);

  { std::ofstream(dir.path() / "old.log") << "kept"; }
  fs::permissions(dir.path() / "old.log", fs::perms::all, fs::perm_options::replace);
  ensure_private_file(dir.path() / "old.log");
  EXPECT_EQ(mode_of(dir.path() / "old.log"), 0600u);
  std::ifstream in(dir.path() / "old.log");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "kept");  // opened, not truncated
}

TEST(PrivateDir, FileDoesNotFollowASymlink) {
  TempDir dir;
  { std::ofstream(dir.path() / "target") << "x"; }
  fs::permissions(dir.path() / "target", fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read,
                  fs::perm_options::replace);
  fs::create_symlink(dir.path() / "target", dir.path() / "journal.db");
  try {
    ensure_private_file(dir.path() / "journal.db");
    FAIL() << "followed a symlink";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("symbolic link"));
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "journal.db").string()));
  }
  EXPECT_EQ(mode_of(dir.path() / "target"), 0604u);  // the target was not touched
}

TEST(PrivateDir, ProblemNamesTheModeAndTheFix) {
  TempDir dir;
  fs::path d = dir.path() / "state";
  EXPECT_FALSE(private_directory_problem(d));  // missing: nothing to say
  create_private_directories(d);
  EXPECT_FALSE(private_directory_problem(d));

  fs::permissions(d, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, fs::perm_options::replace);
  auto readable = private_directory_problem(d);
  ASSERT_TRUE(readable);
  EXPECT_THAT(*readable, HasSubstr("mode 0750"));
  EXPECT_THAT(*readable, HasSubstr("can list it"));
  EXPECT_THAT(*readable, HasSubstr("chmod 700 " + d.string()));

  fs::permissions(d, fs::perms::all, fs::perm_options::replace);
  auto writable = private_directory_problem(d);
  ASSERT_TRUE(writable);
  EXPECT_THAT(*writable, HasSubstr("mode 0777"));
  EXPECT_THAT(*writable, HasSubstr("create, rename and delete"));
}

TEST(PrivateDir, JournalAndLockKeepEveryFolderTheyCreatePrivate) {
  TempDir dir;
  Umask umask(0);
  fs::path state = dir.path() / "parent" / "state";
  {
    auto j = Journal::open(state);
    auto lock = RunLock::try_acquire(state, "/m/drkit.json|p|", {"r1", 1, "h", "t"}, nullptr);
    ASSERT_TRUE(lock);
    EXPECT_EQ(mode_of(lock->path()), 0600u);
  }
  for (const auto& d : {dir.path() / "parent", state, state / "locks"}) EXPECT_EQ(mode_of(d), 0700u) << d;
}

TEST(PrivateDir, JournalWarnsAboutALooseStateDirAndLeavesItsMode) {
  TempDir dir;
  fs::path state = dir.path() / "shared";
  fs::create_directories(state);
  fs::permissions(state, fs::perms::all, fs::perm_options::replace);
  ::testing::internal::CaptureStderr();
  { auto j = Journal::open(state); }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("warning: state dir " + state.string() + " has mode 0777"));
  EXPECT_EQ(mode_of(state), 0777u);               // the operator's folder: not chmodded
  EXPECT_EQ(mode_of(state / "journal.db"), 0600u);  // drkit's file: private all the same

  fs::permissions(state, fs::perms::owner_all, fs::perm_options::replace);
  ::testing::internal::CaptureStderr();
  { auto j = Journal::open(state); }
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), Not(HasSubstr("warning")));
}

}  // namespace
}  // namespace drkit
