#include "toolauth/core/json.h"

#include <gtest/gtest.h>

#include <string>

namespace toolauth::core {
namespace {

TEST(JsonTest, ParsesValidDocuments) {
  auto r = parse_json(R"({"a": [1, 2, {"b": "c"}]})");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)["a"][2]["b"], "c");
}

TEST(JsonTest, SyntaxErrorsNameLineAndColumn) {
  auto r = parse_json("{\n  \"a\": 1,\n  \"b\": }\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::parse_error);
  EXPECT_NE(r.error().detail.find("line 3, column 8"), std::string::npos) << r.error().detail;
}

TEST(JsonTest, DeeplyNestedDocumentIsRefusedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = parse_json(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::limit_exceeded);
}

TEST(JsonTest, BracketsInsideStringsDoNotCountTowardsDepth) {
  const std::string text = "{\"s\": \"" + std::string(200, '[') + "\\\"\"}";
  EXPECT_TRUE(parse_json(text).ok());
}

TEST(JsonTest, OversizedDocumentIsRefused) {
  EXPECT_EQ(parse_json("[1, 2, 3]", {.max_depth = 4, .max_bytes = 4}).code(), Errc::limit_exceeded);
}

TEST(JsonTest, DuplicateKeysAreRefused) {
  auto r = parse_json(R"({"aud": "a", "aud": "b"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::parse_error);
  EXPECT_NE(r.error().detail.find("duplicate object key \"aud\""), std::string::npos);
  EXPECT_TRUE(parse_json(R"([{"k": 1}, {"k": 2}])").ok());
}

TEST(JsonTest, InvalidUtf8IsRefused) {
  EXPECT_EQ(parse_json("{\"k\": \"\xff\xfe\"}").code(), Errc::parse_error);
  EXPECT_EQ(parse_json("\"\xc3\x28\"").code(), Errc::parse_error);
}

// Found by fuzz/jsonrpc_parse (corpus/jsonrpc_parse/crash_number_overflow): nlohmann throws
// out_of_range for these, which escaped parse_json and reached whoever parsed a request body.
TEST(JsonTest, NumberBeyondDoubleRangeIsAParseError) {
  for (const char* text : {"999E994", "[1e999]", "{\"exp\": -1.5e400}"}) {
    auto r = parse_json(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.code(), Errc::parse_error) << text;
    EXPECT_NE(r.error().detail.find("number overflow"), std::string::npos) << r.error().detail;
  }
  EXPECT_TRUE(parse_json("[1.7976931348623157e308, 4.9e-324, 1e-999]").ok());
}

}  // namespace
}  // namespace toolauth::core
