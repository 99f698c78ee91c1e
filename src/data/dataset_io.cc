// The prepared-dataset file `dataset.kds` (little-endian):
//   [0,8)   magic "KAIROSDS"
//   [8,12)  format version (kDatasetVersion)
//   [12,16) number of sections
//   [16,20) CRC-32 of every byte after the 24-byte header
//   [20,24) reserved (0)
//   then a table of {u32 tag, u32 reserved, u64 offset, u64 size} per section, then the sections,
//   each starting at a multiple of 8 so that arrays can be viewed in place after mmap.
// The fingerprint (version 2) is a CRC-32 of the data sections alone, stored in its own section:
// the prepare report (timings, file names) can change without changing the fingerprint that
// artifacts record. Version 1 files have no such section; their fingerprint is the file CRC.
// Per event: item u32 + type u8 + time i64 = 13 bytes, plus 12 bytes per session (offset, user).
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "data/atomic_file.h"
#include "data/dataset.h"
#include "data/dataset_storage.h"

namespace kairos {
namespace {

constexpr char kMagic[8] = {'K', 'A', 'I', 'R', 'O', 'S', 'D', 'S'};
constexpr uint32_t kDatasetVersion = 2;
constexpr uint32_t kFileCrcFingerprintVersion = 1;  // still loadable
constexpr size_t kHeaderSize = 24;

enum Tag : uint32_t {
  kMeta = 1,
  kItemNames = 2,
  kCategoryNames = 3,
  kItemCategory = 4,
  kOffsets = 5,
  kUsers = 6,
  kItems = 7,
  kTypes = 8,
  kTimes = 9,
  kStats = 10,
  kFingerprint = 11,  // u32 CRC-32 of the data sections (every tag but kStats and kFingerprint)
};

struct SectionEntry {
  uint32_t tag;
  uint32_t reserved;
  uint64_t offset;
  uint64_t size;
};

// Names as u64 offsets[n+1] followed by the concatenated bytes.
std::string encode_names(const std::vector<std::string>& names) {
  std::vector<uint64_t> offsets{0};
  std::string bytes;
  for (const auto& n : names) {
    bytes += n;
    offsets.push_back(bytes.size());
  }
  std::string out(offsets.size() * sizeof(uint64_t), '\0');
  std::memcpy(out.data(), offsets.data(), out.size());
  return out + bytes;
}

std::vector<std::string> decode_names(std::span<const uint8_t> blob, const char* what) {
  KAIROS_CHECK(blob.size() >= sizeof(uint64_t), "dataset: {} section truncated", what);
  uint64_t first;
  std::memcpy(&first, blob.data(), sizeof(first));
  KAIROS_CHECK(first == 0, "dataset: {} section corrupt", what);
  // The offsets array ends where the bytes begin; find n from the last offset's position.
  std::vector<std::string> names;
  size_t n = 0;
  while (true) {
    KAIROS_CHECK((n + 2) * sizeof(uint64_t) <= blob.size(), "dataset: {} section corrupt", what);
    uint64_t next;
    std::memcpy(&next, blob.data() + (n + 1) * sizeof(uint64_t), sizeof(next));
    ++n;
    if ((n + 1) * sizeof(uint64_t) + next == blob.size()) break;
  }
  const uint8_t* bytes = blob.data() + (n + 1) * sizeof(uint64_t);
  names.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t b, e;
    std::memcpy(&b, blob.data() + i * sizeof(uint64_t), sizeof(b));
    std::memcpy(&e, blob.data() + (i + 1) * sizeof(uint64_t), sizeof(e));
    KAIROS_CHECK(b <= e, "dataset: {} section corrupt", what);
    names.emplace_back(reinterpret_cast<const char*>(bytes + b), e - b);
  }
  return names;
}

template <typename T>
std::span<const T> as_array(std::span<const uint8_t> bytes, const char* what) {
  KAIROS_CHECK(bytes.size() % sizeof(T) == 0, "dataset: {} section has a partial element", what);
  return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
}

std::string resolve_path(const std::string& path) {
  if (std::filesystem::is_directory(path)) return (std::filesystem::path(path) / "dataset.kds");
  return path;
}

}  // namespace

std::string Dataset::save(const std::string& path) const {
  const Storage& st = *storage_;
  const nlohmann::json meta = {{"split", std::string(split_kind_name(st.split))},
                               {"split_code", static_cast<uint32_t>(st.split)},
                               {"num_train", st.num_train},
                               {"num_valid", st.num_valid},
                               {"num_test", st.num_test},
                               {"num_users", st.num_users}};
  const std::string meta_text = meta.dump();
  const std::string item_names = encode_names(st.item_vocab.names());
  const std::string category_names = encode_names(st.category_vocab.names());
  struct Piece {
    Tag tag;
    const void* data;
    size_t size;
  };
  std::vector<Piece> pieces = {
      {kMeta, meta_text.data(), meta_text.size()},
      {kItemNames, item_names.data(), item_names.size()},
      {kCategoryNames, category_names.data(), category_names.size()},
      {kItemCategory, st.item_category.data(), st.item_category.size_bytes()},
      {kOffsets, st.offsets.data(), st.offsets.size_bytes()},
      {kUsers, st.users.data(), st.users.size_bytes()},
      {kItems, st.items.data(), st.items.size_bytes()},
      {kTypes, st.types.data(), st.types.size_bytes()},
      {kTimes, st.ts.data(), st.ts.size_bytes()},
      {kStats, st.stats_json.data(), st.stats_json.size()},
  };
  // Each piece's bytes are checksummed once; the two checksums below are stitched from these.
  std::vector<uint32_t> piece_crc(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    piece_crc[i] = crc32_update(0, pieces[i].data, pieces[i].size);
  }
  // The fingerprint: each data section's tag, size and bytes, so that moving bytes between
  // sections changes it.
  uint32_t fingerprint = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].tag == kStats) continue;
    const uint64_t tag_and_size[2] = {pieces[i].tag, pieces[i].size};
    fingerprint = crc32_update(fingerprint, tag_and_size, sizeof(tag_and_size));
    fingerprint = crc32_concat(fingerprint, piece_crc[i], pieces[i].size);
  }
  pieces.push_back({kFingerprint, &fingerprint, sizeof(fingerprint)});
  piece_crc.push_back(crc32_update(0, &fingerprint, sizeof(fingerprint)));
  std::vector<SectionEntry> table(pieces.size());
  uint64_t offset = kHeaderSize + table.size() * sizeof(SectionEntry);
  for (size_t i = 0; i < pieces.size(); ++i) {
    offset = (offset + 7) & ~uint64_t{7};
    table[i] = {pieces[i].tag, 0, offset, pieces[i].size};
    offset += pieces[i].size;
  }
  AtomicFile file(resolve_path(path));
  char header[kHeaderSize] = {};
  file.write(header, kHeaderSize);
  // The file checksum: everything after the header, padding included.
  uint32_t crc = crc32_update(0, table.data(), table.size() * sizeof(SectionEntry));
  file.write(table.data(), table.size() * sizeof(SectionEntry));
  static const char kZeros[8] = {};
  for (size_t i = 0; i < pieces.size(); ++i) {
    const size_t pad = table[i].offset - file.position();
    crc = crc32_update(crc, kZeros, pad);
    file.write(kZeros, pad);
    crc = crc32_concat(crc, piece_crc[i], pieces[i].size);
    file.write(pieces[i].data, pieces[i].size);
  }
  std::memcpy(header, kMagic, 8);
  const uint32_t version = kDatasetVersion, count = static_cast<uint32_t>(table.size());
  std::memcpy(header + 8, &version, 4);
  std::memcpy(header + 12, &count, 4);
  std::memcpy(header + 16, &crc, 4);
  file.write_at(0, header, kHeaderSize);
  file.commit();
  return fmt::format("{:08x}", fingerprint);
}

Dataset Dataset::load(const std::string& path_or_dir) {
  const std::string path = resolve_path(path_or_dir);
  auto st = std::make_shared<Storage>();
  st->mapped = std::make_unique<MappedFile>(path);
  const uint8_t* base = st->mapped->data();
  const size_t size = st->mapped->size();
  KAIROS_CHECK(size >= kHeaderSize && std::memcmp(base, kMagic, 8) == 0,
               "{} is not a Kairos dataset (bad magic); run `kairos prepare` to make one", path);
  uint32_t version, count, crc;
  std::memcpy(&version, base + 8, 4);
  std::memcpy(&count, base + 12, 4);
  std::memcpy(&crc, base + 16, 4);
  KAIROS_CHECK(version == kDatasetVersion || version == kFileCrcFingerprintVersion,
               "{} has dataset format version {}, this kairos reads versions {} and {}; prepare it "
               "again",
               path, version, kFileCrcFingerprintVersion, kDatasetVersion);
  const uint32_t actual = crc32_update(0, base + kHeaderSize, size - kHeaderSize);
  KAIROS_CHECK(actual == crc, "{} is corrupt: checksum {:08x} != recorded {:08x}", path, actual,
               crc);
  KAIROS_CHECK(kHeaderSize + uint64_t{count} * sizeof(SectionEntry) <= size,
               "{} is corrupt: section table truncated", path);
  std::map<uint32_t, std::span<const uint8_t>> sections;
  for (uint32_t i = 0; i < count; ++i) {
    SectionEntry e;
    std::memcpy(&e, base + kHeaderSize + i * sizeof(SectionEntry), sizeof(e));
    KAIROS_CHECK(e.offset % 8 == 0 && e.offset <= size && e.size <= size - e.offset,
                 "{} is corrupt: section {} out of bounds", path, e.tag);
    sections[e.tag] = {base + e.offset, static_cast<size_t>(e.size)};
  }
  auto section = [&](Tag tag, const char* what) {
    auto it = sections.find(tag);
    KAIROS_CHECK(it != sections.end(), "{} is corrupt: no {} section", path, what);
    return it->second;
  };
  const auto meta_bytes = section(kMeta, "meta");
  const auto meta = nlohmann::json::parse(meta_bytes.begin(), meta_bytes.end());
  st->split = static_cast<SplitKind>(meta.at("split_code").get<uint32_t>());
  st->num_train = meta.at("num_train");
  st->num_valid = meta.at("num_valid");
  st->num_test = meta.at("num_test");
  st->num_users = meta.at("num_users");
  st->item_vocab = Vocab(decode_names(section(kItemNames, "item names"), "item names"));
  st->category_vocab =
      Vocab(decode_names(section(kCategoryNames, "category names"), "category names"));
  st->item_category = as_array<uint32_t>(section(kItemCategory, "item category"), "item category");
  st->offsets = as_array<uint64_t>(section(kOffsets, "offsets"), "offsets");
  st->users = as_array<uint32_t>(section(kUsers, "users"), "users");
  st->items = as_array<uint32_t>(section(kItems, "items"), "items");
  st->types = section(kTypes, "types");
  st->ts = as_array<int64_t>(section(kTimes, "times"), "times");
  const auto stats = section(kStats, "stats");
  st->stats_json.assign(stats.begin(), stats.end());
  st->validate();
  uint32_t fingerprint = crc;
  if (version != kFileCrcFingerprintVersion) {
    const auto bytes = section(kFingerprint, "fingerprint");
    KAIROS_CHECK(bytes.size() == sizeof(fingerprint), "{} is corrupt: bad fingerprint section",
                 path);
    std::memcpy(&fingerprint, bytes.data(), sizeof(fingerprint));
  }
  st->fingerprint = fmt::format("{:08x}", fingerprint);
  Dataset d;
  d.storage_ = std::move(st);
  return d;
}

}  // namespace kairos
