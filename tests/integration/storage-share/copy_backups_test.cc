// storage-share.copy_backups: what gets copied, how, and what the outputs and plan say.
#include <gmock/gmock.h>

#include <cstdlib>

#include <fmt/format.h>

#include "share_fixture.h"

namespace storage_share_test {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CopyBackupsTest : public ShareFixture {};

TEST_F(CopyBackupsTest, CopiesCompleteBackupsKeepingMtimeAndIgnoresTemporaryFiles) {
  write_file(src("mgc_20261123_0100.trn"), 0, 1);
  write_file(src("mgc_20261123_0105.trn"), 1, 2);
  write_file(src("mgc_20261123_0110.trn"), (3 << 20) + 17, 3);
  write_file(src("mgc_20261123_0115.trn"), 20 << 20, 4);
  write_file(src("mgc_20261123_0120.trn.wrk"), 4096, 5);  // the copy job's work file
  write_file(src("mgc_20261123_0125.tmp"), 4096, 6);
  write_file(src("mgc_full.bak"), 4096, 7);  // not the pattern

  auto out = copy();

  EXPECT_EQ(out.at("copied").as_int64(), 4);
  EXPECT_EQ(out.at("skipped").as_int64(), 0);
  EXPECT_EQ(out.at("failures").as_int64(), 0);
  EXPECT_EQ(out.at("bytes").as_int64(), 0 + 1 + (3 << 20) + 17 + (20 << 20));
  EXPECT_EQ(out.at("temporary_ignored").as_int64(), 2);  // the .wrk and the .tmp
  expect_copied({"mgc_20261123_0100.trn", "mgc_20261123_0105.trn", "mgc_20261123_0110.trn",
                 "mgc_20261123_0115.trn"});
  EXPECT_THAT(names_in(dest_.path()), ElementsAre("mgc_20261123_0100.trn", "mgc_20261123_0105.trn",
                                                  "mgc_20261123_0110.trn", "mgc_20261123_0115.trn"));
  EXPECT_EQ(out.at("share_reachable").as_bool(), true);
  EXPECT_FALSE(out.contains("warning"));

  // Progress went up to the totals, in files and in bytes.
  std::uint64_t files_done = 0, bytes_done = 0;
  for (const auto& p : h_.progress()) {
    if (p.unit == "files") {
      EXPECT_EQ(p.total, 4u);
      files_done = std::max(files_done, p.done);
    } else if (p.unit == "bytes") {
      EXPECT_EQ(p.total, static_cast<std::uint64_t>(out.at("bytes").as_int64()));
      bytes_done = std::max(bytes_done, p.done);
    }
  }
  EXPECT_EQ(files_done, 4u);
  EXPECT_EQ(bytes_done, static_cast<std::uint64_t>(out.at("bytes").as_int64()));
}

TEST_F(CopyBackupsTest, TemporaryFilesMatchingThePatternAreNeverCopied) {
  write_file(src("a.trn"), 100, 1);
  write_file(src("b.trn.wrk"), 100, 2);
  write_file(src(".c.trn.drkit-partial"), 100, 3);  // another copier's partial file
  auto out = copy({{"pattern", "*"}});
  EXPECT_EQ(out.at("copied").as_int64(), 1);
  EXPECT_EQ(out.at("temporary_ignored").as_int64(), 2);
  EXPECT_THAT(names_in(dest_.path()), ElementsAre("a.trn"));
}

TEST_F(CopyBackupsTest, ASecondRunSkipsWhatIsThereAndThePlanSaysNothingToDo) {
  for (int i = 0; i < 6; ++i) write_file(src("log" + std::to_string(i) + ".trn"), 1000 + i, i);
  EXPECT_EQ(copy().at("copied").as_int64(), 6);
  write_file(src("log6.trn"), 5000, 6);

  auto plan = h_.plan("storage-share.copy_backups", with());
  EXPECT_FALSE(plan.no_op);
  EXPECT_THAT(plan.summary, HasSubstr("copy 1 of 7"));
  EXPECT_THAT(plan.actions, Contains(HasSubstr("copy " + src("log6.trn").string() + " -> " +
                                               dst("log6.trn").string())));
  EXPECT_FALSE(fs::exists(dst("log6.trn"))) << "plan() must not copy";

  auto out = copy();
  EXPECT_EQ(out.at("copied").as_int64(), 1);
  EXPECT_EQ(out.at("skipped").as_int64(), 6);
  EXPECT_THAT(strings_of(out.at("copied_files")), ElementsAre("log6.trn"));
  EXPECT_TRUE(h_.plan("storage-share.copy_backups", with()).no_op);
}

TEST_F(CopyBackupsTest, ADestinationFileOfAnotherSizeIsReplacedAndReported) {
  write_file(src("a.trn"), 1 << 20, 1);
  write_file(src("b.trn"), 4096, 2);
  // A non-atomic copier died half-way through a.trn: a short file under the final name.
  write_file(dst("a.trn"), 300 * 1024, 1);
  write_file(dst("b.trn"), 4096, 2);

  auto plan = h_.plan("storage-share.copy_backups", with());
  EXPECT_THAT(plan.actions, Contains(HasSubstr("REPLACES the destination's 300.0 KiB file")));

  auto out = copy();
  EXPECT_EQ(out.at("copied").as_int64(), 1);
  EXPECT_EQ(out.at("skipped").as_int64(), 1);
  const auto& replaced = out.at("replaced").as_array();
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_EQ(replaced[0].at("file").as_string(), "a.trn");
  EXPECT_EQ(replaced[0].at("destination_size").as_int64(), 300 * 1024);
  EXPECT_EQ(replaced[0].at("size").as_int64(), 1 << 20);
  EXPECT_THAT(h_.log_text(), HasSubstr("replaced " + dst("a.trn").string()));
  expect_copied({"a.trn"});
  EXPECT_TRUE(read_file(dst("b.trn")) == read_file(src("b.trn")));
}

TEST_F(CopyBackupsTest, ChecksumCompareCatchesSameSizeDifferentContent) {
  write_file(src("a.trn"), 65536, 1);
  write_file(dst("a.trn"), 65536, 99);  // same size, other bytes

  auto by_size = copy();
  EXPECT_EQ(by_size.at("copied").as_int64(), 0);
  EXPECT_EQ(by_size.at("skipped").as_int64(), 1);

  auto by_content = copy({{"compare", "checksum"}});
  EXPECT_EQ(by_content.at("copied").as_int64(), 1);
  ASSERT_EQ(by_content.at("replaced").as_array().size(), 1u);
  EXPECT_EQ(by_content.at("replaced").as_array()[0].at("reason").as_string(), "content differs");
  expect_copied({"a.trn"});

  auto again = copy({{"compare", "checksum"}});
  EXPECT_EQ(again.at("copied").as_int64(), 0);
  EXPECT_EQ(again.at("skipped").as_int64(), 1);
  EXPECT_TRUE(again.at("checksums").as_object().contains("a.trn"));
}

TEST_F(CopyBackupsTest, Sha256DigestsInTheOutputsMatchSha256sum) {
  write_file(src("a.trn"), (5 << 20) + 3, 1);
  write_file(src("b.trn"), 1, 2);
  auto out = copy({{"checksum", "sha256"}});
  ASSERT_EQ(out.at("copied").as_int64(), 2);
  const auto& sums = out.at("checksums").as_object();
  EXPECT_EQ(sums.at("a.trn").as_string(), sha256sum(src("a.trn")));
  EXPECT_EQ(sums.at("b.trn").as_string(), sha256sum(src("b.trn")));
  EXPECT_EQ(sums.at("a.trn").as_string(), sha256sum(dst("a.trn")));
  EXPECT_EQ(out.at("methods").as_object().at("read_write").as_int64(), 2);
}

TEST_F(CopyBackupsTest, Xxh3DigestsAreRecordedAndDifferPerFile) {
  write_file(src("a.trn"), 3 << 20, 1);
  write_file(src("b.trn"), 3 << 20, 2);
  auto out = copy({{"checksum", "xxh3"}});
  const auto& sums = out.at("checksums").as_object();
  ASSERT_EQ(sums.size(), 2u);
  std::string a(sums.at("a.trn").as_string());
  EXPECT_THAT(a, ::testing::MatchesRegex("xxh3:[0-9a-f]{32}"));
  EXPECT_NE(a, std::string(sums.at("b.trn").as_string()));
  expect_copied({"a.trn", "b.trn"});
}

TEST_F(CopyBackupsTest, EveryCopyMethodProducesIdenticalFiles) {
  for (const char* method : {"copy_file_range", "sendfile", "read_write"}) {
    SCOPED_TRACE(method);
    TempDir dest("drkit-share-method");
    write_file(src("a.trn"), (17 << 20) + 5, 1);  // more than one kernel chunk
    write_file(src("b.trn"), 12345, 2);
    auto w = with({{"method", method}});
    w["destination"] = dest.str();
    auto out = h_.run("storage-share.copy_backups", w);
    EXPECT_EQ(out.at("copied").as_int64(), 2);
    EXPECT_EQ(out.at("methods").as_object().at(method).as_int64(), 2);
    for (const char* n : {"a.trn", "b.trn"}) EXPECT_TRUE(read_file(dest.path() / n) == read_file(src(n))) << n;
  }
}

TEST_F(CopyBackupsTest, AcrossFileSystemsTheFastPathFallsBackAndStillCopies) {
  // /dev/shm (tmpfs) to /tmp (the test machine's disk): copy_file_range between different
  // file system types is refused with EXDEV, so the copier must fall back.
  std::string tmpl = "/dev/shm/drkit-share-src-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  fs::path shm_share = tmpl;
  write_file(shm_share / "a.trn", 9 << 20, 1);
  auto w = with();
  w["source"] = shm_share.string();
  auto out = h_.run("storage-share.copy_backups", w);
  EXPECT_EQ(out.at("copied").as_int64(), 1);
  EXPECT_FALSE(out.at("methods").as_object().contains("copy_file_range"))
      << boost::json::serialize(out.at("methods"));
  EXPECT_TRUE(read_file(dst("a.trn")) == read_file(shm_share / "a.trn"));
  fs::remove_all(shm_share);
}

TEST_F(CopyBackupsTest, TheShareCanBeAResource) {
  write_file(src("a.trn"), 100, 1);
  h_.add_resource("backup_share", "storage-share.folder", {{"path", share_.str()}, {"reachable_within", "3s"}});
  auto out = h_.run("storage-share.copy_backups", {{"share", "backup_share"}, {"destination", dest_.str()}});
  EXPECT_EQ(out.at("copied").as_int64(), 1);
  auto plan = h_.plan("storage-share.copy_backups", {{"share", "backup_share"}, {"destination", dest_.str()}});
  EXPECT_THAT(plan.summary, HasSubstr("share 'backup_share'"));
}

TEST_F(CopyBackupsTest, BadParametersAreRefusedWithWhatToDo) {
  try {
    h_.run("storage-share.copy_backups", {{"destination", dest_.str()}});
    FAIL() << "no source accepted";
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("`source`"));
  }
  try {
    copy({{"parallel", 0}});
    FAIL() << "parallel 0 accepted";
  } catch (const drkit::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'parallel' is 0: give 1 to 64"));
  }
  EXPECT_THROW(copy({{"checksum", "md5"}}), drkit::ConfigError);
}

TEST_F(CopyBackupsTest, AMissingDestinationFailsNamingIt) {
  write_file(src("a.trn"), 100, 1);
  auto w = with();
  w["destination"] = (dest_.path() / "not-mounted").string();
  try {
    h_.run("storage-share.copy_backups", w);
    FAIL() << "a missing destination was accepted";
  } catch (const drkit::StepError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not-mounted: No such file or directory (ENOENT)"));
    EXPECT_EQ(e.code(), "share.destination");
  }
}

TEST_F(CopyBackupsTest, ParallelCopiesOfManyFilesAllArrive) {
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) {
    names.push_back(fmt::format("log{:03}.trn", i));
    write_file(src(names.back()), 10000 + i * 977, i);
  }
  auto out = copy({{"parallel", 8}});
  EXPECT_EQ(out.at("copied").as_int64(), 40);
  EXPECT_EQ(strings_of(out.at("copied_files")), names) << "listed oldest (by name) first";
  expect_copied(names);
  EXPECT_THAT(partial_files_in(dest_.path()), IsEmpty());
}

// Past a few hundred files the share and the destination are stat'ed by several threads
// (folder_stat.cc): each file's result must still be matched to its own name.
TEST_F(CopyBackupsTest, AnIncrementalPassOverThousandsOfFilesFindsExactlyWhatIsMissingOrDiffers) {
  constexpr int kFiles = 1500;
  std::vector<std::string> expected_copied;
  for (int i = 0; i < kFiles; ++i) {
    std::string name = fmt::format("log{:05}.trn", i);
    std::size_t size = 100 + static_cast<std::size_t>(i);  // every file a size of its own
    write_file(src(name), size, i);
    if (i % 331 == 7) {
      expected_copied.push_back(name);  // missing at the destination
    } else if (i % 409 == 11) {
      write_file(dst(name), size + 1, i);  // another size: replaced
      expected_copied.push_back(name);
    } else {
      write_file(dst(name), size, i);
    }
  }
  auto out = copy();
  EXPECT_EQ(strings_of(out.at("copied_files")), expected_copied);
  EXPECT_EQ(out.at("skipped").as_int64(), kFiles - static_cast<std::int64_t>(expected_copied.size()));
  std::vector<std::string> replaced;
  for (const auto& r : out.at("replaced").as_array()) {
    replaced.emplace_back(r.at("file").as_string());
    EXPECT_EQ(r.at("destination_size").as_int64(), r.at("size").as_int64() + 1) << r.at("file");
  }
  EXPECT_THAT(replaced, ElementsAre("log00011.trn", "log00420.trn", "log00829.trn", "log01238.trn"));
  expect_copied(expected_copied);
  EXPECT_EQ(copy().at("copied").as_int64(), 0) << "a second pass finds nothing left";
}

}  // namespace
}  // namespace storage_share_test
