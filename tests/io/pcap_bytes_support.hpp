#pragma once
// Hand-made pcap bytes for reader tests: a file header and records, with fields the
// test can corrupt at will.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace wirestate::io::testing {

// The 24-byte pcap file header (little-endian, microsecond magic unless nano is true).
std::vector<std::uint8_t> pcap_file_header(std::uint32_t link_type = 1, bool nano = false,
                                           std::uint32_t snaplen = 262144);

// A 16-byte record header followed by `data` (caplen and len as given, not checked).
std::vector<std::uint8_t> pcap_record(std::uint32_t sec, std::uint32_t frac, std::uint32_t caplen,
                                      std::uint32_t len, const std::vector<std::uint8_t>& data);

// A fresh path in the test temp directory (the file is removed if it exists).
std::filesystem::path temp_path(const std::string& name);

// Writes bytes to path.
void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);

// Appends b to a.
void append(std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b);

}  // namespace wirestate::io::testing
