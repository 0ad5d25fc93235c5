#include "run_lock.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "temp_dir.h"

extern char** environ;

namespace drkit {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

const std::string kKey = "/srv/dr/drkit.json|failover|prod";

LockHolder holder(const std::string& run_id) {
  return {run_id, static_cast<int>(::getpid()), "dr1", "2026-11-23T14:15:03.120Z"};
}

// A child process killed with SIGKILL and reaped when the test ends, whatever happens.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() { kill9(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

 private:
  pid_t pid_;
};

TEST(RunLock, SecondAcquireFailsAndNamesTheHolderUntilReleased) {
  TempDir dir;
  LockHolder seen;
  {
    auto lock = RunLock::try_acquire(dir.path(), kKey, holder("run-a"), &seen);
    ASSERT_TRUE(lock);
    EXPECT_EQ(lock->path().parent_path(), dir.path() / "locks");
    EXPECT_EQ(lock->path().extension(), ".lock");
    EXPECT_EQ(lock->path().stem().string().size(), 16u);

    // flock conflicts between two open files even in one process.
    auto second = RunLock::try_acquire(dir.path(), kKey, holder("run-b"), &seen);
    EXPECT_FALSE(second);
    EXPECT_EQ(seen.run_id, "run-a");
    EXPECT_EQ(seen.pid, ::getpid());
    EXPECT_EQ(seen.host, "dr1");
    EXPECT_EQ(seen.started_at, "2026-11-23T14:15:03.120Z");

    // Another pipeline of the same manifest is a different lock.
    EXPECT_TRUE(RunLock::try_acquire(dir.path(), "/srv/dr/drkit.json|failback|prod", holder("run-c"), nullptr));

    lock->update_holder(holder("run-a2"));
    EXPECT_FALSE(RunLock::try_acquire(dir.path(), kKey, holder("run-b"), &seen));
    EXPECT_EQ(seen.run_id, "run-a2");
  }
  auto again = RunLock::try_acquire(dir.path(), kKey, holder("run-b"), &seen);
  EXPECT_TRUE(again);
}

TEST(RunLock, FilesAreOwnerOnly) {
  TempDir dir;
  mode_t old = ::umask(0);
  auto lock = RunLock::try_acquire(dir.path() / "state", kKey, holder("r"), nullptr);
  ::umask(old);
  ASSERT_TRUE(lock);
  struct stat st {};
  ASSERT_EQ(::stat(lock->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const char* d : {"state", "state/locks"}) {
    ASSERT_EQ(::stat((dir.path() / d).c_str(), &st), 0) << d;
    EXPECT_EQ(st.st_mode & 0777, 0700u) << d;
  }
}

TEST(RunLock, MovingKeepsTheLockAndOnlyTheLastOwnerReleasesIt) {
  TempDir dir;
  std::optional<RunLock> moved_to;
  {
    auto lock = RunLock::try_acquire(dir.path(), kKey, holder("r"), nullptr);
    ASSERT_TRUE(lock);
    RunLock a(std::move(*lock));
    lock.reset();  // the moved-from lock must not release anything
    EXPECT_FALSE(RunLock::try_acquire(dir.path(), kKey, holder("x"), nullptr));
    moved_to.emplace(std::move(a));
  }
  EXPECT_FALSE(RunLock::try_acquire(dir.path(), kKey, holder("x"), nullptr));
  auto other = RunLock::try_acquire(dir.path(), "another|key|", holder("y"), nullptr);
  ASSERT_TRUE(other);
  *moved_to = std::move(*other);  // releases the first lock, takes over the second
  EXPECT_TRUE(RunLock::try_acquire(dir.path(), kKey, holder("x"), nullptr));
  EXPECT_FALSE(RunLock::try_acquire(dir.path(), "another|key|", holder("x"), nullptr));
}

TEST(RunLock, HeldByAnotherProcessThenFreedWhenItIsKilled) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(ready[0]);
    LockHolder me{"child-run", static_cast<int>(::getpid()), "child-host", "2026-11-23T03:00:00.000Z"};
    auto lock = RunLock::try_acquire(dir.path(), kKey, me, nullptr);
    char c = lock ? 'y' : 'n';
    if (::write(ready[1], &c, 1) != 1) ::_exit(2);
    for (;;) ::pause();  // holds the lock until SIGKILL
  }
  Child child(pid);
  ::close(ready[1]);
  pollfd p{ready[0], POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 60'000), 1) << "the child did not take the lock within 60 s";
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(c, 'y');

  LockHolder seen;
  EXPECT_FALSE(RunLock::try_acquire(dir.path(), kKey, holder("mine"), &seen));
  EXPECT_EQ(seen.run_id, "child-run");
  EXPECT_EQ(seen.pid, pid);
  EXPECT_EQ(seen.host, "child-host");
  EXPECT_EQ(seen.started_at, "2026-11-23T03:00:00.000Z");

  child.kill9();  // the holder dies without any cleanup: the kernel drops the flock
  auto lock = RunLock::try_acquire(dir.path(), kKey, holder("mine"), &seen);
  ASSERT_TRUE(lock);
  EXPECT_TRUE(fs::exists(lock->path()));
}

TEST(RunLock, ChildProcessesDoNotInheritIt) {
  // A step's child process (started while the run holds the lock) must not keep the lock
  // alive after drkit exits: the descriptor is O_CLOEXEC.
  TempDir dir;
  auto lock = RunLock::try_acquire(dir.path(), kKey, holder("r"), nullptr);
  ASSERT_TRUE(lock);
  pid_t pid = 0;
  const char* argv[] = {"sleep", "120", nullptr};
  ASSERT_EQ(::posix_spawnp(&pid, "sleep", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  Child sleeper(pid);
  lock.reset();
  EXPECT_TRUE(RunLock::try_acquire(dir.path(), kKey, holder("next"), nullptr));
}

}  // namespace
}  // namespace drkit
