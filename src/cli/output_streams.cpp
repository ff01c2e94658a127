#include "cli/output_streams.hpp"

#include <iostream>

#include <fmt/format.h>

namespace wirestate::cli {

tl::expected<std::FILE*, std::string> text_stream(std::initializer_list<DataOutput> data, bool line_buffered) {
  const char* on_stdout = nullptr;
  for (const auto& [option, path] : data) {
    if (*path != "-") continue;
    if (on_stdout != nullptr) {
      return tl::unexpected(fmt::format("{} - and {} - both ask for stdout: give one of them a file", on_stdout, option));
    }
    on_stdout = option;
  }
  std::FILE* text = on_stdout != nullptr ? stderr : stdout;
  // Before anything is written: setvbuf must come first on a stream (stderr is unbuffered).
  if (line_buffered && text == stdout) std::setvbuf(text, nullptr, _IOLBF, BUFSIZ);
  return text;
}

std::ostream* open_events(const std::string& path, std::ofstream& file) {
  if (path == "-") return &std::cout;
  file.open(path, std::ios::out | std::ios::trunc);
  return file ? &file : nullptr;
}

}  // namespace wirestate::cli
