#include "models/artifact.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/system.h"
#include "data/atomic_file.h"
#include "data/tsv_escape.h"
#include "features/negative_sampler.h"
#include "models/factory.h"

namespace kairos {
namespace fs = std::filesystem;

namespace {

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  KAIROS_CHECK_IO(out.good(), "cannot write {}", path.string());
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  KAIROS_CHECK_IO(in.good(), "cannot open {}", path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

void save_artifact(const SessionModel& model, const Dataset& data, const std::string& dir,
                   const nlohmann::json& metrics) {
  // Written under a temporary name, synced, then swapped in atomically (data/atomic_file.h): a
  // save killed at any moment leaves the previous artifact loadable.
  AtomicDirectory out(dir);
  const fs::path tmp(out.path());

  model.save_weights((tmp / "model.pt").string());
  // Training occurrences per item: the popularity fallback of serving.
  const std::vector<uint64_t> counts = item_counts(data.train_full(), data.num_items());
  std::string items = "item_id\tindex\tcategory\tcount\n";
  const auto cats = data.item_category();
  for (uint32_t i = 1; i < data.num_items(); ++i) {
    // Ids are escaped (data/tsv_escape.h): a tab or line break in an id cannot shift the columns.
    items += tsv_escape(data.items().name(i)) + '\t' + std::to_string(i) + '\t' +
             tsv_escape(cats[i] == 0 ? "" : data.categories().name(cats[i])) + '\t' +
             std::to_string(counts[i]) + '\n';
  }
  write_text(tmp / "items.tsv", items);
  const nlohmann::json meta = {{"format", "kairos-model"},
                               {"format_version", kArtifactFormatVersion},
                               {"model", model.name()},
                               {"hparams", model.hparams()},
                               {"dataset",
                                {{"fingerprint", data.fingerprint()},
                                 {"num_items", data.num_items()},
                                 {"split", split_kind_name(data.split())}}},
                               {"training", model.training_report()},
                               {"metrics", metrics},
                               {"git_commit", build_git_commit()},
                               {"created", now_utc()}};
  write_text(tmp / "meta.json", meta.dump(2) + "\n");

  out.commit();
}

Artifact load_artifact(const std::string& dir) {
  const fs::path d(dir);
  KAIROS_CHECK_IO(fs::is_directory(d), "model directory {} does not exist", dir);
  for (const char* f : {"meta.json", "items.tsv", "model.pt"}) {
    KAIROS_CHECK_IO(fs::is_regular_file(d / f), "{} is not a model artifact: {} is missing", dir,
                    f);
  }
  Artifact a;
  try {
    a.meta = nlohmann::json::parse(read_text(d / "meta.json"));
  } catch (const nlohmann::json::exception& e) {
    KAIROS_THROW(ErrorKind::kInput, "{}/meta.json is corrupt: {}", dir, e.what());
  }
  KAIROS_CHECK(a.meta.is_object() && a.meta.value("format", "") == "kairos-model",
               "{}/meta.json is not a Kairos model description", dir);
  const int version = a.meta.value("format_version", -1);
  KAIROS_CHECK(version == kArtifactFormatVersion,
               "{}: artifact format version {} is not supported (this build reads version {})", dir,
               version, kArtifactFormatVersion);
  KAIROS_CHECK(a.meta.contains("model") && a.meta["model"].is_string() &&
                   a.meta.contains("dataset") && a.meta["dataset"].contains("num_items"),
               "{}/meta.json lacks the model name or the catalogue size", dir);
  const uint32_t num_items = a.meta["dataset"]["num_items"].get<uint32_t>();

  // items.tsv: header, then one row per item index 1..num_items-1 in order.
  std::vector<std::string> names(1, "");
  a.item_categories.assign(1, "");
  a.item_counts.assign(1, 0);
  std::istringstream in(read_text(d / "items.tsv"));
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    if (++line_no == 1) continue;
    if (line.empty()) continue;
    const size_t t1 = line.find('\t'), t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    KAIROS_CHECK(t2 != std::string::npos, "{}/items.tsv:{}: expected item_id, index, category", dir,
                 line_no);
    KAIROS_CHECK(line.substr(t1 + 1, t2 - t1 - 1) == std::to_string(names.size()),
                 "{}/items.tsv:{}: index out of sequence", dir, line_no);
    names.push_back(tsv_unescape(std::string_view(line).substr(0, t1)));
    const size_t t3 = line.find('\t', t2 + 1);
    a.item_categories.push_back(tsv_unescape(
        std::string_view(line).substr(t2 + 1, t3 == std::string::npos ? t3 : t3 - t2 - 1)));
    uint64_t count = 0;
    if (t3 != std::string::npos) {
      const std::string c = line.substr(t3 + 1);
      KAIROS_CHECK(!c.empty() && c.find_first_not_of("0123456789") == std::string::npos,
                   "{}/items.tsv:{}: count '{}' is not a number", dir, line_no, c);
      count = std::stoull(c);
    }
    a.item_counts.push_back(count);
  }
  KAIROS_CHECK(names.size() == num_items, "{}: items.tsv lists {} items but meta.json says {}", dir,
               names.size(), num_items);
  a.items = Vocab(std::move(names));  // refuses duplicate ids
  std::string name = a.meta["model"].get<std::string>();
  if (name == "gru4rec-lstm") name = "gru4rec";  // the LSTM cell is a hyperparameter
  a.model = make_model(name, a.meta.value("hparams", nlohmann::json::object()));
  a.model->load_weights((d / "model.pt").string(), num_items);
  return a;
}

void check_artifact_matches(const Artifact& a, const Dataset& data, const std::string& dir) {
  const std::string fp = a.meta["dataset"].value("fingerprint", "");
  KAIROS_CHECK(fp == data.fingerprint(),
               "{} was trained on another dataset (fingerprint {} vs {}): its item indices do not "
               "match this one",
               dir, fp, data.fingerprint());
}

}  // namespace kairos
