// libFuzzer target: the text files of a model artifact (models/artifact_text.h). The input is
// meta.json, a NUL byte, then items.tsv; each must be parsed or refused with a kairos::Error, and
// an accepted items.tsv must give num_items clean, unique ids.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "core/error.h"
#include "core/valid_id.h"
#include "data/vocab.h"
#include "models/artifact_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view meta_text = input.substr(0, nul);
  const std::string_view items_text =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  uint32_t num_items = 0;
  try {
    num_items = kairos::artifact_num_items(kairos::parse_artifact_meta(meta_text, "fuzz"));
  } catch (const kairos::Error&) {
  }
  // items.tsv also on its own, with a catalogue size taken from the input.
  if (num_items == 0) num_items = 1 + static_cast<uint32_t>(items_text.size() % 64);
  try {
    const kairos::ItemTable t = kairos::parse_items_tsv(items_text, num_items, "fuzz");
    const kairos::Vocab vocab(t.names);  // throws kairos::Error on a duplicate id
    if (t.names.size() != num_items || t.categories.size() != num_items ||
        t.counts.size() != num_items) {
      __builtin_trap();
    }
    for (uint32_t i = 1; i < num_items; ++i) {
      if (!kairos::id_problem(t.names[i]).empty() || vocab.find(t.names[i]) != i) {
        std::fprintf(stderr, "item %u accepted but not clean or not found\n", i);
        __builtin_trap();
      }
    }
  } catch (const kairos::Error&) {
  }
  return 0;
}
