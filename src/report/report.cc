#include "report/report.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "core/system.h"
#include "report/charts.h"
#include "web/web_assets.h"

namespace kairos::report {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// JSON safe inside a <script> element: "</" only occurs within strings, where "<\/" is the same.
std::string script_json(const nlohmann::json& j) {
  std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (size_t at = s.find("</"); at != std::string::npos; at = s.find("</", at + 3)) {
    s.replace(at, 2, "<\\/");
  }
  return s;
}

const char* kind_name(InputKind k) {
  switch (k) {
    case InputKind::kEvaluation:
      return "evaluation";
    case InputKind::kTraining:
      return "training";
    case InputKind::kTrainingLog:
      return "training log";
    case InputKind::kBenchServe:
      return "serving benchmark";
  }
  return "";
}

std::string subtitle(const ReportInput& in) {
  const nlohmann::json& c = in.content;
  if (in.kind == InputKind::kEvaluation) {
    std::string s = fmt::format("task {}", c.value("task", "next-item"));
    if (c.contains("dataset")) s += fmt::format(" · data {}", c["dataset"].get<std::string>());
    if (c.contains("fingerprint"))
      s += fmt::format(" (fingerprint {})", c["fingerprint"].get<std::string>());
    if (!c["results"].empty()) {
      const nlohmann::json& r = c["results"][0];
      if (r.contains("part")) s += fmt::format(" · part {}", r["part"].get<std::string>());
      if (r.contains("ranking")) s += fmt::format(" · ranking {}", r["ranking"].get<std::string>());
      if (r.contains("ties")) s += fmt::format(" · ties {}", r["ties"].get<std::string>());
    }
    return s;
  }
  if (in.kind == InputKind::kTraining) {
    return fmt::format("model {} · artifact {} · fit {:.1f} s", c.value("label", "?"),
                       c.value("artifact", "?"), c.value("fit_seconds", 0.0));
  }
  if (in.kind == InputKind::kBenchServe) {
    return fmt::format("target {} req/s for {} s · {} sessions · {} connections",
                       c.value("target_rate", 0.0), c.value("seconds", 0.0), c.value("sessions", 0),
                       c.value("connections", 0));
  }
  return fmt::format("{} epochs", c.size());
}

std::string table_html(const Table& t) {
  if (t.rows.empty()) return "";
  std::string out = "<table><thead><tr>";
  for (const auto& c : t.columns) out += "<th>" + escape(c) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& cell : row) out += "<td>" + escape(cell) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

constexpr const char* kStyle = R"css(
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; }
h1 { margin-bottom: 0; } .meta { color: #666; margin-top: 4px; }
section { border-top: 1px solid #ddd; margin-top: 28px; padding-top: 8px; }
h2 { margin-bottom: 2px; } .sub { color: #666; margin: 0 0 10px; font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 12px 0 22px; } figcaption { color: #555; font-size: 13px; max-width: 900px; }
h3 { font-size: 15px; margin: 14px 0 2px; } footer { color: #888; font-size: 12px; margin-top: 40px; }
)css";

}  // namespace

size_t chart_count(const std::vector<ReportInput>& inputs) {
  size_t n = 0;
  for (const auto& in : inputs) n += charts_of(in).size();
  return n;
}

std::string render_report(const std::vector<ReportInput>& inputs, const ReportOptions& o) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);

  std::string body;
  nlohmann::json specs = nlohmann::json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ReportInput& in = inputs[i];
    body += fmt::format(
        "<section id=\"input-{}\"><h2>{} <small>({})</small></h2><p class=\"sub\">{} · {}</p>\n", i,
        escape(in.name), kind_name(in.kind), escape(subtitle(in)), escape(in.path));
    body += table_html(table_of(in));
    for (const Chart& c : charts_of(in)) {
      body += fmt::format(
          "<figure><h3>{}</h3><div class=\"chart\" "
          "id=\"chart-{}\"></div><figcaption>{}</figcaption></figure>\n",
          escape(c.title), specs.size(), escape(c.caption));
      specs.push_back(c.spec);
    }
    body += "</section>\n";
  }
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  html += "<title>" + escape(o.title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n";
  html += web::inline_scripts();
  html += "</head><body>\n";
  html +=
      fmt::format("<h1>{}</h1><p class=\"meta\">Generated {} by kairos {} from {} input{}.</p>\n",
                  escape(o.title), when, escape(build_git_commit()), inputs.size(),
                  inputs.size() == 1 ? "" : "s");
  html += body;
  html +=
      fmt::format("<footer>Charts: {} (BSD-3-Clause; licences in this page's source).</footer>\n",
                  escape(std::string(web::versions())));
  // Every chart drawn: body[data-charts-rendered] counts them (the browser test waits for it);
  // a failure goes to the console and into the chart's place.
  html += "<script>\nconst specs = " + script_json(specs) + ";\n";
  html += R"js(let rendered = 0;
specs.forEach((spec, i) => {
  vegaEmbed('#chart-' + i, spec, {actions: false, renderer: 'svg'})
    .then(() => { document.body.dataset.chartsRendered = String(++rendered); })
    .catch(err => {
      console.error('chart ' + i + ': ' + err);
      document.getElementById('chart-' + i).textContent = 'chart failed: ' + err;
    });
});
</script>
</body></html>
)js";
  return html;
}

}  // namespace kairos::report
