// How a server error reads: sqlcmd's "Msg n, Level l, State s" with what the driver did not
// give left out (never shown as 0), and the JSON form used in step outputs.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sql_error.hpp"

namespace drkit::sqlserver {
namespace {

TEST(Diagnostic, NamesClassAndStateLikeSqlcmd) {
  Diagnostic d{"42000", 4305, 1, 16, "The log in this backup set begins at LSN 42."};
  EXPECT_EQ(d.describe(), "Msg 4305, Level 16, State 1: The log in this backup set begins at LSN 42.");
}

TEST(Diagnostic, LeavesOutAStateTheDriverDidNotGive) {
  Diagnostic d{"42000", 3201, std::nullopt, 16, "Cannot open backup device 'x'."};
  EXPECT_EQ(d.describe(), "Msg 3201, Level 16: Cannot open backup device 'x'.");
}

TEST(Diagnostic, ShowsTheSqlstateWhenTheClassIsUnknown) {
  Diagnostic d{"42S02", 208, std::nullopt, std::nullopt, "Invalid object name 't'."};
  EXPECT_EQ(d.describe(), "Msg 208, SQLSTATE 42S02: Invalid object name 't'.");
  Diagnostic driver{"HYT00", 0, std::nullopt, std::nullopt, "Timeout expired"};
  EXPECT_EQ(driver.describe(), "SQLSTATE HYT00: Timeout expired");
}

TEST(Diagnostic, JsonHasNullForWhatIsUnknown) {
  Diagnostic d{"42000", 3203, std::nullopt, 16, "Read on 'x' failed."};
  auto j = d.to_json();
  EXPECT_EQ(j.at("number").as_int64(), 3203);
  EXPECT_EQ(j.at("class").as_int64(), 16);
  EXPECT_TRUE(j.at("state").is_null());
  EXPECT_EQ(j.at("sqlstate").as_string(), "42000");
}

TEST(SqlError, ListsEveryErrorCauseFirstAndSpotsFatalClasses) {
  SqlError e({{"42000", 3201, std::nullopt, 16, "Cannot open backup device 'x'."},
              {"42000", 3013, std::nullopt, 16, "RESTORE LOG is terminating abnormally."}},
             {}, "RESTORE LOG");
  EXPECT_STREQ(e.what(),
               "RESTORE LOG: Msg 3201, Level 16: Cannot open backup device 'x'.; "
               "Msg 3013, Level 16: RESTORE LOG is terminating abnormally.");
  EXPECT_EQ(e.primary().number, 3201);
  EXPECT_FALSE(e.link_failure());
  // Class 20 and above: the server closes the connection.
  SqlError fatal({{"HY000", 7105, std::nullopt, 22, "fatal"}}, {}, "");
  EXPECT_TRUE(fatal.link_failure());
}

}  // namespace
}  // namespace drkit::sqlserver
