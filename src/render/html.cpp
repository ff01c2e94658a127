#include <nlohmann/json.hpp>

#include "svg_draw.hpp"
#include "text.hpp"
#include "wirestate/render/svg.hpp"

namespace wirestate::render {

namespace {

constexpr const char* kPageCss = R"(
body{margin:0;font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;background:#f4f6f9;color:#1b1b1b}
#diagram{padding:8px;overflow:auto}
#diagram svg{background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15);max-width:100%;height:auto}
#panel{position:fixed;right:12px;bottom:12px;width:460px;max-height:60vh;overflow:auto;background:#fff;border:1px solid #99a;box-shadow:0 2px 10px rgba(0,0,0,.25);padding:8px 10px;display:none;z-index:5}
#panel h2{font-size:13px;margin:0 0 6px}
#panel button{float:right;border:none;background:none;font-size:16px;cursor:pointer}
#panel pre,#tip pre{font-family:'DejaVu Sans Mono',monospace;font-size:11px;white-space:pre-wrap;margin:0}
#tip{position:fixed;display:none;max-width:560px;background:#fffef5;border:1px solid #b9a648;box-shadow:0 2px 8px rgba(0,0,0,.2);padding:6px 8px;pointer-events:none;z-index:10}
#hint{font-size:12px;color:#666;margin:8px 8px 0}
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
  var panel = document.getElementById('panel');
  document.getElementById('panel-close').addEventListener('click', function () {
    panel.style.display = 'none';
    if (selected) selected.classList.remove('selected');
    selected = null;
  });
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
        panel.style.display = 'block';
      });
    })(items[i]);
  }
  // "page.html#frame=8" opens frame 8's details (links from a report, the headless test).
  var m = /^#frame=(\d+)$/.exec(window.location.hash);
  if (m) {
    var target = document.querySelector('g.arrow[data-number="' + m[1] + '"]');
    if (target) target.dispatchEvent(new MouseEvent('click'));
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
  out += "<p id=\"hint\">Hover over an arrow or a state for its full decode; click to keep it open.</p>\n";
  out += "<div id=\"diagram\">\n" + drawing.svg + "</div>\n";
  out += "<aside id=\"panel\"><button id=\"panel-close\" title=\"close\">×</button><h2>Details</h2>"
         "<pre id=\"panel-text\"></pre></aside>\n";
  out += "<div id=\"tip\"><pre id=\"tip-text\"></pre></div>\n";
  out += "<script type=\"application/json\" id=\"ws-details\">" + json + "</script>\n";
  out += std::string("<script>") + kScript + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace wirestate::render
