#include "toolauth/emulator/foundry_features.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

http::Request with_features(std::initializer_list<std::string> values) {
  http::Request request;
  for (const auto& v : values) request.headers.add("Foundry-Features", v);
  return request;
}

TEST(FoundryFeaturesTest, FindsTheFeatureInAListOrAmongRepeatedHeaders) {
  EXPECT_TRUE(has_foundry_feature(with_features({"Toolboxes=V1Preview"}), kToolboxesPreview));
  EXPECT_TRUE(has_foundry_feature(with_features({"HostedAgents=V1Preview, toolboxes=v1preview"}),
                                  kToolboxesPreview));
  EXPECT_TRUE(has_foundry_feature(with_features({"HostedAgents=V1Preview", "Toolboxes=V1Preview"}),
                                  kToolboxesPreview));
  EXPECT_FALSE(require_foundry_feature(with_features({"Toolboxes=V1Preview"}), kToolboxesPreview));
}

TEST(FoundryFeaturesTest, MissingOrDifferentFeatureIsRefusedNamingTheHeader) {
  for (auto request : {with_features({}), with_features({"HostedAgents=V1Preview"}),
                       with_features({"Toolboxes=V2Preview"}), with_features({"Toolboxes"})}) {
    auto refused = require_foundry_feature(request, kToolboxesPreview);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 400);
    EXPECT_EQ(refused->inner_code, "PreviewFeatureRequired");
    EXPECT_EQ(refused->param, "Foundry-Features");
    EXPECT_NE(refused->message.find("Foundry-Features: Toolboxes=V1Preview"), std::string::npos);
  }
}

}  // namespace
}  // namespace toolauth::emulator
