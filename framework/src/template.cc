#include "template.h"

#include <boost/json/serialize.hpp>

#include "drkit/errors.hpp"

namespace drkit {

namespace {

struct Piece {
  bool is_ref;
  std::string text;
};

std::vector<Piece> split(std::string_view s) {
  std::vector<Piece> pieces;
  std::string literal;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 3, "$${") == 0) {
      literal += "${";
      i += 3;
    } else if (s.compare(i, 2, "${") == 0) {
      auto close = s.find('}', i + 2);
      if (close == std::string_view::npos)
        throw ConfigError("'${' is never closed with '}' (write $${ for a literal ${)");
      if (!literal.empty()) pieces.push_back({false, std::move(literal)}), literal.clear();
      pieces.push_back({true, std::string(s.substr(i + 2, close - i - 2))});
      i = close + 1;
    } else {
      literal += s[i++];
    }
  }
  if (!literal.empty()) pieces.push_back({false, std::move(literal)});
  return pieces;
}

}  // namespace

std::vector<std::string> template_references(std::string_view text) {
  std::vector<std::string> refs;
  for (auto& p : split(text))
    if (p.is_ref) refs.push_back(std::move(p.text));
  return refs;
}

namespace {

// A literal piece written back as template text: "${" -> "$${".
std::string escape(const std::string& literal) {
  std::string out;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal.compare(i, 2, "${") == 0) out += '$';
    out += literal[i];
  }
  return out;
}

// Resolves in place. `path` is one buffer extended on the way down and restored on the
// way up, so path strings are only copied for the strings that hold a problem.
void resolve_in_place(boost::json::value& v, const TemplateLookup& lookup, std::string& path, Diagnostics& out,
                      Escapes escapes) {
  switch (v.kind()) {
    case boost::json::kind::string: {
      std::string_view s = v.get_string();
      if (s.find("${") == std::string_view::npos) return;
      try {
        auto pieces = split(s);
        if (pieces.size() == 1 && pieces[0].is_ref) {
          v = lookup(pieces[0].text);
          return;
        }
        std::string text;
        for (const auto& p : pieces) {
          if (!p.is_ref) {
            text += escapes == Escapes::keep ? escape(p.text) : p.text;
            continue;
          }
          auto value = lookup(p.text);
          text += value.is_string() ? std::string(value.get_string()) : boost::json::serialize(value);
        }
        v = boost::json::value(text);
      } catch (const ConfigError& e) {
        out.push_back({"", 0, 0, path, e.what()});
      }
      return;
    }
    case boost::json::kind::array: {
      std::size_t i = 0;
      for (auto& item : v.get_array()) {
        std::size_t mark = path.size();
        path += '[';
        path += std::to_string(i++);
        path += ']';
        resolve_in_place(item, lookup, path, out, escapes);
        path.resize(mark);
      }
      return;
    }
    case boost::json::kind::object: {
      for (auto& [k, item] : v.get_object()) {
        std::size_t mark = path.size();
        path += '.';
        path += k;
        resolve_in_place(item, lookup, path, out, escapes);
        path.resize(mark);
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace

boost::json::value resolve_templates(const boost::json::value& v, const TemplateLookup& lookup,
                                     const std::string& path, Diagnostics& out) {
  boost::json::value copy = v;
  resolve_templates_in_place(copy, lookup, path, out);
  return copy;
}

void resolve_templates_in_place(boost::json::value& v, const TemplateLookup& lookup, const std::string& path,
                                Diagnostics& out, Escapes escapes) {
  std::string buffer = path;
  resolve_in_place(v, lookup, buffer, out, escapes);
}

}  // namespace drkit
