#include "toolauth/http/sse.h"

#include <gtest/gtest.h>

namespace toolauth::http {
namespace {

TEST(SseTest, FormatsMultilineDataAsSeparateFields) {
  EXPECT_EQ(format_sse_event({.data = "a\nb", .event = "message", .id = "7"}),
            "id: 7\nevent: message\ndata: a\ndata: b\n\n");
  EXPECT_EQ(format_sse_event({.data = "", .retry_ms = 100}), "retry: 100\ndata: \n\n");
}

TEST(SseTest, ParserReassemblesEventsSplitAcrossChunks) {
  SseParser parser;
  EXPECT_TRUE(parser.feed("id: 1\nevent: mess").empty());
  auto events = parser.feed("age\ndata: {\"a\":\ndata: 1}\n\n: keep-alive\n\ndata: x\r\n\r");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "1");
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[0].data, "{\"a\":\n1}");
  EXPECT_EQ(events[1].data, "x");
  EXPECT_EQ(parser.last_event_id(), "1");
  EXPECT_TRUE(parser.feed("\n").empty());  // the \n of the split \r\n is not another line
}

TEST(SseTest, RoundTripsFormattedEvents) {
  SseParser parser;
  std::string stream;
  for (int i = 0; i < 3; ++i) {
    stream +=
        format_sse_event({.data = "line " + std::to_string(i) + "\nmore", .id = std::to_string(i)});
  }
  auto events = parser.feed(stream);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].data, "line 2\nmore");
  EXPECT_EQ(parser.last_event_id(), "2");
}

TEST(SseTest, IgnoresBomUnknownFieldsAndEventsWithoutData) {
  SseParser parser;
  auto events = parser.feed("\xEF\xBB\xBFunknown: x\nevent: e\n\nretry: abc\ndata\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "");
  EXPECT_EQ(events[0].retry_ms, -1);
}

}  // namespace
}  // namespace toolauth::http
