#include "toolauth/emulator/hosted_consent_items.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

nlohmann::json data_of(const http::SseEvent& event) { return nlohmann::json::parse(event.data); }

std::vector<nlohmann::json> one_item() {
  return {oauth_consent_request_item("https://emulator/oauth/consent/oauthreq_1", "tools")};
}

TEST(HostedConsentItemsTest, ItemHasTheHostedEmitterShape) {
  auto item = oauth_consent_request_item("https://e/oauth/consent/x", "label");
  EXPECT_EQ(item["type"], "oauth_consent_request");
  const auto id = item["id"].get<std::string>();
  EXPECT_TRUE(id.starts_with("oacr_"));
  EXPECT_EQ(id.size(), 5u + 50u);
  EXPECT_EQ(item["created_by"], nlohmann::json::object());
  EXPECT_EQ(item["consent_link"], "https://e/oauth/consent/x");
  EXPECT_EQ(item["server_label"], "label");
  EXPECT_NE(oauth_consent_request_item("l", "s")["id"], item["id"]);
}

TEST(HostedConsentItemsTest, JsonAnswerGetsTheItemsAndBecomesIncomplete) {
  const nlohmann::json answer = {
      {"id", "resp_1"}, {"status", "completed"}, {"output", {{{"type", "message"}}}}};
  const auto items = one_item();
  auto out = nlohmann::json::parse(with_consent_items(answer.dump(), items));
  EXPECT_EQ(out["status"], "incomplete");
  ASSERT_EQ(out["output"].size(), 2u);
  EXPECT_EQ(out["output"][0]["type"], "message");
  EXPECT_EQ(out["output"][1], items[0]);
}

TEST(HostedConsentItemsTest, NothingToInsertOrNotAnObjectLeavesTheBodyAlone) {
  EXPECT_EQ(with_consent_items(std::string("{\"status\":\"completed\"}"), {}),
            "{\"status\":\"completed\"}");
  EXPECT_EQ(with_consent_items(std::string("not json"), one_item()), "not json");
  EXPECT_EQ(with_consent_items(std::string("[1]"), one_item()), "[1]");
}

TEST(HostedConsentItemsTest, StreamGetsAddedAndDoneBeforeTheTerminalWhichBecomesIncomplete) {
  std::vector<http::SseEvent> events = {
      {.data = R"({"type":"response.created","sequence_number":0})", .event = "response.created"},
      {.data = R"({"type":"response.output_item.added","sequence_number":1,"output_index":0})",
       .event = "response.output_item.added"},
      {.data = R"({"type":"response.completed","sequence_number":2,)"
               R"("response":{"status":"completed","output":[{"type":"message"}]}})",
       .event = "response.completed"}};
  const auto items = one_item();
  auto out = with_consent_items(events, items);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[2].event, "response.output_item.added");
  EXPECT_EQ(out[3].event, "response.output_item.done");
  for (int i : {2, 3}) {
    auto d = data_of(out[i]);
    EXPECT_EQ(d["type"], out[i].event);
    EXPECT_EQ(d["output_index"], 1);
    EXPECT_EQ(d["item"], items[0]);
    EXPECT_EQ(d["sequence_number"], i);
  }
  EXPECT_EQ(out[4].event, "response.incomplete");
  auto terminal = data_of(out[4]);
  EXPECT_EQ(terminal["type"], "response.incomplete");
  EXPECT_EQ(terminal["sequence_number"], 4);
  EXPECT_EQ(terminal["response"]["status"], "incomplete");
  EXPECT_EQ(terminal["response"]["output"][1], items[0]);
}

TEST(HostedConsentItemsTest, UnnamedEventsWithoutSequenceNumbersStayThatWay) {
  std::vector<http::SseEvent> events = {{.data = R"({"type":"response.created"})"},
                                        {.data = R"({"type":"response.completed"})"}};
  auto out = with_consent_items(events, one_item());
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[1].event.empty());
  EXPECT_EQ(data_of(out[1])["type"], "response.output_item.added");
  EXPECT_FALSE(data_of(out[1]).contains("sequence_number"));
  EXPECT_EQ(data_of(out[1])["output_index"], 0);
  EXPECT_EQ(data_of(out[3])["type"], "response.incomplete");
  EXPECT_FALSE(data_of(out[3]).contains("response"));
}

TEST(HostedConsentItemsTest, FailedTerminalKeepsItsType) {
  std::vector<http::SseEvent> events = {
      {.data = R"({"type":"response.failed","response":{"status":"failed"}})",
       .event = "response.failed"}};
  auto out = with_consent_items(events, one_item());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].event, "response.failed");
  EXPECT_EQ(data_of(out[2])["response"]["status"], "failed");
}

TEST(HostedConsentItemsTest, StreamWithoutTerminalGetsTheItemsAtItsEnd) {
  std::vector<http::SseEvent> events = {
      {.data = R"({"type":"response.created","sequence_number":5})", .event = "response.created"}};
  auto out = with_consent_items(events, one_item());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].event, "response.created");
  EXPECT_EQ(data_of(out[1])["sequence_number"], 6);
  EXPECT_EQ(data_of(out[2])["sequence_number"], 7);
}

}  // namespace
}  // namespace toolauth::emulator
