#include "toolauth/core/log.h"

#include <gtest/gtest.h>

#include <sstream>

#include "toolauth/core/clock.h"

namespace toolauth::core {
namespace {

TEST(LogTest, TextLinesCarryTimeLevelComponentAndFields) {
  std::ostringstream out;
  ManualClock clock;
  Logger logger({LogLevel::info, LogFormat::text}, &out, &clock);
  logger.with_component("idp").info("token issued", {{"client_id", "app"}, {"n", 2}});
  EXPECT_EQ(out.str(), "2023-11-14T22:13:20.000Z info [idp] token issued client_id=app n=2\n");
}

TEST(LogTest, LevelsBelowTheThresholdAreDropped) {
  std::ostringstream out;
  Logger logger({LogLevel::warn, LogFormat::text}, &out);
  logger.info("quiet");
  logger.debug("quiet");
  EXPECT_EQ(out.str(), "");
  logger.error("loud");
  EXPECT_NE(out.str().find("loud"), std::string::npos);
}

TEST(LogTest, JsonLinesAreOneObjectPerLine) {
  std::ostringstream out;
  ManualClock clock;
  Logger logger({LogLevel::info, LogFormat::json_lines}, &out, &clock);
  logger.with_component("mcp").warn("denied", {{"reason", "expired token"}});
  const auto line = nlohmann::json::parse(out.str());
  EXPECT_EQ(line["level"], "warn");
  EXPECT_EQ(line["component"], "mcp");
  EXPECT_EQ(line["msg"], "denied");
  EXPECT_EQ(line["reason"], "expired token");
  EXPECT_EQ(line["ts"], "2023-11-14T22:13:20.000Z");
}

TEST(LogTest, SecretsHandedToTheLoggerAreNeverPrinted) {
  std::ostringstream out;
  Logger logger({LogLevel::trace, LogFormat::json_lines}, &out);
  logger.info("client_secret=hunter2 in message", {{"client_secret", "hunter2"},
                                                   {"header", "Bearer opaque-token-abc"},
                                                   {"url", "/cb?code=the-code&state=s"}});
  const std::string text = out.str();
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_EQ(text.find("opaque-token-abc"), std::string::npos) << text;
  EXPECT_EQ(text.find("the-code"), std::string::npos) << text;
  EXPECT_NE(text.find("state=s"), std::string::npos) << text;
}

TEST(LogTest, ParseLogLevel) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("loud"), std::nullopt);
}

}  // namespace
}  // namespace toolauth::core
