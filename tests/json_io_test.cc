// JSON without exceptions: parse errors as statuses naming the source, writing that never
// throws, typed field lookups that treat null and mistyped fields as absent.
#include "core/util/json_io.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <vector>

namespace core {
namespace {

using nlohmann::ordered_json;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(JsonIoTest, ParseErrorsNameTheSource) {
  const absl::StatusOr<ordered_json> truncated = ParseJson(R"({"a":)", "runs/x/metrics.jsonl:7");
  EXPECT_TRUE(absl::IsDataLoss(truncated.status()));
  EXPECT_THAT(truncated.status().message(), HasSubstr("runs/x/metrics.jsonl:7: not JSON: "));
  // Out of a double's range: nlohmann throws out_of_range, not parse_error.
  EXPECT_TRUE(absl::IsDataLoss(ParseJson(R"({"a":1e999})", "x").status()));
  EXPECT_TRUE(absl::IsDataLoss(ParseJson("", "x").status()));
  EXPECT_TRUE(absl::IsNotFound(ReadJsonFile("/nonexistent/status.json").status()));
}

TEST(JsonIoTest, ReadsAFileKeepingTheKeyOrder) {
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/cell.json";
  std::ofstream(path) << R"({"axes":{"z":"1","a":"2"}})"
                      << "\n";
  const absl::StatusOr<ordered_json> json = ReadJsonFile(path);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(DumpJson(*json), R"({"axes":{"z":"1","a":"2"}})");
}

TEST(JsonIoTest, DumpsNonFiniteAsNullAndBadUtf8AsReplacement) {
  ordered_json json;
  json["name"] = "po\"st\n";
  json["values"] = std::vector<double>{0.5, std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::infinity()};
  json["count"] = 3;
  json["bytes"] = std::string("a\xff");
  EXPECT_EQ(DumpJson(json),
            "{\"name\":\"po\\\"st\\n\",\"values\":[0.5,null,null],\"count\":3,"
            "\"bytes\":\"a\xef\xbf\xbd\"}");
  EXPECT_EQ(DumpJson(ordered_json{{"a", 1}}, 2), "{\n  \"a\": 1\n}");
}

TEST(JsonIoTest, FieldsOfTheWrongTypeOrNullAreAbsent) {
  const ordered_json json = ordered_json::parse(
      R"({"loss":4.5,"updates":40,"state":"done","bleu":null,"epoch":2.0,"name":7})");
  EXPECT_THAT(JsonNumber(json, "loss"), Optional(4.5));
  EXPECT_THAT(JsonNumber(json, "updates"), Optional(40.0));
  EXPECT_EQ(JsonNumber(json, "bleu"), std::nullopt);
  EXPECT_EQ(JsonNumber(json, "missing"), std::nullopt);
  EXPECT_EQ(JsonNumber(json, "state"), std::nullopt);
  EXPECT_THAT(JsonInteger(json, "updates"), Optional(40));
  EXPECT_EQ(JsonInteger(json, "epoch"), std::nullopt);
  EXPECT_THAT(JsonString(json, "state"), Optional(std::string("done")));
  EXPECT_EQ(JsonString(json, "name"), std::nullopt);
  EXPECT_EQ(JsonString(ordered_json::array({1, 2}), "state"), std::nullopt);
}

}  // namespace
}  // namespace core
