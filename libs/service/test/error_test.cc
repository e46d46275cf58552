#include "toolauth/service/error.h"

#include <gtest/gtest.h>

#include "toolauth/core/result.h"

namespace toolauth::service {
namespace {

TEST(ServiceErrorTest, CodesCompareByEnumeratorAndNameTheirDomain) {
  const std::error_code code = Errc::invalid_rule;
  EXPECT_EQ(code, Errc::invalid_rule);
  EXPECT_NE(code, Errc::invalid_query);
  EXPECT_STREQ(code.category().name(), "toolauth.service");
  EXPECT_EQ(code.message(), "invalid fault rule");
}

TEST(ServiceErrorTest, EveryEnumeratorHasItsOwnMessage) {
  for (int i = static_cast<int>(Errc::storage_error); i <= static_cast<int>(Errc::invalid_document);
       ++i) {
    EXPECT_NE(error_message(static_cast<Errc>(i)), "unknown service error") << i;
  }
}

TEST(ServiceErrorTest, ResultCarriesDetail) {
  core::Result<int> r(Errc::storage_error, "database is locked");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::storage_error);
  EXPECT_EQ(r.error().message(), "storage error: database is locked");
}

}  // namespace
}  // namespace toolauth::service
