// The JavaScript charting libraries compiled into the binary (src/web/CMakeLists.txt embeds them
// from web/node_modules, fetched by `npm ci` at set-up time): Vega, Vega-Lite and vega-embed, each
// under its BSD-3-Clause licence, whose texts travel with them.
#pragma once

#include <string>
#include <string_view>

namespace kairos::web {

std::string_view vega_js();
std::string_view vega_lite_js();
std::string_view vega_embed_js();
std::string_view vega_license();
std::string_view vega_lite_license();
std::string_view vega_embed_license();

std::string_view dashboard_html();  // web/ui/dashboard.html
std::string_view dashboard_js();    // web/ui/dashboard.js

// The `/ui` page of `kairos serve`: dashboard.html with the libraries and dashboard.js inlined
// (built once).
const std::string& dashboard_page();

// The library versions (web/package.json), e.g. "vega 5.30.0, vega-lite 5.21.0, vega-embed 6.26.0".
std::string_view versions();

// <script> elements holding the three libraries, inline (a page that works offline), each
// preceded by an HTML comment with its licence.
std::string inline_scripts();

}  // namespace kairos::web
