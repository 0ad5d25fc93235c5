// Failures: permission errors (as a real unprivileged user), a full destination (a real
// tmpfs), the share vanishing before or during a run, a second copier.
#include <gmock/gmock.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <thread>

#include <fmt/format.h>

#include "share_fixture.h"

namespace storage_share_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class FailureModesTest : public ShareFixture {
 protected:
  // Files whose final names exist at the destination are complete, and none is partial.
  void expect_no_partial_files() const {
    EXPECT_THAT(partial_files_in(dest_.path()), IsEmpty());
    for (const auto& n : names_in(dest_.path())) {
      if (!fs::exists(src(n))) continue;
      EXPECT_EQ(size_of(dst(n)), size_of(src(n))) << n;
    }
  }
  static uid_t nobody_uid() { return ::getpwnam("nobody")->pw_uid; }
  static gid_t nobody_gid() { return ::getpwnam("nobody")->pw_gid; }
};

// Tests run as root, and root reads a chmod 000 file. So the copy runs in a child process
// that drops to `nobody` first: its open() meets a real EACCES from the kernel.
TEST_F(FailureModesTest, AnUnreadableFileFailsNamingItAndTheOthersAreStillCopied) {
  ASSERT_EQ(::geteuid(), 0u) << "this test makes a real EACCES by dropping root in a child";
  write_file(src("a.trn"), 10000, 1);
  write_file(src("b.trn"), 10000, 2);
  write_file(src("c.trn"), 10000, 3);
  fs::permissions(src("b.trn"), fs::perms::none);
  ASSERT_EQ(::chown(dest_.path().c_str(), nobody_uid(), nobody_gid()), 0);

  boost::json::object out;
  EXPECT_EQ(run_copy_child(with(), out, "nobody"), 1) << boost::json::serialize(out);
  EXPECT_EQ(out.at("code").as_string(), "share.copy_failed");
  EXPECT_THAT(std::string(out.at("error").as_string()),
              HasSubstr("open " + src("b.trn").string() + ": Permission denied (EACCES)"));
  EXPECT_FALSE(out.at("retryable").as_bool());
  EXPECT_THAT(names_in(dest_.path()), ElementsAre("a.trn", "c.trn"));

  // on_file_error: continue reports the failure in the outputs instead.
  EXPECT_EQ(run_copy_child(with({{"on_file_error", "continue"}}), out, "nobody"), 0) << boost::json::serialize(out);
  EXPECT_EQ(out.at("failures").as_int64(), 1);
  EXPECT_EQ(out.at("skipped").as_int64(), 2);
  const auto& failed = out.at("failed").as_array();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].at("file").as_string(), "b.trn");
  EXPECT_EQ(failed[0].at("errno").as_string(), "Permission denied (EACCES)");
  expect_no_partial_files();
}

TEST_F(FailureModesTest, AnUnwritableDestinationFailsNamingTheFileAndTheError) {
  write_file(src("a.trn"), 10000, 1);
  // The destination stays root's 0755: nobody may not create files in it.
  boost::json::object out;
  EXPECT_EQ(run_copy_child(with(), out, "nobody"), 1) << boost::json::serialize(out);
  EXPECT_THAT(std::string(out.at("error").as_string()),
              HasSubstr("create " + dst(".a.trn.drkit-partial").string() + ": Permission denied (EACCES)"));
  EXPECT_THAT(names_in(dest_.path()), IsEmpty());
}

TEST_F(FailureModesTest, AFullDestinationIsARealEnospcThatStopsTheCopyCleanly) {
  TmpfsMount small(dest_.path(), "8m");
  for (int i = 0; i < 4; ++i) write_file(src("log" + std::to_string(i) + ".trn"), 3 << 20, i);
  try {
    copy({{"parallel", 1}});
    FAIL() << "12 MiB fit in an 8 MiB tmpfs";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "share.destination_full");
    EXPECT_THAT(e.what(), HasSubstr(dst(".log2.trn.drkit-partial").string() + ": No space left on device (ENOSPC)"));
    EXPECT_THAT(e.what(), HasSubstr("1 not attempted"));
    EXPECT_THAT(e.what(), HasSubstr("is full"));
  }
  EXPECT_THAT(names_in(dest_.path()), ElementsAre("log0.trn", "log1.trn"));
  expect_no_partial_files();
  expect_copied({"log0.trn", "log1.trn"});

  auto room = h_.check("storage-share.free_space", with({{"margin_mib", 0}}));
  EXPECT_FALSE(room.ok);
  EXPECT_EQ(room.value.at("pending_bytes").as_int64(), 6 << 20);
  EXPECT_THAT(room.message, HasSubstr("NOT ENOUGH ROOM"));
}

TEST_F(FailureModesTest, AnUnreachableShareFailsRetryablyByDefault) {
  write_file(dst("old.trn"), 100, 1);
  auto w = with();
  w["source"] = (share_.path() / "gone").string();
  try {
    h_.run("storage-share.copy_backups", w);
    FAIL() << "a missing share was accepted";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "share.unreachable");
    EXPECT_TRUE(e.retryable());
    EXPECT_THAT(e.what(), HasSubstr("gone: No such file or directory (ENOENT)"));
    EXPECT_THAT(e.what(), HasSubstr("on_unreachable: continue"));
  }
  auto plan = h_.plan("storage-share.copy_backups", w);
  EXPECT_THAT(plan.summary, HasSubstr("the share cannot be read now"));
}

TEST_F(FailureModesTest, AnUnreachableShareWithContinueGoesOnWithTheDestinationLoudly) {
  write_file(dst("log1.trn"), 100, 1);
  write_file(dst("log2.trn"), 100, 2);
  auto w = with({{"on_unreachable", "continue"}});
  w["source"] = (share_.path() / "gone").string();
  auto out = h_.run("storage-share.copy_backups", w);
  EXPECT_FALSE(out.at("share_reachable").as_bool());
  EXPECT_EQ(out.at("copied").as_int64(), 0);
  EXPECT_EQ(out.at("destination_files").as_int64(), 2);
  EXPECT_EQ(out.at("newest_at_destination").as_string(), "log2.trn");
  EXPECT_THAT(std::string(out.at("warning").as_string()), HasSubstr("SHARE UNREACHABLE"));
  bool logged_as_error = false;
  for (const auto& l : h_.log())
    logged_as_error |= l.level == drkit::LogLevel::error && l.message.find("SHARE UNREACHABLE") != std::string::npos;
  EXPECT_TRUE(logged_as_error);
}

// The share folder disappears while files are being copied (throttled so the run lasts
// several seconds): what was copied stays complete, nothing partial remains.
class ShareVanishesTest : public FailureModesTest {
 protected:
  static constexpr int kFiles = 20;  // 40 MiB at 4 MiB/s: about 10 s if nothing vanished
  void SetUp() override {
    for (int i = 0; i < kFiles; ++i) {
      names_.push_back(fmt::format("log{:02}.trn", i));
      write_file(src(names_.back()), 2 << 20, i);
      contents_.push_back(read_file(src(names_.back())));
    }
  }
  // Takes the share folder away at once (as an unmount or a dead server does), once the first
  // file has arrived. remove_all alone would delete the files one by one first, which looks
  // like retention deleting files, not like the share vanishing.
  std::jthread vanish_after_first_copy() {
    return std::jthread([this] {
      wait_until([&] { return fs::exists(dst(names_[0])); });
      fs::path gone = share_.path().string() + ".gone";
      fs::rename(share_.path(), gone);
      fs::remove_all(gone);
    });
  }
  void expect_copied_files_complete(std::int64_t copied) {
    EXPECT_GE(copied, 1);
    EXPECT_LT(copied, kFiles);
    EXPECT_THAT(partial_files_in(dest_.path()), IsEmpty());
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (fs::exists(dst(names_[i]))) {
        EXPECT_TRUE(read_file(dst(names_[i])) == contents_[i]) << names_[i];
      }
  }
  boost::json::object throttled(const char* on_unreachable) {
    return with({{"parallel", 1}, {"bandwidth_mib_s", 4}, {"on_unreachable", on_unreachable}});
  }
  std::vector<std::string> names_;
  std::vector<std::string> contents_;
};

TEST_F(ShareVanishesTest, FailMode) {
  auto vanisher = vanish_after_first_copy();
  try {
    h_.run("storage-share.copy_backups", throttled("fail"));
    FAIL() << "the copy did not notice the share vanish";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "share.unreachable");
    EXPECT_TRUE(e.retryable());
    EXPECT_THAT(e.what(), HasSubstr("lost mid-run"));
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory (ENOENT)"));
  }
  vanisher.join();
  expect_copied_files_complete(static_cast<std::int64_t>(names_in(dest_.path()).size()));
}

TEST_F(ShareVanishesTest, ContinueMode) {
  auto vanisher = vanish_after_first_copy();
  auto out = h_.run("storage-share.copy_backups", throttled("continue"));
  vanisher.join();
  EXPECT_FALSE(out.at("share_reachable").as_bool());
  EXPECT_THAT(std::string(out.at("warning").as_string()), HasSubstr("SHARE UNREACHABLE: lost mid-run"));
  EXPECT_EQ(out.at("failures").as_int64(), 0) << "a vanished share is not a per-file failure";
  std::int64_t copied = out.at("copied").as_int64();
  EXPECT_EQ(out.at("destination_files").as_int64(), copied);
  EXPECT_GT(out.at("not_attempted").as_int64(), 0);
  expect_copied_files_complete(copied);
}

TEST_F(FailureModesTest, ASecondCopierIntoTheSameFolderIsRefused) {
  write_file(src("a.trn"), 100, 1);
  int fd = ::open(dest_.path().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  try {
    copy();
    FAIL() << "copied while another copier held the folder";
  } catch (const drkit::StepError& e) {
    EXPECT_EQ(e.code(), "share.busy");
    EXPECT_TRUE(e.retryable());
  }
  ::close(fd);
  EXPECT_EQ(copy().at("copied").as_int64(), 1);
}

}  // namespace
}  // namespace storage_share_test
