#include "tds/wire.hpp"

namespace mssql_sim::tds {

std::string utf16leToUtf8(const std::uint8_t* data, std::size_t bytes) {
    std::string out;
    out.reserve(bytes / 2);
    for (std::size_t i = 0; i + 1 < bytes; i += 2) {
        std::uint32_t c = static_cast<std::uint32_t>(data[i] | (data[i + 1] << 8));
        if (c >= 0xD800 && c <= 0xDBFF && i + 3 < bytes) {
            std::uint32_t lo = static_cast<std::uint32_t>(data[i + 2] | (data[i + 3] << 8));
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (c >> 18)));
            out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

std::u16string utf8ToUtf16(const std::string& s) {
    std::u16string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        std::uint32_t c = 0;
        std::size_t len = 1;
        if (b < 0x80) c = b;
        else if ((b >> 5) == 6) { c = b & 0x1F; len = 2; }
        else if ((b >> 4) == 14) { c = b & 0x0F; len = 3; }
        else if ((b >> 3) == 30) { c = b & 0x07; len = 4; }
        else { c = 0xFFFD; }
        for (std::size_t k = 1; k < len; ++k) {
            if (i + k >= s.size()) { c = 0xFFFD; break; }
            c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        }
        i += len;
        if (c >= 0x10000) {
            c -= 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (c >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (c & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(c));
        }
    }
    return out;
}

void WireWriter::bVarchar(const std::string& utf8) {
    auto s = utf8ToUtf16(utf8);
    if (s.size() > 255) s.resize(255);
    u8(static_cast<std::uint8_t>(s.size()));
    utf16(s);
}

void WireWriter::usVarchar(const std::string& utf8) {
    auto s = utf8ToUtf16(utf8);
    if (s.size() > 65535) s.resize(65535);
    u16(static_cast<std::uint16_t>(s.size()));
    utf16(s);
}

}  // namespace mssql_sim::tds
