#include "toolauth/jsonrpc/parse.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace toolauth::jsonrpc {
namespace {

using nlohmann::json;

const ParseOptions kBatches{.allow_batch = true};

// The one message of a non-batch parse, or a test failure.
template <class T>
T only(std::string_view body, const ParseOptions& options = {}) {
  Parsed parsed = parse_message(body, options);
  EXPECT_FALSE(parsed.batch) << body;
  if (parsed.messages.size() != 1 || !std::holds_alternative<T>(parsed.messages[0])) {
    ADD_FAILURE() << "unexpected parse of " << body;
    return T{};
  }
  return std::get<T>(std::move(parsed.messages[0]));
}

Invalid refused(std::string_view body, const ParseOptions& options = {}) {
  return only<Invalid>(body, options);
}

// --- accepted -------------------------------------------------------------------------

TEST(ParseTest, ParsesRequestWithObjectParams) {
  auto r = only<Request>(R"({"jsonrpc":"2.0","method":"tools/call","params":{"name":"x"},"id":1})");
  EXPECT_EQ(r.method, "tools/call");
  EXPECT_EQ(r.params, R"({"name":"x"})"_json);
  EXPECT_EQ(r.id, Id{std::int64_t{1}});
  EXPECT_FALSE(r.is_notification());
}

TEST(ParseTest, ParsesRequestWithoutParams) {
  auto r = only<Request>(R"({"jsonrpc":"2.0","method":"ping","id":"abc"})");
  EXPECT_FALSE(r.params.has_value());
  EXPECT_EQ(r.id, Id{std::string("abc")});
}

TEST(ParseTest, ParsesArrayParamsByDefault) {
  auto r = only<Request>(R"({"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1})");
  EXPECT_EQ(r.params, json::array({1, 2}));
}

TEST(ParseTest, ParsesNotification) {
  auto r = only<Request>(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_TRUE(r.is_notification());
  EXPECT_FALSE(r.null_id);
}

TEST(ParseTest, KeepsStringAndIntegerIdsApart) {
  auto text = only<Request>(R"({"jsonrpc":"2.0","method":"m","id":"1"})");
  auto number = only<Request>(R"({"jsonrpc":"2.0","method":"m","id":1})");
  EXPECT_EQ(text.id, Id{std::string("1")});
  EXPECT_EQ(number.id, Id{std::int64_t{1}});
  EXPECT_NE(text.id, number.id);
}

TEST(ParseTest, ParsesExtremeIntegerIds) {
  auto max = only<Request>(R"({"jsonrpc":"2.0","method":"m","id":9223372036854775807})");
  auto min = only<Request>(R"({"jsonrpc":"2.0","method":"m","id":-9223372036854775808})");
  EXPECT_EQ(max.id, Id{std::numeric_limits<std::int64_t>::max()});
  EXPECT_EQ(min.id, Id{std::numeric_limits<std::int64_t>::min()});
  EXPECT_EQ(serialize(max), R"({"id":9223372036854775807,"jsonrpc":"2.0","method":"m"})");
}

TEST(ParseTest, ParsesResultResponse) {
  auto r = only<Response>(R"({"jsonrpc":"2.0","id":5,"result":{"ok":true}})");
  EXPECT_EQ(r.id, Id{std::int64_t{5}});
  ASSERT_FALSE(r.is_error());
  EXPECT_EQ(r.result(), R"({"ok":true})"_json);
}

TEST(ParseTest, ParsesNullResult) {
  auto r = only<Response>(R"({"jsonrpc":"2.0","id":5,"result":null})");
  ASSERT_FALSE(r.is_error());
  EXPECT_TRUE(r.result().is_null());
}

TEST(ParseTest, ParsesErrorResponseWithData) {
  auto r = only<Response>(
      R"({"jsonrpc":"2.0","id":"q","error":{"code":-32002,"message":"Resource not found","data":{"uri":"x:/"}}})");
  ASSERT_TRUE(r.is_error());
  EXPECT_EQ(
      r.error(),
      (RpcError{.code = -32002, .message = "Resource not found", .data = R"({"uri":"x:/"})"_json}));
}

TEST(ParseTest, ParsesErrorResponseWithNullId) {
  // How a server answers a body it could not parse: a client must accept it.
  auto r = only<Response>(
      R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
  EXPECT_FALSE(r.id.has_value());
  EXPECT_EQ(r.error(), parse_error());
}

TEST(ParseTest, AcceptsNullIdRequestWhenAllowed) {
  auto r = only<Request>(R"({"jsonrpc":"2.0","method":"m","id":null})", {.allow_null_id = true});
  EXPECT_TRUE(r.null_id);
  EXPECT_FALSE(r.id.has_value());
  EXPECT_FALSE(r.is_notification());
}

TEST(ParseTest, AcceptsNullIdResultWhenAllowed) {
  auto r = only<Response>(R"({"jsonrpc":"2.0","id":null,"result":1})", {.allow_null_id = true});
  EXPECT_FALSE(r.id.has_value());
  EXPECT_EQ(r.result(), 1);
}

TEST(ParseTest, ParsesMixedBatchInOrder) {
  Parsed p = parse_message(R"([
    {"jsonrpc":"2.0","method":"a","id":1},
    {"jsonrpc":"2.0","method":"note"},
    {"jsonrpc":"2.0","id":9,"result":{}},
    {"jsonrpc":"2.0","method":1,"id":2}
  ])",
                           kBatches);
  ASSERT_TRUE(p.batch);
  ASSERT_EQ(p.messages.size(), 4u);
  EXPECT_EQ(std::get<Request>(p.messages[0]).method, "a");
  EXPECT_TRUE(std::get<Request>(p.messages[1]).is_notification());
  EXPECT_EQ(std::get<Response>(p.messages[2]).id, Id{std::int64_t{9}});
  EXPECT_EQ(std::get<Invalid>(p.messages[3]).reason.code, Errc::bad_method);
}

TEST(ParseTest, AcceptsBatchOfExactlyMaxSize) {
  const std::string body = R"([{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b"}])";
  Parsed p = parse_message(body, {.allow_batch = true, .max_batch_size = 2});
  EXPECT_TRUE(p.batch);
  EXPECT_EQ(p.messages.size(), 2u);
}

TEST(ParseTest, SingleElementBatchIsStillABatch) {
  Parsed p = parse_message(R"([{"jsonrpc":"2.0","method":"a","id":1}])", kBatches);
  EXPECT_TRUE(p.batch);
  ASSERT_EQ(p.messages.size(), 1u);
}

TEST(ParseTest, ParseValueTakesAnAlreadyParsedValue) {
  Parsed p = parse_value(R"({"jsonrpc":"2.0","id":"7","result":[]})"_json);
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(std::get<Response>(p.messages[0]).id, Id{std::string("7")});
}

TEST(ParseTest, ParseIncomingReadsOneSseEventPayload) {
  Incoming in = parse_incoming(R"({"jsonrpc":"2.0","method":"notifications/progress",
                                   "params":{"progressToken":"t","progress":1}})"_json);
  ASSERT_TRUE(std::holds_alternative<Request>(in));
  EXPECT_TRUE(std::get<Request>(in).is_notification());
}

// --- refused: the body ----------------------------------------------------------------

TEST(ParseTest, RejectsInvalidJsonWithParseErrorAndNullId) {
  // JSON-RPC 2.0 section 7, "rpc call with invalid JSON".
  auto e = refused(R"({"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz])");
  EXPECT_EQ(e.error.code, kParseError);
  EXPECT_EQ(e.reason.code, Errc::invalid_json);
  EXPECT_FALSE(e.id.has_value());
}

TEST(ParseTest, RejectsEmptyBody) {
  auto e = refused("");
  EXPECT_EQ(e.error.code, kParseError);
  EXPECT_EQ(e.reason.code, Errc::invalid_json);
}

TEST(ParseTest, RejectsInvalidJsonBatchAsOneParseError) {
  // Section 7, "rpc call Batch, invalid JSON": one error, not an array.
  Parsed p = parse_message(R"([
    {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
    {"jsonrpc": "2.0", "method"
  ])",
                           kBatches);
  EXPECT_FALSE(p.batch);
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(std::get<Invalid>(p.messages[0]).error.code, kParseError);
}

TEST(ParseTest, RejectsDuplicateKeysAsParseError) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"a","method":"b","id":1})");
  EXPECT_EQ(e.error.code, kParseError);
  EXPECT_EQ(e.reason.code, Errc::invalid_json);
  EXPECT_FALSE(e.id.has_value());
}

TEST(ParseTest, RejectsInvalidUtf8AsParseError) {
  auto e = refused("{\"jsonrpc\":\"2.0\",\"method\":\"\xff\",\"id\":1}");
  EXPECT_EQ(e.error.code, kParseError);
  EXPECT_EQ(e.reason.code, Errc::invalid_json);
}

TEST(ParseTest, RejectsOversizedBodyAsParseError) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"ping","id":1})",
                   {.limits = {.max_depth = 64, .max_bytes = 16}});
  EXPECT_EQ(e.error.code, kParseError);
  EXPECT_EQ(e.reason.code, Errc::limit_exceeded);
}

TEST(ParseTest, RejectsTooDeepParamsAsParseError) {
  const std::string body = R"({"jsonrpc":"2.0","method":"m","id":1,"params":{"a":)" +
                           std::string(100, '[') + std::string(100, ']') + "}}";
  auto e = refused(body);
  EXPECT_EQ(e.error.code, kParseError);
  EXPECT_EQ(e.reason.code, Errc::limit_exceeded);
}

TEST(ParseTest, ParseErrorDetailStaysOutOfTheResponse) {
  auto e = refused("{\"jsonrpc\":\"2.0\",\"method\":\"\xff secret\"");
  EXPECT_FALSE(e.reason.detail.empty());  // for the (redacting) log
  EXPECT_EQ(e.error, parse_error());      // the peer gets the bare code
  EXPECT_EQ(to_json(error_response(e)),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})"_json);
}

TEST(ParseTest, RejectsArrayWhenBatchesDisabled) {
  auto e = refused(R"([{"jsonrpc":"2.0","method":"ping","id":1}])");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::batch_not_allowed);
  EXPECT_FALSE(e.id.has_value());
}

TEST(ParseTest, RejectsEmptyBatch) {
  // Section 7, "rpc call with an empty Array": one Invalid Request.
  auto e = refused("[]", kBatches);
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::empty_batch);
}

TEST(ParseTest, RejectsBatchLargerThanMaxBatchSize) {
  const std::string body =
      R"([{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b"},{"jsonrpc":"2.0","method":"c"}])";
  auto e = refused(body, {.allow_batch = true, .max_batch_size = 2});
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::batch_too_large);
}

TEST(ParseTest, RejectsEachNonObjectBatchElement) {
  // Section 7, "rpc call with invalid Batch": one Invalid Request per element.
  Parsed p = parse_message("[1,2,3]", kBatches);
  ASSERT_TRUE(p.batch);
  ASSERT_EQ(p.messages.size(), 3u);
  for (const auto& m : p.messages) {
    const auto& e = std::get<Invalid>(m);
    EXPECT_EQ(e.error.code, kInvalidRequest);
    EXPECT_EQ(e.reason.code, Errc::not_an_object);
  }
}

TEST(ParseTest, RejectsNestedBatch) {
  Parsed p = parse_message(R"([[{"jsonrpc":"2.0","method":"a","id":1}]])", kBatches);
  ASSERT_TRUE(p.batch);
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(std::get<Invalid>(p.messages[0]).reason.code, Errc::not_an_object);
}

TEST(ParseTest, RejectsNonObjectMessages) {
  for (const char* body : {"1", "\"ping\"", "null", "true"}) {
    auto e = refused(body);
    EXPECT_EQ(e.error.code, kInvalidRequest) << body;
    EXPECT_EQ(e.reason.code, Errc::not_an_object) << body;
  }
}

TEST(ParseTest, ParseIncomingRejectsArray) {
  Incoming in = parse_incoming(json::array({R"({"jsonrpc":"2.0","method":"a"})"_json}));
  ASSERT_TRUE(std::holds_alternative<Invalid>(in));
  EXPECT_EQ(std::get<Invalid>(in).reason.code, Errc::not_an_object);
  EXPECT_EQ(std::get<Invalid>(in).error.code, kInvalidRequest);
}

// --- refused: the envelope ------------------------------------------------------------

TEST(ParseTest, RejectsMissingVersion) {
  auto e = refused(R"({"method":"ping","id":1})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_version);
  EXPECT_EQ(e.id, Id{std::int64_t{1}});  // readable, so echoed
}

TEST(ParseTest, RejectsVersion1_0) {
  auto e = refused(R"({"jsonrpc":"1.0","method":"ping","id":"a"})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_version);
  EXPECT_EQ(e.id, Id{std::string("a")});
}

TEST(ParseTest, RejectsNumericVersion) {
  auto e = refused(R"({"jsonrpc":2.0,"method":"ping","id":1})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_version);
}

TEST(ParseTest, RejectsUnknownTopLevelMember) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"ping","id":1,"auth":"x"})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::unknown_member);
  EXPECT_EQ(e.error.message, "Invalid Request: unknown member: \"auth\"");
  EXPECT_EQ(e.id, Id{std::int64_t{1}});
}

TEST(ParseTest, RejectsLongUnknownMemberWithoutQuotingIt) {
  const std::string key(1000, 'k');
  auto e = refused(R"({"jsonrpc":"2.0","method":"ping",")" + key + R"(":1})");
  EXPECT_EQ(e.reason.code, Errc::unknown_member);
  EXPECT_EQ(e.error.message.find(key), std::string::npos);
  EXPECT_LT(e.error.message.size(), 100u);
}

TEST(ParseTest, RejectsResultMemberInRequest) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"ping","id":1,"result":{}})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::unknown_member);
}

TEST(ParseTest, RejectsMessageWithNeitherMethodNorResult) {
  auto e = refused(R"({"jsonrpc":"2.0","id":4})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::not_a_message);
  EXPECT_EQ(e.id, Id{std::int64_t{4}});
  EXPECT_FALSE(e.looks_like_response);
}

// --- refused: requests ----------------------------------------------------------------

TEST(ParseTest, RejectsNonStringMethod) {
  // Section 7, "rpc call with invalid Request object".
  auto e = refused(R"({"jsonrpc": "2.0", "method": 1, "params": "bar"})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_method);
  EXPECT_FALSE(e.id.has_value());
  EXPECT_EQ(to_json(error_response(e))["id"], nullptr);
}

TEST(ParseTest, RejectsNullMethod) {
  auto e = refused(R"({"jsonrpc":"2.0","method":null,"id":1})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_method);
}

TEST(ParseTest, RejectsStringParams) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","params":"bar","id":3})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_params);
  EXPECT_EQ(e.id, Id{std::int64_t{3}});
}

TEST(ParseTest, RejectsNullParams) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","params":null,"id":3})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_params);
}

TEST(ParseTest, RejectsArrayParamsWhenObjectsRequired) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","params":[1],"id":3})",
                   {.params_must_be_object = true});
  EXPECT_EQ(e.error.code, kInvalidParams);
  EXPECT_EQ(e.reason.code, Errc::params_not_object);
  EXPECT_EQ(e.id, Id{std::int64_t{3}});
}

TEST(ParseTest, RejectsFractionalId) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","id":1.5})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_id);
  EXPECT_FALSE(e.id.has_value());
}

TEST(ParseTest, RejectsIntegralFloatId) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","id":1.0})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_id);
}

TEST(ParseTest, RejectsBooleanId) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","id":true})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_id);
}

TEST(ParseTest, RejectsObjectId) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","id":{"n":1}})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_id);
}

TEST(ParseTest, RejectsIdBeyondInt64) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","id":9223372036854775808})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_id);
}

TEST(ParseTest, RejectsNullIdInRequestByDefault) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","id":null})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::null_id);
  EXPECT_FALSE(e.id.has_value());
}

// --- refused: responses ---------------------------------------------------------------

TEST(ParseTest, RejectsResponseWithBothResultAndError) {
  auto e = refused(
      R"({"jsonrpc":"2.0","id":8,"result":1,"error":{"code":-32603,"message":"Internal error"}})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::result_and_error);
  EXPECT_TRUE(e.looks_like_response);
  EXPECT_EQ(e.id, Id{std::int64_t{8}});            // a client can fail its pending request 8 ...
  EXPECT_FALSE(error_response(e).id.has_value());  // ... but a server answers with null
}

TEST(ParseTest, RejectsResponseWithoutId) {
  auto e = refused(R"({"jsonrpc":"2.0","result":1})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::missing_id);
}

TEST(ParseTest, RejectsNullIdInResultResponse) {
  auto e = refused(R"({"jsonrpc":"2.0","id":null,"result":1})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::null_id);
}

TEST(ParseTest, RejectsErrorThatIsNotAnObject) {
  auto e = refused(R"({"jsonrpc":"2.0","id":1,"error":"boom"})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_error_object);
}

TEST(ParseTest, RejectsErrorWithoutCode) {
  auto e = refused(R"({"jsonrpc":"2.0","id":1,"error":{"message":"x"}})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_error_object);
}

TEST(ParseTest, RejectsErrorWithFractionalCode) {
  auto e = refused(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32600.5,"message":"x"}})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_error_object);
}

TEST(ParseTest, RejectsErrorWithCodeBeyondInt) {
  auto big = refused(R"({"jsonrpc":"2.0","id":1,"error":{"code":2147483648,"message":"x"}})");
  EXPECT_EQ(big.reason.code, Errc::bad_error_object);
  auto small = refused(R"({"jsonrpc":"2.0","id":1,"error":{"code":-2147483649,"message":"x"}})");
  EXPECT_EQ(small.reason.code, Errc::bad_error_object);
  EXPECT_EQ(small.error.code, kInvalidRequest);
}

TEST(ParseTest, RejectsErrorWithoutStringMessage) {
  auto e = refused(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":2}})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_error_object);
}

TEST(ParseTest, RejectsUnknownMemberInErrorObject) {
  auto e = refused(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m","stack":"x"}})");
  EXPECT_EQ(e.error.code, kInvalidRequest);
  EXPECT_EQ(e.reason.code, Errc::bad_error_object);
}

// --- answers to refused messages --------------------------------------------------------

TEST(ParseTest, InvalidRequestResponseEchoesAReadableId) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","params":7,"id":"req-1"})");
  EXPECT_EQ(to_json(error_response(e)),
            json::parse(R"({"jsonrpc":"2.0","id":"req-1","error":{"code":-32600,
              "message":"Invalid Request: \"params\" must be an object or an array: params is number"}})"));
}

TEST(ParseTest, InvalidRequestResponseHasNullIdWhenIdUnreadable) {
  auto e = refused(R"({"jsonrpc":"2.0","method":"m","id":[1]})");
  const json response = to_json(error_response(e));
  EXPECT_TRUE(response["id"].is_null());
  EXPECT_EQ(response["error"]["code"], kInvalidRequest);
}

TEST(ParseTest, BatchNotAllowedResponseHasTheSpecShape) {
  auto e = refused("[1]");
  const json response = to_json(error_response(e));
  EXPECT_EQ(response["jsonrpc"], "2.0");
  EXPECT_TRUE(response["id"].is_null());
  EXPECT_EQ(response["error"]["code"], kInvalidRequest);
  EXPECT_EQ(response["error"]["message"], "Invalid Request: batches are not allowed");
  EXPECT_EQ(response.size(), 3u);
}

}  // namespace
}  // namespace toolauth::jsonrpc
