#include <nlohmann/json.hpp>

#include "svg_draw.hpp"
#include "text.hpp"
#include "wirestate/render/svg.hpp"

namespace wirestate::render {

namespace {

constexpr const char* kPageCss = R"(
body{margin:0;font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;background:#f4f6f9;color:#1b1b1b}
#wrap{display:flex;align-items:flex-start}
#diagram{flex:1 1 auto;overflow:auto;padding:8px}
#diagram svg{background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15)}
#panel{flex:0 0 380px;position:sticky;top:0;height:100vh;overflow:auto;background:#fff;border-left:1px solid #ccd;padding:10px 12px;box-sizing:border-box}
#panel h2{font-size:14px;margin:0 0 6px}
#panel pre,#tip pre{font-family:'DejaVu Sans Mono',monospace;font-size:11px;white-space:pre-wrap;margin:0}
#tip{position:fixed;display:none;max-width:560px;background:#fffef5;border:1px solid #b9a648;box-shadow:0 2px 8px rgba(0,0,0,.2);padding:6px 8px;pointer-events:none;z-index:10}
g.arrow,g.state{cursor:pointer}
g.arrow:hover .body,g.arrow.selected .body{stroke-width:3.2}
g.state:hover rect,g.state.selected rect{stroke-width:2.5}
)";

// Runs once the page is parsed: hover shows, click pins a frame's decode. Marks the root
// data-ready="ok" when done (the headless test reads it), data-error on a script error.
constexpr const char* kScript = R"(
window.addEventListener('error', function (e) {
  document.documentElement.setAttribute('data-error', String(e.message));
});
(function () {
  var details = JSON.parse(document.getElementById('ws-details').textContent);
  var tip = document.getElementById('tip');
  var tipText = document.getElementById('tip-text');
  var panelText = document.getElementById('panel-text');
  var selected = null;
  function textOf(g) { return details[g.getAttribute('data-key')] || ''; }
  function place(e) {
    var x = e.clientX + 16, y = e.clientY + 16;
    if (x + tip.offsetWidth > window.innerWidth) x = Math.max(0, e.clientX - tip.offsetWidth - 16);
    if (y + tip.offsetHeight > window.innerHeight) y = Math.max(0, window.innerHeight - tip.offsetHeight - 4);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  var items = document.querySelectorAll('g.arrow, g.state');
  for (var i = 0; i < items.length; i++) {
    (function (g) {
      g.addEventListener('mouseenter', function (e) { tipText.textContent = textOf(g); tip.style.display = 'block'; place(e); });
      g.addEventListener('mousemove', place);
      g.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
      g.addEventListener('click', function () {
        if (selected) selected.classList.remove('selected');
        selected = g;
        g.classList.add('selected');
        panelText.textContent = textOf(g);
      });
    })(items[i]);
  }
  document.documentElement.setAttribute('data-items', String(items.length));
  document.documentElement.setAttribute('data-ready', 'ok');
})();
)";

}  // namespace

std::string to_html(const Ladder& ladder) {
  const auto drawing = detail::draw_svg(ladder);
  // "</" may not appear inside a script element's text.
  std::string json = nlohmann::json(drawing.details).dump();
  for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) json.replace(at, 2, "<\\/");
  const std::string title = ladder.title.empty() ? "wirestate ladder" : ladder.title;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>" + detail::xml_escape(title) + "</title>\n<style>" + kPageCss + "</style>\n</head>\n<body>\n";
  out += "<div id=\"wrap\"><div id=\"diagram\">\n" + drawing.svg + "</div>\n";
  out += "<aside id=\"panel\"><h2>Frame details</h2><pre id=\"panel-text\">Hover over an arrow or a state to see its "
         "decode; click to keep it here.</pre></aside></div>\n";
  out += "<div id=\"tip\"><pre id=\"tip-text\"></pre></div>\n";
  out += "<script type=\"application/json\" id=\"ws-details\">" + json + "</script>\n";
  out += std::string("<script>") + kScript + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace wirestate::render
