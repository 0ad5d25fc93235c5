// Values of the simulated PowerShell: the few .NET shapes the Management Shell cmdlets and
// the scripts drkit generates produce.
//
// Arrays, hashtables and objects have reference semantics, as in .NET: copying a Value
// copies the reference.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cssim {

struct Block;  // a parsed script block (ast.hpp)
class Value;

// A .NET enum value, e.g. PoolState.FailedOver. ConvertTo-Json in Windows PowerShell 5.1
// writes the number, [string] gives the name: the simulator keeps both to be faithful.
struct EnumValue {
  std::string type_name;
  std::string name;
  std::int64_t number = 0;
};

using Array = std::vector<Value>;

// An ordered, case-insensitive map: PowerShell's @{} (and [ordered]@{}).
struct Hashtable {
  std::vector<std::pair<std::string, Value>> entries;
  const Value* find(std::string_view key) const;
  void set(std::string key, Value value);
};

// A .NET object: a type name, ordered properties and what ToString() returns.
struct Object {
  std::string type_name;
  std::vector<std::pair<std::string, Value>> properties;
  // What [string] and ToString() give; empty means the type name (the .NET default).
  std::string display;
  const Value* find(std::string_view name) const;
};

struct ScriptBlockValue {
  std::shared_ptr<const Block> block;
};

class Value {
 public:
  using Storage = std::variant<std::monostate, bool, std::int64_t, std::string, EnumValue,
                               std::shared_ptr<Array>, std::shared_ptr<Hashtable>,
                               std::shared_ptr<Object>, ScriptBlockValue>;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(std::int64_t i) : v_(i) {}
  Value(int i) : v_(static_cast<std::int64_t>(i)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(EnumValue e) : v_(std::move(e)) {}
  Value(Array a) : v_(std::make_shared<Array>(std::move(a))) {}
  Value(std::shared_ptr<Array> a) : v_(std::move(a)) {}
  Value(std::shared_ptr<Hashtable> h) : v_(std::move(h)) {}
  Value(std::shared_ptr<Object> o) : v_(std::move(o)) {}
  Value(ScriptBlockValue b) : v_(std::move(b)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_integer() const { return std::holds_alternative<std::int64_t>(v_); }
  const std::string* string_if() const { return std::get_if<std::string>(&v_); }
  const EnumValue* enum_if() const { return std::get_if<EnumValue>(&v_); }
  const Array* array_if() const;
  const Hashtable* hashtable_if() const;
  const Object* object_if() const;
  const ScriptBlockValue* script_block_if() const { return std::get_if<ScriptBlockValue>(&v_); }
  const Storage& storage() const { return v_; }

  // The .NET type name, for error messages: "System.String", "System.Object[]".
  std::string type_name() const;
  // What [string]$x gives: arrays joined with spaces, $null as "", enums by name.
  std::string to_string() const;
  // PowerShell truthiness ($true, non-empty string, non-zero number, non-empty array...).
  bool truthy() const;

 private:
  Storage v_;
};

// Builds an object from (name, value) pairs in order.
std::shared_ptr<Object> make_object(std::string type_name,
                                    std::vector<std::pair<std::string, Value>> properties,
                                    std::string display = {});

// Case-insensitive ASCII comparison, as PowerShell compares names and most strings.
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

// Enumerates a pipeline value: an array gives its items, anything else itself ($null
// gives nothing only when `drop_null`).
std::vector<Value> enumerate(const Value& v, bool drop_null = false);

}  // namespace cssim
