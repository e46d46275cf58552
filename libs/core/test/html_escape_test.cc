#include "toolauth/core/html_escape.h"

#include <gtest/gtest.h>

namespace toolauth::core {
namespace {

TEST(HtmlEscapeTest, MarkupAndQuotesBecomeEntities) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(HtmlEscapeTest, OtherBytesAreKept) {
  EXPECT_EQ(html_escape("plain text, ü and \t"), "plain text, ü and \t");
  EXPECT_EQ(html_escape(""), "");
}

}  // namespace
}  // namespace toolauth::core
