#include "toolauth/jsonrpc/message.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace toolauth::jsonrpc {
namespace {

using nlohmann::json;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Id round_trip(const Id& id) {
  auto back = id_from_json(json::parse(serialize(id_to_json(id))));
  EXPECT_TRUE(back.ok()) << back.error().message();
  return back.ok() ? *back : Id{};
}

TEST(MessageTest, IntegerIdsRoundTripAcrossTheInt64Range) {
  for (std::int64_t n : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, kMax, kMin,
                         std::int64_t{9007199254740993}}) {  // 2^53 + 1: not a double
    EXPECT_EQ(round_trip(Id{n}), Id{n}) << n;
  }
  EXPECT_EQ(serialize(id_to_json(Id{kMax})), "9223372036854775807");
  EXPECT_EQ(serialize(id_to_json(Id{kMin})), "-9223372036854775808");
}

TEST(MessageTest, NumericLookingStringIdsStayStrings) {
  const Id text{std::string("1")};
  const Id number{std::int64_t{1}};
  EXPECT_NE(text, number);
  EXPECT_EQ(round_trip(text), text);
  EXPECT_EQ(round_trip(number), number);
  EXPECT_EQ(serialize(id_to_json(text)), "\"1\"");
  EXPECT_EQ(serialize(id_to_json(number)), "1");
  EXPECT_EQ(id_to_string(text), "\"1\"");
  EXPECT_EQ(id_to_string(number), "1");
  EXPECT_EQ(round_trip(Id{std::string()}), Id{std::string()});
}

TEST(MessageTest, IdFromJsonRejectsNull) {
  EXPECT_EQ(id_from_json(json(nullptr)).code(), Errc::null_id);
}

TEST(MessageTest, IdFromJsonRejectsFractionalNumbers) {
  EXPECT_EQ(id_from_json(json::parse("1.5")).code(), Errc::bad_id);
  EXPECT_EQ(id_from_json(json::parse("1.0")).code(), Errc::bad_id);
  EXPECT_EQ(id_from_json(json::parse("1e3")).code(), Errc::bad_id);
}

TEST(MessageTest, IdFromJsonRejectsIntegersBeyondInt64) {
  EXPECT_EQ(id_from_json(json::parse("9223372036854775808")).code(), Errc::bad_id);
  EXPECT_EQ(id_from_json(json::parse("18446744073709551615")).code(), Errc::bad_id);
  EXPECT_EQ(id_from_json(json::parse("-9223372036854775809")).code(), Errc::bad_id);
}

TEST(MessageTest, IdFromJsonRejectsBooleansObjectsAndArrays) {
  EXPECT_EQ(id_from_json(json(true)).code(), Errc::bad_id);
  EXPECT_EQ(id_from_json(json::object()).code(), Errc::bad_id);
  EXPECT_EQ(id_from_json(json::array({1})).code(), Errc::bad_id);
}

TEST(MessageTest, RequestSerialisesOnlyThePresentMembers) {
  const Request call{.method = "tools/list", .params = json::object(), .id = Id{std::int64_t{7}}};
  EXPECT_EQ(to_json(call), R"({"jsonrpc":"2.0","method":"tools/list","params":{},"id":7})"_json);
  EXPECT_FALSE(call.is_notification());

  const Request note{.method = "notifications/initialized"};
  EXPECT_EQ(to_json(note), R"({"jsonrpc":"2.0","method":"notifications/initialized"})"_json);
  EXPECT_TRUE(note.is_notification());

  const Request null_id{.method = "m", .null_id = true};
  EXPECT_EQ(to_json(null_id), R"({"jsonrpc":"2.0","method":"m","id":null})"_json);
  EXPECT_FALSE(null_id.is_notification());
}

TEST(MessageTest, ResponseCarriesResultOrError) {
  const Response ok{.id = Id{std::string("a")}, .outcome = json{{"tools", json::array()}}};
  EXPECT_FALSE(ok.is_error());
  EXPECT_EQ(to_json(ok), R"({"jsonrpc":"2.0","id":"a","result":{"tools":[]}})"_json);

  const Response failed{.id = Id{std::int64_t{3}}, .outcome = invalid_params()};
  EXPECT_TRUE(failed.is_error());
  EXPECT_EQ(failed.error().code, kInvalidParams);
  EXPECT_EQ(to_json(failed),
            R"({"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Invalid params"}})"_json);
}

TEST(MessageTest, NullResultIsStillAResult) {
  const Response ok{.id = Id{std::int64_t{1}}, .outcome = json(nullptr)};
  EXPECT_EQ(to_json(ok), R"({"jsonrpc":"2.0","id":1,"result":null})"_json);
}

TEST(MessageTest, ParseErrorResponseHasTheSpecShape) {
  const Response r{.id = std::nullopt, .outcome = parse_error()};
  EXPECT_EQ(to_json(r),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})"_json);
}

TEST(MessageTest, InvalidRequestResponseHasTheSpecShape) {
  const Response r{.id = std::nullopt, .outcome = invalid_request()};
  EXPECT_EQ(serialize(r),
            R"({"error":{"code":-32600,"message":"Invalid Request"},"id":null,"jsonrpc":"2.0"})");
}

TEST(MessageTest, SerialiseReplacesInvalidUtf8InsteadOfThrowing) {
  const Response r{.id = Id{std::int64_t{1}}, .outcome = json("bad \xff byte")};
  std::string text;
  ASSERT_NO_THROW(text = serialize(r));
  EXPECT_NE(text.find("bad \xef\xbf\xbd byte"), std::string::npos) << text;
}

TEST(MessageTest, SerialiseIsCompact) {
  EXPECT_EQ(serialize(Request{.method = "ping", .id = Id{std::int64_t{1}}}),
            R"({"id":1,"jsonrpc":"2.0","method":"ping"})");
}

}  // namespace
}  // namespace toolauth::jsonrpc
