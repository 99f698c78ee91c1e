// The torch-free parsing of an artifact's meta.json and items.tsv (models/artifact_text.h): every
// malformed input is a kairos::Error naming the file, never a library exception.
#include "models/artifact_text.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/error.h"

namespace kairos {
namespace {

constexpr const char* kMeta =
    R"({"format":"kairos-model","format_version":1,"model":"pop","dataset":{"num_items":3}})";

void expect_input_error(const std::function<void()>& f, const std::string& part) {
  try {
    f();
    FAIL() << "expected an error containing " << part;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(ArtifactText, ParsesMetaAndItems) {
  EXPECT_EQ(artifact_num_items(parse_artifact_meta(kMeta, "m")), 3u);
  const ItemTable t =
      parse_items_tsv("item_id\tindex\tcategory\tcount\nb\t1\tc\t7\nd\t2\t\n", 3, "m");
  EXPECT_EQ(t.names, (std::vector<std::string>{"", "b", "d"}));
  EXPECT_EQ(t.categories, (std::vector<std::string>{"", "c", ""}));
  EXPECT_EQ(t.counts, (std::vector<uint64_t>{0, 7, 0}));
}

TEST(ArtifactText, WrongJsonTypesAreInputErrors) {
  expect_input_error([] { parse_artifact_meta(R"({"format":5})", "m"); }, "m/meta.json");
  expect_input_error(
      [] { parse_artifact_meta(R"({"format":"kairos-model","format_version":"1"})", "m"); },
      "format version");
  expect_input_error(
      [] {
        parse_artifact_meta(
            R"({"format":"kairos-model","format_version":1,"model":"pop","dataset":{"num_items":"3"}})",
            "m");
      },
      "num_items");
  expect_input_error(
      [] {
        parse_artifact_meta(
            R"({"format":"kairos-model","format_version":1,"model":"pop","dataset":7})", "m");
      },
      "catalogue size");
}

TEST(ArtifactText, BadItemRowsAreInputErrors) {
  expect_input_error([] { parse_items_tsv("h\nb\t1\tc\t99999999999999999999999\n", 2, "m"); },
                     "count");
  expect_input_error([] { parse_items_tsv("h\nb\x01\t1\tc\n", 2, "m"); },
                     "item id: control character");
  expect_input_error([] { parse_items_tsv("h\nb\t1\t\xff\n", 2, "m"); },
                     "category id: invalid UTF-8");
  expect_input_error([] { parse_items_tsv("h\nb\t2\tc\n", 3, "m"); }, "out of sequence");
  expect_input_error([] { parse_items_tsv("h\nb\t1\tc\nd\t2\tc\n", 2, "m"); }, "more than");
  expect_input_error([] { parse_items_tsv("h\nb\t1\tc\n", 3, "m"); }, "lists 2 items");
}

}  // namespace
}  // namespace kairos
