// Request decoding: every malformed body is a 4xx with a reason; batches keep the good events.
#include "serve/api_request.h"

#include <gtest/gtest.h>

namespace kairos {
namespace {

int status_of(const std::string& body, bool events) {
  try {
    if (events) {
      decode_events(body);
    } else {
      decode_recommend(body);
    }
  } catch (const ApiError& e) {
    EXPECT_FALSE(std::string(e.what()).empty());
    return e.status();
  }
  return 200;
}

TEST(DecodeEvents, AcceptsOneEventABatchOrAnEventsObject) {
  EXPECT_EQ(decode_events(R"({"session_id":"s","item_id":"i"})").events.size(), 1u);
  const auto b = decode_events(
      R"([{"session_id":"s","item_id":1,"type":"cart","ts":5,"event_id":"e"},{"user_id":7,"item_id":"j"}])");
  ASSERT_EQ(b.events.size(), 2u);
  EXPECT_EQ(b.events[0].second.item_id, "1");
  EXPECT_EQ(b.events[0].second.type, 1);
  EXPECT_EQ(*b.events[0].second.ts_ms, 5);
  EXPECT_EQ(b.events[1].second.key(), "user:7");
  EXPECT_EQ(decode_events(R"({"events":[{"session_id":"s","item_id":"i"}]})").events.size(), 1u);
}

TEST(DecodeEvents, RejectsBadEventsOneByOne) {
  const auto b = decode_events(
      R"([{"session_id":"s","item_id":"i"},{"item_id":"i"},{"session_id":"s"},{"session_id":"s","item_id":"i","type":"teleport"},{"session_id":"s","item_id":"i","ts":"now"},{"session_id":"s","item_id":"i","colour":"red"},{"session_id":[1],"item_id":"i"},5])");
  EXPECT_EQ(b.events.size(), 1u);
  ASSERT_EQ(b.rejected.size(), 7u);
  EXPECT_NE(b.rejected[0].reason.find("session_id or user_id"), std::string::npos);
  EXPECT_NE(b.rejected[2].reason.find("unknown type 'teleport'"), std::string::npos);
  EXPECT_NE(b.rejected[4].reason.find("unknown field 'colour'"), std::string::npos);
}

TEST(DecodeEvents, WholeBodyErrors) {
  EXPECT_EQ(status_of("{not json", true), 400);
  EXPECT_EQ(status_of("[]", true), 400);
  EXPECT_EQ(status_of("42", true), 400);
  EXPECT_EQ(status_of(R"({"events":5})", true), 400);
  std::string many = "[";
  for (int i = 0; i < 10001; ++i)
    many += std::string(i ? "," : "") + R"({"session_id":"s","item_id":"i"})";
  EXPECT_EQ(status_of(many + "]", true), 413);
}

TEST(DecodeRecommend, ReadsEveryField) {
  const auto r = decode_recommend(
      R"({"session_id":"s","k":5,"exclude_seen":true,"explain":true,"filter":{"categories":["c",3]}})");
  EXPECT_EQ(r.key(), "session:s");
  EXPECT_EQ(r.k, 5u);
  EXPECT_TRUE(r.exclude_seen && r.explain && !r.stateless);
  EXPECT_EQ(r.categories, (std::vector<std::string>{"c", "3"}));
  const auto s = decode_recommend(R"({"items":["a",2]})");
  EXPECT_TRUE(s.stateless);
  EXPECT_EQ(s.items, (std::vector<std::string>{"a", "2"}));
}

TEST(DecodeRecommend, BadRequestsAre400) {
  for (const char* body :
       {"", "[]", R"({})", R"({"session_id":"s","k":0})", R"({"session_id":"s","k":100000})",
        R"({"session_id":"s","k":"5"})", R"({"session_id":"s","explain":1})",
        R"({"session_id":"s","filter":[]})", R"({"session_id":"s","filter":{"brand":"x"}})",
        R"({"items":"a"})", R"({"items":[{}]})", R"({"session_id":"s","extra":1})"}) {
    EXPECT_EQ(status_of(body, false), 400) << body;
  }
}

}  // namespace
}  // namespace kairos
