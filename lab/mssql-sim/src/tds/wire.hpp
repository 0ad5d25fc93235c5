// Byte buffers in TDS byte order (little-endian payload integers, UTF-16LE strings).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mssql_sim::tds {

std::string utf16leToUtf8(const std::uint8_t* data, std::size_t bytes);
std::u16string utf8ToUtf16(const std::string& s);

class WireWriter {
public:
    void u8(std::uint8_t v) { buf_.push_back(v); }
    void u16(std::uint16_t v) { u8(static_cast<std::uint8_t>(v)); u8(static_cast<std::uint8_t>(v >> 8)); }
    void u16be(std::uint16_t v) { u8(static_cast<std::uint8_t>(v >> 8)); u8(static_cast<std::uint8_t>(v)); }
    void u32(std::uint32_t v) { u16(static_cast<std::uint16_t>(v)); u16(static_cast<std::uint16_t>(v >> 16)); }
    void u32be(std::uint32_t v) { u16be(static_cast<std::uint16_t>(v >> 16)); u16be(static_cast<std::uint16_t>(v)); }
    void u64(std::uint64_t v) { u32(static_cast<std::uint32_t>(v)); u32(static_cast<std::uint32_t>(v >> 32)); }
    void bytes(const std::uint8_t* p, std::size_t n) { buf_.insert(buf_.end(), p, p + n); }
    void bytes(const std::vector<std::uint8_t>& v) { buf_.insert(buf_.end(), v.begin(), v.end()); }
    void utf16(const std::u16string& s) { for (char16_t c : s) u16(static_cast<std::uint16_t>(c)); }
    // B_VARCHAR: 1-byte character count; US_VARCHAR: 2-byte character count.
    void bVarchar(const std::string& utf8);
    void usVarchar(const std::string& utf8);
    void patchU16(std::size_t at, std::uint16_t v) { buf_[at] = static_cast<std::uint8_t>(v); buf_[at + 1] = static_cast<std::uint8_t>(v >> 8); }
    std::size_t size() const { return buf_.size(); }
    std::vector<std::uint8_t>& data() { return buf_; }
    const std::vector<std::uint8_t>& data() const { return buf_; }
    void clear() { buf_.clear(); }

private:
    std::vector<std::uint8_t> buf_;
};

class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Bounds-checked reader over a request payload; malformed input throws ProtocolError.
class WireReader {
public:
    WireReader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
    explicit WireReader(const std::vector<std::uint8_t>& v) : WireReader(v.data(), v.size()) {}
    std::uint8_t u8() { need(1); return p_[pos_++]; }
    std::uint16_t u16() { need(2); std::uint16_t v = static_cast<std::uint16_t>(p_[pos_] | (p_[pos_ + 1] << 8)); pos_ += 2; return v; }
    std::uint16_t u16be() { need(2); std::uint16_t v = static_cast<std::uint16_t>((p_[pos_] << 8) | p_[pos_ + 1]); pos_ += 2; return v; }
    std::uint32_t u32() { std::uint32_t lo = u16(); std::uint32_t hi = u16(); return lo | (hi << 16); }
    std::uint64_t u64() { std::uint64_t lo = u32(); std::uint64_t hi = u32(); return lo | (hi << 32); }
    std::vector<std::uint8_t> bytes(std::size_t n) { need(n); std::vector<std::uint8_t> v(p_ + pos_, p_ + pos_ + n); pos_ += n; return v; }
    std::string utf16(std::size_t chars) { need(chars * 2); auto s = utf16leToUtf8(p_ + pos_, chars * 2); pos_ += chars * 2; return s; }
    std::string bVarchar() { return utf16(u8()); }
    std::string usVarchar() { return utf16(u16()); }
    void skip(std::size_t n) { need(n); pos_ += n; }
    std::size_t pos() const { return pos_; }
    void seek(std::size_t p) { if (p > n_) throw ProtocolError("offset beyond end of message"); pos_ = p; }
    std::size_t remaining() const { return n_ - pos_; }
    bool atEnd() const { return pos_ >= n_; }
    const std::uint8_t* raw() const { return p_; }
    std::size_t size() const { return n_; }

private:
    void need(std::size_t k) const {
        if (pos_ + k > n_) throw ProtocolError("truncated TDS message");
    }
    const std::uint8_t* p_;
    std::size_t n_;
    std::size_t pos_ = 0;
};

}  // namespace mssql_sim::tds
