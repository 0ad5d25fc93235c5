#include "json_positions.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace drkit {

TextPosition position_of(std::string_view text, std::size_t offset) {
  TextPosition p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

namespace {

class Scanner {
 public:
  // `out` may be null: then only duplicates are looked for (what every manifest load
  // needs); the full map is built on the first lookup, i.e. only when there is an error.
  Scanner(std::string_view text, std::map<std::string, TextPosition, std::less<>>* out,
          std::vector<DuplicateKey>* duplicates)
      : text_(text), out_(out), duplicates_(duplicates) {}

  // Scans the value at i_; path_ holds its JSON path, restored before returning.
  void value() {
    skip_ws();
    if (i_ >= text_.size()) return;
    char c = text_[i_];
    if (c == '{') {
      ++i_;
      std::vector<std::pair<std::string, TextPosition>> keys;  // of this object, for duplicates
      while (true) {
        skip_ws();
        if (i_ >= text_.size() || text_[i_] == '}') { ++i_; return; }
        if (text_[i_] == ',') { ++i_; continue; }
        TextPosition key_pos = here();
        std::string key = string();
        std::size_t mark = path_.size();
        if (!path_.empty()) path_ += '.';
        path_ += key;
        if (duplicates_) {
          auto it = std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.first == key; });
          if (it != keys.end()) {
            duplicates_->push_back({path_, key, key_pos, it->second});
          } else {
            keys.emplace_back(std::move(key), key_pos);
          }
        }
        if (out_) out_->insert_or_assign(path_, key_pos);
        skip_ws();
        if (i_ < text_.size() && text_[i_] == ':') ++i_;
        value();
        path_.resize(mark);
      }
    } else if (c == '[') {
      ++i_;
      std::size_t index = 0;
      while (true) {
        skip_ws();
        if (i_ >= text_.size() || text_[i_] == ']') { ++i_; return; }
        if (text_[i_] == ',') { ++i_; continue; }
        std::size_t mark = path_.size();
        path_ += '[';
        path_ += std::to_string(index++);
        path_ += ']';
        if (out_) out_->insert_or_assign(path_, here());
        value();
        path_.resize(mark);
      }
    } else if (c == '"') {
      skip_string();
    } else {
      while (i_ < text_.size() && !std::strchr(",]} \t\r\n", text_[i_])) ++i_;
    }
  }

 private:
  TextPosition here() {
    // Incremental line/column keeps the scan linear in the text size.
    while (pos_index_ < i_) {
      if (text_[pos_index_++] == '\n') {
        ++pos_.line;
        pos_.column = 1;
      } else {
        ++pos_.column;
      }
    }
    return pos_;
  }
  void skip_ws() {
    while (i_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[i_]))) ++i_;
  }
  // A string value: only its end matters.
  void skip_string() {
    ++i_;
    while (i_ < text_.size() && text_[i_] != '"') i_ += text_[i_] == '\\' ? 2 : 1;
    ++i_;
  }
  // Decodes escapes exactly as Boost.JSON does: diagnostic paths are built from its keys.
  std::string string() {
    std::string out;
    if (i_ >= text_.size() || text_[i_] != '"') return out;
    ++i_;
    while (i_ < text_.size() && text_[i_] != '"') {
      if (text_[i_] == '\\' && i_ + 1 < text_.size()) {
        char e = text_[i_ + 1];
        i_ += 2;
        switch (e) {
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': append_utf8(out, code_point()); break;
          default: out += e;  // \" \\ \/
        }
        continue;
      }
      out += text_[i_++];
    }
    ++i_;
    return out;
  }

  // The code point of a \uXXXX escape (i_ after the 'u'), joining a surrogate pair.
  std::uint32_t code_point() {
    std::uint32_t cp = hex4();
    if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(i_, 2) == "\\u") {
      i_ += 2;
      std::uint32_t low = hex4();
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    return cp;
  }
  std::uint32_t hex4() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4 && i_ < text_.size(); ++k, ++i_) {
      char c = text_[i_];
      v = v * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(c))
                                                  ? c - '0'
                                                  : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10));
    }
    return v;
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string_view text_;
  std::map<std::string, TextPosition, std::less<>>* out_;
  std::vector<DuplicateKey>* duplicates_;
  std::string path_;
  std::size_t i_ = 0;
  std::size_t pos_index_ = 0;
  TextPosition pos_{1, 1};
};

}  // namespace

JsonPositions::JsonPositions(std::string_view text) : lazy_(std::make_shared<Lazy>()) {
  lazy_->text.assign(text);
  Scanner(text, nullptr, &duplicates_).value();
}

TextPosition JsonPositions::find(std::string_view path) const {
  if (!lazy_) return {};
  std::call_once(lazy_->built, [&] {
    lazy_->positions.emplace("", TextPosition{1, 1});
    Scanner(lazy_->text, &lazy_->positions, nullptr).value();
  });
  const auto& positions = lazy_->positions;
  std::string p(path);
  while (true) {
    if (auto it = positions.find(p); it != positions.end()) return it->second;
    if (p.empty()) return {};
    auto cut = p.find_last_of(".[");
    p = cut == std::string::npos ? "" : p.substr(0, cut);
  }
}

}  // namespace drkit
