// How approvals, guard overrides and runs name the person behind them.
#include "operator_identity.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace drkit {
namespace {

TEST(OperatorIdentity, IsUserAtHost) {
  EXPECT_EQ(format_operator_identity(0, std::nullopt, "vm1"), "root@vm1");
  EXPECT_EQ(format_operator_identity(0, 0, "vm1"), "root@vm1");  // logged in as root itself
}

TEST(OperatorIdentity, NamesTheLoginBehindSudo) {
  // uid 1 is "daemon" on Debian; an unknown uid shows as its number.
  EXPECT_EQ(format_operator_identity(0, 1, "vm1"), "root@vm1 (login daemon)");
  EXPECT_EQ(format_operator_identity(0, 4242424, "vm1"), "root@vm1 (login 4242424)");
}

TEST(OperatorIdentity, ThisProcessStartsWithItsAccountAndHost) {
  std::string me = operator_identity();
  EXPECT_EQ(me.rfind(format_operator_identity(::getuid(), std::nullopt, host_name()), 0), 0u) << me;
}

}  // namespace
}  // namespace drkit
