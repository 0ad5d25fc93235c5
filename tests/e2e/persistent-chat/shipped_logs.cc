#include "shipped_logs.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include <boost/json/parse.hpp>

namespace drkit::test {

namespace {

std::uint64_t little_endian(const std::string& bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return v;
}

// The last backup set's header of a complete mssql-sim backup file, else nothing.
std::optional<boost::json::object> last_set_header(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 16 || bytes.compare(0, 16, "MSSQLSIM-BACKUP1") != 0) return std::nullopt;
  std::optional<boost::json::object> header;
  for (std::size_t pos = 16; pos < bytes.size();) {
    if (pos + 8 > bytes.size() || bytes.compare(pos, 4, "SET1") != 0) return std::nullopt;
    std::size_t length = little_endian(bytes, pos + 4, 4);
    pos += 8;
    if (pos + length + 8 > bytes.size()) return std::nullopt;
    boost::system::error_code ec;
    auto json = boost::json::parse(bytes.substr(pos, length), ec);
    if (ec || !json.is_object()) return std::nullopt;
    pos += length;
    std::uint64_t payload = little_endian(bytes, pos, 8);
    pos += 8;
    if (payload + 4 > bytes.size() - pos) return std::nullopt;  // cut off: not a complete backup
    pos += payload + 4;
    header = json.as_object();
  }
  return header;
}

}  // namespace

std::vector<ShippedLog> shipped_logs(const std::filesystem::path& folder, const std::string& database) {
  std::vector<ShippedLog> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
    if (e.path().extension() != ".trn") continue;
    auto h = last_set_header(e.path());
    if (!h || h->at("BackupType").to_number<int>() != 2 || h->at("DatabaseName").as_string() != database) continue;
    out.push_back({e.path(), h->at("FirstLSN").to_number<std::int64_t>(), h->at("LastLSN").to_number<std::int64_t>()});
  }
  std::sort(out.begin(), out.end(), [](const ShippedLog& a, const ShippedLog& b) { return a.last_lsn < b.last_lsn; });
  return out;
}

}  // namespace drkit::test
