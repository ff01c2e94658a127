#include "io/pcap_bytes_support.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include "support/scratch.hpp"

namespace wirestate::io::testing {

namespace {
void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_le16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
}  // namespace

std::vector<std::uint8_t> pcap_file_header(std::uint32_t link_type, bool nano,
                                           std::uint32_t snaplen) {
  std::vector<std::uint8_t> out;
  put_le32(out, nano ? 0xa1b23c4dU : 0xa1b2c3d4U);
  put_le16(out, 2);
  put_le16(out, 4);
  put_le32(out, 0);  // thiszone
  put_le32(out, 0);  // sigfigs
  put_le32(out, snaplen);
  put_le32(out, link_type);
  return out;
}

std::vector<std::uint8_t> pcap_record(std::uint32_t sec, std::uint32_t frac, std::uint32_t caplen,
                                      std::uint32_t len, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> out;
  put_le32(out, sec);
  put_le32(out, frac);
  put_le32(out, caplen);
  put_le32(out, len);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::filesystem::path temp_path(const std::string& name) {
  auto path = wirestate::test::scratch_path(name);
  std::filesystem::remove(path);
  return path;
}

void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void append(std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
}

}  // namespace wirestate::io::testing
