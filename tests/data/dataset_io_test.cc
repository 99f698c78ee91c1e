#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "data/dataset.h"
#include "data/test_util.h"

namespace kairos {
namespace {

DatasetParts tiny_parts() {
  DatasetParts p;
  p.split = SplitKind::kTemporal;
  p.item_names = {"", "apple", "pear", "plum"};
  p.category_names = {"", "fruit"};
  p.item_category = {0, 1, 1, 0};
  p.offsets = {0, 3, 5, 7};
  p.users = {1, 2, 1};
  p.items = {1, 2, 3, 2, 2, 1, 3};
  p.types = {0, 1, 0, 0, 3, 0, 0};
  p.ts = {10, 20, 30, 40, 50, 60, 70};
  p.num_train = 1;
  p.num_valid = 1;
  p.num_test = 1;
  p.num_users = 2;
  p.stats_json = R"({"ok":true})";
  return p;
}

TEST(Dataset, SplitsAreContiguousRanges) {
  const Dataset d = Dataset::from_parts(tiny_parts());
  EXPECT_EQ(d.train().size(), 1u);
  EXPECT_EQ(d.valid().size(), 1u);
  EXPECT_EQ(d.train_full().size(), 2u);
  ASSERT_EQ(d.test().size(), 1u);
  EXPECT_EQ(d.test()[0].items[0], 1u);
  EXPECT_EQ(d.valid()[0].types[1], 3u);
  EXPECT_EQ(d.num_items(), 4u);
  EXPECT_EQ(d.items().find("pear"), 2u);
  EXPECT_EQ(d.items().find("kiwi"), 0u);
}

TEST(Dataset, LeaveOneOutViewsDropTrailingEvents) {
  DatasetParts p = tiny_parts();
  p.split = SplitKind::kLeaveOneOut;
  p.num_train = p.num_valid = p.num_test = 3;
  const Dataset d = Dataset::from_parts(std::move(p));
  EXPECT_EQ(d.train()[0].size(), 1u);
  EXPECT_EQ(d.valid()[0].size(), 2u);
  EXPECT_EQ(d.train_full()[0].size(), 2u);
  EXPECT_EQ(d.test()[0].size(), 3u);
  EXPECT_EQ(d.train()[1].size(), 0u);  // a 2-event sequence keeps nothing for training
}

TEST(Dataset, SaveLoadRoundTrip) {
  test::TempDir dir;
  const Dataset d = Dataset::from_parts(tiny_parts());
  const std::string fingerprint = d.save(dir.file("dataset.kds"));
  const Dataset e = Dataset::load(dir.path().string());  // a directory works too
  EXPECT_EQ(e.fingerprint(), fingerprint);  // what save() reports is what the file carries
  EXPECT_EQ(e.split(), SplitKind::kTemporal);
  EXPECT_EQ(e.items().names(), d.items().names());
  EXPECT_EQ(e.categories().names(), d.categories().names());
  ASSERT_EQ(e.test().size(), 1u);
  const SessionView s = e.test()[0];
  EXPECT_EQ(std::vector<uint32_t>(s.items.begin(), s.items.end()), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(s.ts_ms[1], 70);
  EXPECT_EQ(s.user, 1u);
  EXPECT_EQ(e.item_category()[2], 1u);
  EXPECT_EQ(e.stats_json(), R"({"ok":true})");
  EXPECT_EQ(e.num_users(), 2u);
  // Saving the loaded dataset again gives the same bytes (and so the same fingerprint).
  e.save(dir.file("again.kds"));
  EXPECT_EQ(Dataset::load(dir.file("again.kds")).fingerprint(), e.fingerprint());
}

// The fingerprint covers the data sections only: another prepare report, same fingerprint;
// other data, another fingerprint.
TEST(Dataset, FingerprintIgnoresThePrepareReport) {
  test::TempDir dir;
  DatasetParts p = tiny_parts();
  Dataset::from_parts(p).save(dir.file("a.kds"));
  p.stats_json = R"({"ok":true,"seconds":12.5})";
  Dataset::from_parts(p).save(dir.file("b.kds"));
  p.ts[6] = 71;
  Dataset::from_parts(p).save(dir.file("c.kds"));
  const std::string a = Dataset::load(dir.file("a.kds")).fingerprint();
  EXPECT_EQ(a.size(), 8u);
  EXPECT_EQ(Dataset::load(dir.file("b.kds")).fingerprint(), a);
  EXPECT_NE(Dataset::load(dir.file("c.kds")).fingerprint(), a);
}

// Version 1 files (no fingerprint section) stay loadable, identified by their file CRC as before.
TEST(Dataset, VersionOneFilesKeepTheirFileChecksumFingerprint) {
  test::TempDir dir;
  Dataset::from_parts(tiny_parts()).save(dir.file("dataset.kds"));
  std::fstream f(dir.file("dataset.kds"), std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(8);
  f.put('\x01');
  f.seekg(16);
  unsigned char crc[4];
  f.read(reinterpret_cast<char*>(crc), 4);
  f.close();
  const std::string expected =
      fmt::format("{:02x}{:02x}{:02x}{:02x}", crc[3], crc[2], crc[1], crc[0]);
  EXPECT_EQ(Dataset::load(dir.file("dataset.kds")).fingerprint(), expected);
}

TEST(Dataset, DetectsCorruption) {
  test::TempDir dir;
  Dataset::from_parts(tiny_parts()).save(dir.file("dataset.kds"));
  std::fstream f(dir.file("dataset.kds"), std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  const auto size = static_cast<std::streamoff>(f.tellg());
  f.seekp(size - 20);
  f.put('\x7f');
  f.close();
  try {
    Dataset::load(dir.file("dataset.kds"));
    FAIL() << "corruption not detected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos) << e.what();
  }
}

TEST(Dataset, RefusesOtherFilesAndVersions) {
  test::TempDir dir;
  std::ofstream(dir.file("x.kds")) << "user,item\n1,2\n";
  EXPECT_THROW(Dataset::load(dir.file("x.kds")), Error);
  Dataset::from_parts(tiny_parts()).save(dir.file("dataset.kds"));
  std::fstream f(dir.file("dataset.kds"), std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(8);
  f.put('\x09');  // version 9
  f.close();
  try {
    Dataset::load(dir.file("dataset.kds"));
    FAIL() << "version mismatch not detected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("version"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Dataset::load(dir.file("missing.kds")), Error);
}

TEST(Dataset, RejectsInconsistentParts) {
  DatasetParts p = tiny_parts();
  p.items[0] = 7;  // out of vocabulary
  EXPECT_THROW(Dataset::from_parts(std::move(p)), Error);
  DatasetParts q = tiny_parts();
  q.num_test = 5;
  EXPECT_THROW(Dataset::from_parts(std::move(q)), Error);
}

TEST(Dataset, StaysCompactOnDisk) {
  test::TempDir dir;
  DatasetParts p;
  p.item_names = {"", "a", "b"};
  p.category_names = {""};
  p.item_category = {0, 0, 0};
  const int kSessions = 10000, kLen = 5;
  for (int s = 0; s < kSessions; ++s) {
    for (int i = 0; i < kLen; ++i) {
      p.items.push_back(1 + (i % 2));
      p.types.push_back(0);
      p.ts.push_back(s * 100 + i);
    }
    p.offsets.push_back(p.items.size());
    p.users.push_back(0);
  }
  p.num_train = kSessions;
  Dataset::from_parts(std::move(p)).save(dir.file("d.kds"));
  const double bytes_per_event =
      static_cast<double>(std::filesystem::file_size(dir.file("d.kds"))) / (kSessions * kLen);
  EXPECT_LE(bytes_per_event, 16.0);
}

}  // namespace
}  // namespace kairos
