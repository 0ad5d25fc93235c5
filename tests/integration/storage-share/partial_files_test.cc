// Partial files (persistent-chat-dr.md, pitfall 2): backups still being written, files that
// change mid-copy, leftovers of a killed copier, and kill -9 in the middle of a copy.
#include <gmock/gmock.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "share_fixture.h"

namespace storage_share_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class PartialFilesTest : public ShareFixture {};

// Appends a byte to `path` every 20 ms until stopped: a log backup being written.
class Writer {
 public:
  explicit Writer(fs::path path)
      : thread_([path = std::move(path)](std::stop_token st) {
          while (!st.stop_requested()) {
            std::ofstream(path, std::ios::app | std::ios::binary) << 'x';
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }) {}

 private:
  std::jthread thread_;
};

TEST_F(PartialFilesTest, AFileStillGrowingIsLeftForTheNextRun) {
  write_file(src("done.trn"), 4096, 1);
  write_file(src("writing.trn"), 4096, 2, std::chrono::seconds(0));
  {
    Writer writer(src("writing.trn"));
    auto out = copy({{"stable_for", "1s"}});
    EXPECT_EQ(out.at("copied").as_int64(), 1);
    EXPECT_THAT(strings_of(out.at("growing")), ElementsAre("writing.trn"));
    EXPECT_THAT(h_.log_text(), HasSubstr("still being written"));
  }
  EXPECT_THAT(names_in(dest_.path()), ElementsAre("done.trn"));

  // The backup finished: once its size holds still for the window, it is copied.
  auto out = copy({{"stable_for", "1s"}});
  EXPECT_EQ(out.at("copied").as_int64(), 1);
  EXPECT_THAT(strings_of(out.at("growing")), IsEmpty());
  expect_copied({"done.trn", "writing.trn"});
}

TEST_F(PartialFilesTest, ARecentFileThatDoesNotChangeIsCopiedAfterTheWindow) {
  write_file(src("fresh.trn"), 4096, 1, std::chrono::seconds(0));
  auto out = copy({{"stable_for", "1s"}});
  EXPECT_EQ(out.at("copied").as_int64(), 1);
  expect_copied({"fresh.trn"});
}

TEST_F(PartialFilesTest, AFileThatChangesDuringItsCopyIsDiscardedNotRenamed) {
  write_file(src("a.trn"), 8 << 20, 1);
  // 2 MiB/s: the copy takes about 4 s, so the file changes while it is being copied.
  std::atomic<bool> appended = false;
  std::jthread appender([&](std::stop_token st) {
    if (!wait_until([&] { return st.stop_requested() || !partial_files_in(dest_.path()).empty(); })) return;
    if (st.stop_requested()) return;
    std::ofstream(src("a.trn"), std::ios::app | std::ios::binary) << "late bytes";
    appended = true;
  });
  auto out = copy({{"stable_for", "0s"}, {"bandwidth_mib_s", 2}});
  appender.join();
  ASSERT_TRUE(appended);
  EXPECT_EQ(out.at("copied").as_int64(), 0);
  EXPECT_THAT(strings_of(out.at("growing")), ElementsAre("a.trn"));
  EXPECT_THAT(names_in(dest_.path()), IsEmpty()) << "neither a final nor a partial file may remain";
}

TEST_F(PartialFilesTest, LeftoversOfAKilledCopierAreRemovedAndNeverGetTheFinalName) {
  write_file(src("a.trn"), 100000, 1);
  write_file(dst(".a.trn.drkit-partial"), 5000, 1);   // half of a.trn from a killed run
  write_file(dst(".old.trn.drkit-partial"), 5000, 2);  // its source is gone from the share
  auto out = copy();
  EXPECT_THAT(strings_of(out.at("leftovers_removed")),
              ElementsAre(".a.trn.drkit-partial", ".old.trn.drkit-partial"));
  EXPECT_THAT(h_.log_text(), HasSubstr("removed 2 partial file(s)"));
  EXPECT_THAT(names_in(dest_.path()), ElementsAre("a.trn"));
  expect_copied({"a.trn"});
}

TEST_F(PartialFilesTest, KillDashNineMidCopyLeavesNoPartialFinalFileAndTheNextRunCompletes) {
  std::vector<std::string> names;
  for (int i = 0; i < 4; ++i) {
    names.push_back("log" + std::to_string(i) + ".trn");
    write_file(src(names.back()), 24 << 20, i);
  }
  // 24 MiB/s over 96 MiB: about 4 s, so the kill lands mid-copy.
  Child child(copy_child_argv(with({{"parallel", 2}, {"bandwidth_mib_s", 24}})));
  bool copying = wait_until([&] {
    for (const auto& p : partial_files_in(dest_.path()))
      if (size_of(dst(p)) > 0) return true;
    return false;
  });
  ASSERT_TRUE(copying) << "the child never started copying";
  child.kill_hard();
  std::string ignored;
  EXPECT_EQ(child.wait(ignored), 128 + SIGKILL);

  // Whatever has a final name is complete; the rest are partial files.
  EXPECT_THAT(partial_files_in(dest_.path()), Not(IsEmpty()));
  std::size_t complete = 0;
  for (const auto& n : names_in(dest_.path())) {
    if (n.front() == '.') continue;
    ++complete;
    EXPECT_EQ(size_of(dst(n)), size_of(src(n))) << n << " has its final name but is short";
    EXPECT_TRUE(read_file(dst(n)) == read_file(src(n))) << n;
  }
  EXPECT_LT(complete, names.size()) << "the kill came too late to test anything";

  auto out = copy();
  EXPECT_EQ(out.at("copied").as_int64(), static_cast<std::int64_t>(names.size() - complete));
  EXPECT_EQ(out.at("skipped").as_int64(), static_cast<std::int64_t>(complete));
  EXPECT_THAT(strings_of(out.at("leftovers_removed")), Not(IsEmpty()));
  EXPECT_THAT(names_in(dest_.path()), ::testing::ElementsAreArray(names));
  expect_copied(names);
}

TEST_F(PartialFilesTest, CancellingMidCopyRemovesPartialFiles) {
  write_file(src("a.trn"), 16 << 20, 1);
  write_file(src("b.trn"), 16 << 20, 2);
  h_.cancel_after(std::chrono::milliseconds(500));
  EXPECT_THROW(copy({{"bandwidth_mib_s", 4}}), drkit::Cancelled);
  EXPECT_THAT(names_in(dest_.path()), IsEmpty());
}

}  // namespace
}  // namespace storage_share_test
