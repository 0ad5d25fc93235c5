#include "json_writer.hpp"

#include <fmt/format.h>

namespace cssim {

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      // JavaScriptSerializer (5.1) escapes these for HTML safety.
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case '\'': out += "\\u0027"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        else
          out.push_back(c);
    }
  }
  out += '"';
  return out;
}

namespace {

class Writer {
 public:
  Writer(int max_depth, bool compress) : max_depth_(max_depth), compress_(compress) {}

  void write(const Value& v, int level) {
    if (v.is_null()) {
      out_ += "null";
    } else if (v.is_bool()) {
      out_ += v.truthy() ? "true" : "false";
    } else if (v.is_integer()) {
      out_ += v.to_string();
    } else if (auto e = v.enum_if()) {
      out_ += std::to_string(e->number);
    } else if (auto s = v.string_if()) {
      out_ += json_quote(*s);
    } else if (auto a = v.array_if()) {
      if (level > max_depth_) {
        out_ += json_quote(v.to_string());
        return;
      }
      out_ += '[';
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (i) out_ += ',';
        newline(level + 1);
        write((*a)[i], level + 1);
      }
      if (!a->empty()) newline(level);
      out_ += ']';
    } else if (auto h = v.hashtable_if()) {
      write_members(h->entries, v, level);
    } else if (auto o = v.object_if()) {
      write_members(o->properties, v, level);
    } else {
      out_ += json_quote(v.to_string());
    }
  }

  std::string take() { return std::move(out_); }

 private:
  void write_members(const std::vector<std::pair<std::string, Value>>& members, const Value& v,
                     int level) {
    if (level >= max_depth_ + 1) {
      out_ += json_quote(v.to_string());
      return;
    }
    out_ += '{';
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i) out_ += ',';
      newline(level + 1);
      out_ += json_quote(members[i].first);
      out_ += compress_ ? ":" : ":  ";
      write(members[i].second, level + 1);
    }
    if (!members.empty()) newline(level);
    out_ += '}';
  }

  void newline(int level) {
    if (compress_) return;
    out_ += "\r\n";
    out_.append(static_cast<std::size_t>(level) * 4, ' ');
  }

  int max_depth_;
  bool compress_;
  std::string out_;
};

}  // namespace

std::string convert_to_json(const Value& v, int depth, bool compress) {
  Writer w(depth, compress);
  w.write(v, 0);
  return w.take();
}

}  // namespace cssim
