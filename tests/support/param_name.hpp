#pragma once
// A GoogleTest parameter name made from any text (a path, a file name): every character
// that is not a letter or a digit becomes '_', as gtest accepts only [A-Za-z0-9_].
#include <cctype>
#include <string>
#include <string_view>

namespace wirestate::test {

inline std::string param_name(std::string_view text) {
  std::string name(text);
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return name;
}

}  // namespace wirestate::test
