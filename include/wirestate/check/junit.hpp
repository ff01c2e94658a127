#pragma once
// JUnit XML (the dialect Jenkins, GitLab and GitHub test reporters read): one testsuite
// per check run, one testcase per verdict, a <failure> with the detail when it failed.
#include <string>
#include <vector>

#include "wirestate/check/verdict.hpp"

namespace wirestate::check {

// The whole document.
std::string junit_xml(const std::string& suite, const std::vector<Verdict>& verdicts);

// The document of a run that could not evaluate anything (bad input): one testcase with
// an <error> saying why, so a report from an earlier run never stands in for this one.
std::string junit_error_xml(const std::string& suite, const std::string& error);

// Escapes &, <, >, " and ' and drops characters XML 1.0 does not allow.
std::string xml_escape(const std::string& text);

}  // namespace wirestate::check
