#include "wirestate/check/junit.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace wirestate::check {

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows tab, newline and carriage return among the control characters.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += ch;
    }
  }
  return out;
}

std::string junit_xml(const std::string& suite, const std::vector<Verdict>& verdicts) {
  const auto failures = std::count_if(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return !v.pass; });
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\">\n", verdicts.size(), failures);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                     xml_escape(suite), verdicts.size(), failures);
  for (const auto& v : verdicts) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", xml_escape(suite),
                       xml_escape(v.pointer + " " + v.name));
    if (v.pass) {
      out += "/>\n";
      continue;
    }
    std::string message = v.detail;
    if (v.packet != 0) message += fmt::format(" [packet {}]", v.packet);
    out += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n", xml_escape(message),
                       xml_escape(message));
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string junit_error_xml(const std::string& suite, const std::string& error) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites tests=\"1\" failures=\"0\" errors=\"1\">\n";
  out += fmt::format("  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n",
                     xml_escape(suite));
  out += fmt::format("    <testcase classname=\"{}\" name=\"input\">\n      <error message=\"{}\">{}</error>\n"
                     "    </testcase>\n",
                     xml_escape(suite), xml_escape(error), xml_escape(error));
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace wirestate::check
