#include "models/artifact.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "core/error.h"
#include "core/system.h"
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
  const fs::path final_dir(dir);
  const fs::path tmp = final_dir.string() + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  KAIROS_CHECK_IO(!ec, "cannot create {}: {}", tmp.string(), ec.message());

  model.save_weights((tmp / "model.pt").string());
  // Training occurrences per item: the popularity fallback of serving.
  const std::vector<uint64_t> counts = item_counts(data.train_full(), data.num_items());
  std::string items = "item_id\tindex\tcategory\tcount\n";
  const auto cats = data.item_category();
  for (uint32_t i = 1; i < data.num_items(); ++i) {
    items += std::string(data.items().name(i)) + '\t' + std::to_string(i) + '\t' +
             std::string(cats[i] == 0 ? "" : data.categories().name(cats[i])) + '\t' +
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

  // Swap into place: an existing artifact is moved aside first and removed after the rename.
  const fs::path old = final_dir.string() + ".old-" + std::to_string(::getpid());
  const bool had = fs::exists(final_dir);
  if (had) {
    fs::rename(final_dir, old, ec);
    KAIROS_CHECK_IO(!ec, "cannot replace {}: {}", dir, ec.message());
  }
  fs::rename(tmp, final_dir, ec);
  KAIROS_CHECK_IO(!ec, "cannot rename {} to {}: {}", tmp.string(), dir, ec.message());
  if (had) fs::remove_all(old, ec);
}

Artifact load_artifact(const std::string& dir) {
  const fs::path d(dir);
  KAIROS_CHECK_IO(fs::is_directory(d), "model directory {} does not exist", dir);
  for (const char* f : {"meta.json", "items.tsv", "model.pt"}) {
    KAIROS_CHECK_IO(fs::is_regular_file(d / f), "{} is not a model artifact: {} is missing", dir,
                    f);
  }
  Artifact a;
  a.meta = parse_artifact_meta(read_text(d / "meta.json"), dir);
  const uint32_t num_items = artifact_num_items(a.meta);
  ItemTable table = parse_items_tsv(read_text(d / "items.tsv"), num_items, dir);
  a.item_categories = std::move(table.categories);
  a.item_counts = std::move(table.counts);
  a.items = Vocab(std::move(table.names));  // refuses duplicate ids
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
