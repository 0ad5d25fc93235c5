#include "value.hpp"

#include <algorithm>
#include <cctype>

namespace cssim {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const Value* Hashtable::find(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (iequals(k, key)) return &v;
  return nullptr;
}

void Hashtable::set(std::string key, Value value) {
  for (auto& [k, v] : entries)
    if (iequals(k, key)) {
      v = std::move(value);
      return;
    }
  entries.emplace_back(std::move(key), std::move(value));
}

const Value* Object::find(std::string_view name) const {
  for (const auto& [k, v] : properties)
    if (iequals(k, name)) return &v;
  return nullptr;
}

const Array* Value::array_if() const {
  auto p = std::get_if<std::shared_ptr<Array>>(&v_);
  return p ? p->get() : nullptr;
}
const Hashtable* Value::hashtable_if() const {
  auto p = std::get_if<std::shared_ptr<Hashtable>>(&v_);
  return p ? p->get() : nullptr;
}
const Object* Value::object_if() const {
  auto p = std::get_if<std::shared_ptr<Object>>(&v_);
  return p ? p->get() : nullptr;
}

std::string Value::type_name() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool) const { return "System.Boolean"; }
    std::string operator()(std::int64_t) const { return "System.Int64"; }
    std::string operator()(const std::string&) const { return "System.String"; }
    std::string operator()(const EnumValue& e) const { return e.type_name; }
    std::string operator()(const std::shared_ptr<Array>&) const { return "System.Object[]"; }
    std::string operator()(const std::shared_ptr<Hashtable>&) const {
      return "System.Collections.Hashtable";
    }
    std::string operator()(const std::shared_ptr<Object>& o) const { return o->type_name; }
    std::string operator()(const ScriptBlockValue&) const {
      return "System.Management.Automation.ScriptBlock";
    }
  };
  return std::visit(Visitor{}, v_);
}

std::string Value::to_string() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const EnumValue& e) const { return e.name; }
    std::string operator()(const std::shared_ptr<Array>& a) const {
      // $OFS defaults to a single space.
      std::string out;
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (i) out += ' ';
        out += (*a)[i].to_string();
      }
      return out;
    }
    std::string operator()(const std::shared_ptr<Hashtable>&) const {
      return "System.Collections.Hashtable";
    }
    std::string operator()(const std::shared_ptr<Object>& o) const {
      return o->display.empty() ? o->type_name : o->display;
    }
    std::string operator()(const ScriptBlockValue&) const { return "{ script block }"; }
  };
  return std::visit(Visitor{}, v_);
}

bool Value::truthy() const {
  struct Visitor {
    bool operator()(std::monostate) const { return false; }
    bool operator()(bool b) const { return b; }
    bool operator()(std::int64_t i) const { return i != 0; }
    bool operator()(const std::string& s) const { return !s.empty(); }
    bool operator()(const EnumValue& e) const { return e.number != 0; }
    bool operator()(const std::shared_ptr<Array>& a) const {
      if (a->empty()) return false;
      if (a->size() == 1) return (*a)[0].truthy();
      return true;
    }
    bool operator()(const std::shared_ptr<Hashtable>&) const { return true; }
    bool operator()(const std::shared_ptr<Object>&) const { return true; }
    bool operator()(const ScriptBlockValue&) const { return true; }
  };
  return std::visit(Visitor{}, v_);
}

std::shared_ptr<Object> make_object(std::string type_name,
                                    std::vector<std::pair<std::string, Value>> properties,
                                    std::string display) {
  auto o = std::make_shared<Object>();
  o->type_name = std::move(type_name);
  o->properties = std::move(properties);
  o->display = std::move(display);
  return o;
}

std::vector<Value> enumerate(const Value& v, bool drop_null) {
  if (auto a = v.array_if()) return *a;
  if (drop_null && v.is_null()) return {};
  return {v};
}

}  // namespace cssim
