#include "toolauth/idp/pending_authorizations.h"

#include <gtest/gtest.h>

namespace toolauth::idp {
namespace {

class PendingAuthorizationsTest : public ::testing::Test {
 protected:
  PendingAuthorizationStore store_;
  core::Clock::time_point now_ = core::Clock::time_point(std::chrono::seconds(1'700'000'000));

  std::string start(std::string client_id = "c") {
    PendingAuthorization p;
    p.request.client_id = std::move(client_id);
    return store_.start(std::move(p), now_);
  }
};

TEST_F(PendingAuthorizationsTest, FindsALiveFlowByItsId) {
  const auto id = start("client-1");
  auto* p = store_.find(id, now_);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->request.client_id, "client-1");
  EXPECT_EQ(p->expires, now_ + kPendingLifetime);
  EXPECT_EQ(p->flow_hash.size(), 12u);
  EXPECT_EQ(store_.find("not-" + id, now_), nullptr);
  EXPECT_EQ(store_.find("", now_), nullptr);
}

TEST_F(PendingAuthorizationsTest, FlowsExpire) {
  const auto id = start();
  EXPECT_NE(store_.find(id, now_ + kPendingLifetime - std::chrono::seconds(1)), nullptr);
  EXPECT_EQ(store_.find(id, now_ + kPendingLifetime), nullptr);
  store_.purge(now_ + kPendingLifetime);
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(PendingAuthorizationsTest, CsrfTokenWorksOnce) {
  const auto id = start();
  const auto token = store_.issue_csrf_token(id);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_TRUE(store_.consume_csrf_token(id, token));
  EXPECT_FALSE(store_.consume_csrf_token(id, token));  // replayed
}

TEST_F(PendingAuthorizationsTest, WrongCsrfTokenIsRefusedAndLeavesTheRightOneUsable) {
  const auto id = start();
  const auto token = store_.issue_csrf_token(id);
  EXPECT_FALSE(store_.consume_csrf_token(id, "forged"));
  EXPECT_FALSE(store_.consume_csrf_token(id, ""));
  EXPECT_TRUE(store_.consume_csrf_token(id, token));
}

TEST_F(PendingAuthorizationsTest, ANewFormRetiresTheEarlierToken) {
  const auto id = start();
  const auto first = store_.issue_csrf_token(id);
  const auto second = store_.issue_csrf_token(id);
  EXPECT_FALSE(store_.consume_csrf_token(id, first));
  EXPECT_TRUE(store_.consume_csrf_token(id, second));
}

TEST_F(PendingAuthorizationsTest, TokenOfAnotherFlowIsRefused) {
  const auto a = start();
  const auto b = start();
  const auto token_a = store_.issue_csrf_token(a);
  store_.issue_csrf_token(b);
  EXPECT_FALSE(store_.consume_csrf_token(b, token_a));
}

TEST_F(PendingAuthorizationsTest, NoTokenBeforeAFormWasIssued) {
  const auto id = start();
  EXPECT_FALSE(store_.consume_csrf_token(id, ""));
  EXPECT_FALSE(store_.consume_csrf_token(id, "anything"));
}

TEST_F(PendingAuthorizationsTest, FinishedFlowsAreGone) {
  const auto id = start();
  const auto token = store_.issue_csrf_token(id);
  store_.finish(id);
  EXPECT_EQ(store_.find(id, now_), nullptr);
  EXPECT_FALSE(store_.consume_csrf_token(id, token));
}

TEST_F(PendingAuthorizationsTest, OldestFlowGoesWhenFull) {
  const auto first = start("first");
  for (std::size_t i = 1; i < kMaxPendingAuthorizations; ++i) start();
  EXPECT_NE(store_.find(first, now_), nullptr);
  start("one more");
  EXPECT_EQ(store_.size(), kMaxPendingAuthorizations);
  EXPECT_EQ(store_.find(first, now_), nullptr);
}

}  // namespace
}  // namespace toolauth::idp
