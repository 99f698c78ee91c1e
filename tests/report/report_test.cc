// kairos report: inputs recognised by content (and refused with the reason), one self-contained
// page (no external script or stylesheet), the real figures in its tables; and in headless
// Chromium every chart renders with no console error (screenshot under the test output dir).
#include "report/report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/test_util.h"
#include "report/charts.h"

namespace kairos::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// An evaluation of each task and a training log, shaped as the commands write them.
json next_item_eval() {
  json results = json::array();
  for (const auto& [model, hr] : {std::pair{"pop", 0.10}, {"vsknn", 0.52}}) {
    results.push_back(
        {{"model", model},
         {"part", "test"},
         {"ranking", "full"},
         {"ties", "conservative"},
         {"cases", 1000},
         {"cutoffs", {10, 20}},
         {"metrics",
          {{"HR@10", hr * 0.8},
           {"HR@20", hr},
           {"MRR@10", hr / 3.1},
           {"MRR@20", hr / 3},
           {"NDCG@10", hr / 2.1},
           {"NDCG@20", hr / 2},
           {"Coverage@20", 0.5},
           {"Popularity@20", 0.01}}},
         {"ci95", {{"HR@20", {{"low", hr - 0.01}, {"high", hr + 0.01}}}}},
         {"by_prefix_length",
          {{{"prefix_length", "1"}, {"cases", 400}, {"HR@20", hr - 0.05}, {"MRR@20", 0.1}},
           {{"prefix_length", "2"}, {"cases", 600}, {"HR@20", hr + 0.03}, {"MRR@20", 0.2}}}},
         {"latency_us", {{"p50", 30.0}, {"p95", 50.0}, {"p99", 90.0}}},
         {"fit_seconds", 1.5}});
  }
  return {
      {"task", "next-item"}, {"dataset", "out/x"}, {"fingerprint", "abc"}, {"results", results}};
}

json intent_eval() {
  json curve = json::array(), bins = json::array();
  for (int i = 0; i <= 10; ++i) {
    const double t = 1.0 - i / 10.0;
    curve.push_back({{"threshold", t},
                     {"fpr", i / 10.0},
                     {"tpr", std::sqrt(i / 10.0)},
                     {"precision", 0.9 - i * 0.03}});
    bins.push_back({{"lower", i / 10.0},
                    {"upper", (i + 1) / 10.0},
                    {"count", 10 + i},
                    {"confidence", i / 10.0 + 0.05},
                    {"accuracy", i / 10.0 + 0.04}});
  }
  json r = {
      {"model", "logistic"},
      {"target", "converts"},
      {"cases", 500},
      {"metrics",
       {{"ROC-AUC", 0.691234}, {"PR-AUC", 0.52}, {"log-loss", 0.58}, {"ECE", 0.013}, {"F1", 0.56}}},
      {"ci95", {{"ROC-AUC", {{"low", 0.688}, {"high", 0.695}}}}},
      {"reliability", bins},
      {"curve", curve},
      {"by_prefix_length",
       {{{"prefix_length", "1"}, {"cases", 100}, {"roc_auc", 0.5}},
        {{"prefix_length", "2"}, {"cases", 80}, {"roc_auc", 0.6}}}}};
  return {{"task", "intent"}, {"within", 5}, {"results", {r}}};
}

json category_eval() {
  json r = {
      {"model", "markov"},
      {"cases", 300},
      {"cutoffs", {1, 3}},
      {"metrics",
       {{"HR@1", 0.4},
        {"HR@3", 0.6},
        {"MRR@1", 0.4},
        {"MRR@3", 0.5},
        {"log-loss", 1.9},
        {"ECE", 0.02}}},
      {"ci95", {{"HR@3", {{"low", 0.58}, {"high", 0.62}}}}},
      {"reliability",
       {{{"lower", 0.0}, {"upper", 0.5}, {"count", 100}, {"confidence", 0.3}, {"accuracy", 0.28}},
        {{"lower", 0.5},
         {"upper", 1.0},
         {"count", 200},
         {"confidence", 0.7},
         {"accuracy", 0.72}}}}};
  return {{"task", "category"}, {"classes", 12}, {"results", {r}}};
}

// A return-task evaluation: BG/NBD with its tracking curve, and a skipped supervised model.
json return_eval() {
  json actual = json::array(), expected = json::array(), bins = json::array(), freq = json::array();
  for (int w = 1; w <= 12; ++w) {
    actual.push_back(40.0 * w);
    expected.push_back(38.0 * w + 5);
  }
  for (int i = 0; i < 4; ++i) {
    bins.push_back({{"count", 100}, {"confidence", 0.1 + 0.2 * i}, {"accuracy", 0.12 + 0.19 * i}});
    freq.push_back({{"repeat_purchases", i < 3 ? std::to_string(i) : "3+"},
                    {"customers", 50},
                    {"actual", 0.3 * i + 0.1},
                    {"predicted", 0.28 * i + 0.12}});
  }
  const json bg = {{"model", "bgnbd"},
                   {"evaluated", true},
                   {"customers", 2357},
                   {"metrics",
                    {{"ROC-AUC", 0.7569},
                     {"PR-AUC", 0.6362},
                     {"log-loss", 0.5056},
                     {"ECE", 0.0481},
                     {"count MAE", 0.7855},
                     {"count total error %", -12.15}}},
                   {"ci95", {{"ROC-AUC", {{"low", 0.7306}, {"high", 0.7804}}}}},
                   {"reliability", bins},
                   {"by_repeat_purchases", freq},
                   {"tracking_expected", expected}};
  const json skipped = {{"model", "gbdt"}, {"evaluated", false}, {"skipped", "needs a window"}};
  return {{"task", "return"},
          {"cutoff", "1997-10-01"},
          {"horizon_days", 273},
          {"tracking", {{"start", "1997-01-01"}, {"unit", "week"}, {"actual", actual}}},
          {"results", {bg, skipped}}};
}

// A demand evaluation: one model's total-series path with intervals and its WAPE by step.
json demand_eval() {
  json path = json::array();
  for (int d = 1; d <= 14; ++d) {
    const double y = 1000 + 300 * (d % 7);
    path.push_back({{"day", fmt::format("2011-11-{:02d}", d)},
                    {"actual", y},
                    {"forecast", y * 0.9},
                    {"lo80", y * 0.6},
                    {"hi80", y * 1.3}});
  }
  const json m = {{"WAPE", 0.9487},
                  {"week WAPE", 0.577},
                  {"MASE", 0.95},
                  {"bias", -0.004},
                  {"coverage80", 0.783}};
  json result = {{"model", "gbdt"},    {"items", m},
                 {"total", m},         {"wape_by_step", {0.9, 0.95, 1.0}},
                 {"total_path", path}, {"seconds", 11.6}};
  return {{"task", "demand"}, {"results", json::array({result})}};
}

const char* kTrainingLog =
    "{\"epoch\":1,\"loss\":7.43,\"valid_MRR@20\":0.1668,\"valid_HR@20\":0.4985,\"events_per_s\":"
    "16500,\"best\":true}\n"
    "{\"epoch\":2,\"loss\":5.50,\"valid_MRR@20\":0.1863,\"valid_HR@20\":0.5467,\"events_per_s\":"
    "16600,\"best\":true}\n";

json bench_serve() {
  json hist = json::array();
  for (int i = 0; i < 20; ++i)
    hist.push_back({{"upper_ms", 0.05 * std::pow(1.25, i)}, {"count", i < 10 ? i * 3 : 30 - i}});
  return {{"bench", "serve"},
          {"target_rate", 1000},
          {"seconds", 10},
          {"sessions", 50000},
          {"connections", 32},
          {"events",
           {{"requests", 5000},
            {"rate", 500.0},
            {"p50_ms", 0.9},
            {"p90_ms", 1.5},
            {"p99_ms", 2.4},
            {"p999_ms", 4.0},
            {"errors", 0},
            {"histogram", hist}}},
          {"recommend",
           {{"requests", 5000},
            {"rate", 500.0},
            {"p50_ms", 1.0},
            {"p90_ms", 1.7},
            {"p99_ms", 2.8},
            {"p999_ms", 5.0},
            {"errors", 0},
            {"histogram", hist}}}};
}

std::vector<ReportInput> fixture_inputs(const test::TempDir& dir) {
  std::ofstream(dir.file("dg-next-item.json")) << next_item_eval().dump();
  std::ofstream(dir.file("shop-intent.json")) << intent_eval().dump();
  std::ofstream(dir.file("shop-category.json")) << category_eval().dump();
  std::ofstream(dir.file("gru4rec.train_log.jsonl")) << kTrainingLog;
  std::ofstream(dir.file("serve.json")) << bench_serve().dump();
  std::ofstream(dir.file("cdnow-return.json")) << return_eval().dump();
  std::ofstream(dir.file("retail-demand.json")) << demand_eval().dump();
  std::vector<ReportInput> inputs;
  for (const char* f :
       {"dg-next-item.json", "shop-intent.json", "shop-category.json", "gru4rec.train_log.jsonl",
        "serve.json", "cdnow-return.json", "retail-demand.json"}) {
    inputs.push_back(read_report_input(dir.file(f)));
  }
  return inputs;
}

TEST(Report, RecognisesEachInputAndRefusesOthersWithTheReason) {
  test::TempDir dir;
  const auto inputs = fixture_inputs(dir);
  EXPECT_EQ(inputs[0].kind, InputKind::kEvaluation);
  EXPECT_EQ(inputs[3].kind, InputKind::kTrainingLog);
  EXPECT_EQ(inputs[3].content.size(), 2u);
  EXPECT_EQ(inputs[4].kind, InputKind::kBenchServe);
  EXPECT_EQ(inputs[0].name, "dg-next-item");
  std::ofstream(dir.file("other.json")) << "{\"hello\": 1}";
  std::ofstream(dir.file("notes.txt")) << "not json\n";
  std::ofstream(dir.file("broken.jsonl")) << kTrainingLog << "{oops\n";
  for (const char* f : {"other.json", "notes.txt", "broken.jsonl"}) {
    try {
      read_report_input(dir.file(f));
      ADD_FAILURE() << f;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read_report_input(dir.file("missing.json")), Error);
}

TEST(Report, OneSelfContainedPageWithTheFigures) {
  test::TempDir dir;
  const auto inputs = fixture_inputs(dir);
  const std::string html = render_report(inputs, {});
  // Offline: no external script, stylesheet or image.
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("vegaEmbed"), std::string::npos);
  EXPECT_NE(html.find("BSD"), std::string::npos);  // the libraries' licences travel with them
  // The tables hold the inputs' figures.
  EXPECT_NE(html.find("<td>0.5200</td>"), std::string::npos);  // vsknn HR@20
  EXPECT_NE(html.find("<td>0.6912</td>"), std::string::npos);  // intent ROC-AUC
  EXPECT_NE(html.find("[0.6880, 0.6950]"), std::string::npos);
  EXPECT_NE(html.find("<td>0.7569</td>"), std::string::npos);  // return ROC-AUC
  EXPECT_NE(html.find("skipped: needs a window"), std::string::npos);
  EXPECT_NE(html.find("<td>0.9487</td>"), std::string::npos);  // demand item WAPE
  // 4 next-item + 4 intent + 2 category + 1 training + 1 bench + 3 return + 2 demand charts.
  EXPECT_EQ(chart_count(inputs), 17u);
  // An intent evaluation without curves (older JSON) leaves those charts out.
  json old = intent_eval();
  old["results"][0].erase("curve");
  old["results"][0].erase("reliability");
  std::ofstream(dir.file("old-intent.json")) << old.dump();
  EXPECT_EQ(charts_of(read_report_input(dir.file("old-intent.json"))).size(), 1u);
}

// The page in a real browser: every chart renders (as SVG) with no console error.
TEST(ReportBrowser, EveryChartRendersWithoutConsoleErrors) {
  const fs::path root = fs::path(KAIROS_SOURCE_DIR);
  const char* chromium_env = std::getenv("KAIROS_CHROMIUM");
  const std::string chromium = chromium_env != nullptr ? chromium_env : "/usr/bin/chromium";
  if (!fs::exists(chromium))
    GTEST_SKIP() << chromium << " is not installed (scripts/setup installs it)";
  if (!fs::exists(root / "web/node_modules/playwright-core")) {
    GTEST_SKIP()
        << "web/node_modules/playwright-core is missing (scripts/setup runs npm ci in web/)";
  }
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
  test::TempDir dir;
  const auto inputs = fixture_inputs(dir);
  const fs::path out = fs::path(KAIROS_TEST_OUTPUT) / "report";
  fs::create_directories(out);
  const fs::path page = out / "report.html";
  std::ofstream(page) << render_report(inputs, {});
  const std::string cmd = "node " + (root / "tests/report/browser_check.mjs").string() +
                          " file://" + page.string() + " " + std::to_string(chart_count(inputs)) +
                          " " + (out / "report.png").string() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) output.append(buf, n);
  const int status = pclose(p);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("\"errors\":[]"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(out / "report.png"));
}

}  // namespace
}  // namespace kairos::report
