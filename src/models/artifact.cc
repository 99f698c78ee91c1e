#include "models/artifact.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "core/error.h"
#include "core/system.h"
#include "data/atomic_file.h"
#include "data/tsv_escape.h"
#include "features/negative_sampler.h"
#include "models/factory.h"

namespace kairos {
namespace fs = std::filesystem;

namespace {

// The model's saved configuration. Artifacts written before run options were split from the
// configuration (models/run_options.h) also saved "threads" and "log": dropped here.
nlohmann::json saved_config(const nlohmann::json& meta) {
  nlohmann::json h = meta.value("hparams", nlohmann::json::object());
  if (h.is_object()) {
    h.erase("threads");
    h.erase("log");
  }
  return h;
}

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

// items.tsv (models/artifact_text.h): id, index, category, training count per item.
std::string items_tsv(const Dataset& data) {
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
  return items;
}

nlohmann::json meta_of(const char* format, const std::string& model, const Dataset& data) {
  return {{"format", format},
          {"format_version", kArtifactFormatVersion},
          {"model", model},
          {"dataset",
           {{"fingerprint", data.fingerprint()},
            {"num_items", data.num_items()},
            {"split", split_kind_name(data.split())}}},
          {"git_commit", build_git_commit()},
          {"created", now_utc()}};
}

void check_files(const fs::path& d, const std::string& dir) {
  KAIROS_CHECK_IO(fs::is_directory(d), "model directory {} does not exist", dir);
  for (const char* f : {"meta.json", "items.tsv", "model.pt"}) {
    KAIROS_CHECK_IO(fs::is_regular_file(d / f), "{} is not a model artifact: {} is missing", dir,
                    f);
  }
}

}  // namespace

void save_artifact(const SessionModel& model, const Dataset& data, const std::string& dir,
                   const nlohmann::json& metrics, const nlohmann::json& warm_start) {
  // Written under a temporary name, synced, then swapped in atomically (data/atomic_file.h): a
  // save killed at any moment leaves the previous artifact loadable.
  AtomicDirectory out(dir);
  const fs::path tmp(out.path());
  model.save_weights((tmp / "model.pt").string());
  write_text(tmp / "items.tsv", items_tsv(data));
  nlohmann::json meta = meta_of("kairos-model", model.name(), data);
  meta["tasks"] = {"next-item"};
  meta["hparams"] = model.hparams();
  meta["training"] = model.training_report();
  meta["metrics"] = metrics;
  if (!warm_start.is_null()) meta["warm_start"] = warm_start;
  write_text(tmp / "meta.json", meta.dump(2) + "\n");
  out.commit();
}

void save_interest_artifact(const InterestModel& model, const Dataset& data, const std::string& dir,
                            const nlohmann::json& calibration, const nlohmann::json& metrics) {
  AtomicDirectory out(dir);
  const fs::path tmp(out.path());
  model.save_weights((tmp / "model.pt").string());
  write_text(tmp / "items.tsv", items_tsv(data));
  nlohmann::json meta = meta_of("kairos-interest", model.name(), data);
  nlohmann::json tasks = nlohmann::json::array(), categories = nlohmann::json::array();
  for (Task t : model.tasks()) tasks.push_back(std::string(task_name(t)));
  for (uint32_t c = 0; c < data.num_categories(); ++c)
    categories.push_back(c == 0 ? "" : std::string(data.categories().name(c)));
  meta["tasks"] = tasks;
  meta["dataset"]["categories"] = categories;
  meta["hparams"] = model.hparams();
  meta["calibration"] = calibration;
  meta["training"] = model.training_report();
  meta["metrics"] = metrics;
  write_text(tmp / "meta.json", meta.dump(2) + "\n");
  out.commit();
}

InterestArtifact load_interest_artifact(const std::string& dir) {
  const fs::path d(dir);
  check_files(d, dir);
  InterestArtifact a;
  a.meta = parse_artifact_meta(read_text(d / "meta.json"), dir, "kairos-interest");
  const uint32_t num_items = artifact_num_items(a.meta);
  const nlohmann::json& cats = a.meta["dataset"].value("categories", nlohmann::json());
  KAIROS_CHECK(cats.is_array() && !cats.empty() && cats.size() <= UINT32_MAX,
               "{}/meta.json: dataset.categories is not a list of category ids", dir);
  std::unordered_map<std::string, uint32_t> category_id;
  for (const auto& c : cats) {
    KAIROS_CHECK(c.is_string(), "{}/meta.json: dataset.categories holds a non-string", dir);
    category_id.emplace(c.get<std::string>(), static_cast<uint32_t>(a.categories.size()));
    a.categories.push_back(c.get<std::string>());
  }
  ItemTable table = parse_items_tsv(read_text(d / "items.tsv"), num_items, dir);
  std::vector<uint32_t> item_category(num_items, 0);
  for (uint32_t i = 1; i < num_items; ++i) {
    if (table.categories[i].empty()) continue;
    const auto it = category_id.find(table.categories[i]);
    KAIROS_CHECK(it != category_id.end(),
                 "{}/items.tsv: item {} has category '{}', not in meta.json", dir, i,
                 table.categories[i]);
    item_category[i] = it->second;
  }
  a.item_categories = std::move(table.categories);
  a.items = Vocab(std::move(table.names));
  a.model = make_interest_model(a.meta["model"].get<std::string>(), saved_config(a.meta));
  a.model->load_weights((d / "model.pt").string(), num_items, std::move(item_category),
                        static_cast<uint32_t>(a.categories.size()));
  return a;
}

Artifact load_artifact(const std::string& dir) {
  const fs::path d(dir);
  check_files(d, dir);
  Artifact a;
  a.meta = parse_artifact_meta(read_text(d / "meta.json"), dir);
  const uint32_t num_items = artifact_num_items(a.meta);
  ItemTable table = parse_items_tsv(read_text(d / "items.tsv"), num_items, dir);
  a.item_categories = std::move(table.categories);
  a.item_counts = std::move(table.counts);
  a.items = Vocab(std::move(table.names));  // refuses duplicate ids
  std::string name = a.meta["model"].get<std::string>();
  if (name == "gru4rec-lstm") name = "gru4rec";  // the LSTM cell is a hyperparameter
  a.model = make_model(name, saved_config(a.meta));
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
