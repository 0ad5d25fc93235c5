#include "drkit/spec.hpp"

namespace drkit {

const char* to_string(ParamType type) {
  switch (type) {
    case ParamType::string: return "string";
    case ParamType::integer: return "integer";
    case ParamType::boolean: return "boolean";
    case ParamType::duration: return "duration";
    case ParamType::list: return "list";
    case ParamType::object: return "object";
    case ParamType::resource: return "resource";
  }
  return "?";
}

const char* to_string(Effect effect) {
  return effect == Effect::mutating ? "mutating" : "read-only";
}

const char* to_string(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::step: return "step";
    case ComponentKind::probe: return "probe";
    case ComponentKind::notifier: return "notifier";
    case ComponentKind::resource: return "resource";
  }
  return "?";
}

}  // namespace drkit
