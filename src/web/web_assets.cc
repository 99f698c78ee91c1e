#include "web/web_assets.h"

#include <tuple>

namespace kairos::web {
namespace {

// An HTML comment holding `text` ("--" may not appear inside one).
std::string comment(std::string_view title, std::string_view text) {
  std::string body(text);
  for (size_t at = body.find("--"); at != std::string::npos; at = body.find("--", at)) {
    body.replace(at, 2, "- -");
  }
  return "<!-- " + std::string(title) + "\n" + body + "\n-->\n";
}

}  // namespace

std::string_view versions() { return KAIROS_WEB_VERSIONS; }

std::string inline_scripts() {
  std::string out;
  for (const auto& [name, license, js] :
       {std::tuple{"Vega (https://vega.github.io/vega/)", vega_license(), vega_js()},
        {"Vega-Lite (https://vega.github.io/vega-lite/)", vega_lite_license(), vega_lite_js()},
        {"vega-embed (https://github.com/vega/vega-embed)", vega_embed_license(),
         vega_embed_js()}}) {
    out += comment(name, license);
    out += "<script>";
    out += js;
    out += "</script>\n";
  }
  return out;
}

const std::string& dashboard_page() {
  static const std::string page = [] {
    std::string html(dashboard_html());
    const std::string libraries = "<!-- KAIROS_LIBRARIES -->", app = "<!-- KAIROS_APP -->";
    std::string script = "<script>\n";
    script += dashboard_js();
    script += "</script>\n";
    if (const size_t at = html.find(libraries); at != std::string::npos) {
      html.replace(at, libraries.size(), inline_scripts());
    }
    if (const size_t at = html.find(app); at != std::string::npos)
      html.replace(at, app.size(), script);
    return html;
  }();
  return page;
}

}  // namespace kairos::web
