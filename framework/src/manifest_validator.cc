#include "manifest_validator.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "param_validator.h"
#include "spellcheck.h"
#include "template.h"

namespace drkit {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string read_secret(std::string_view ref, const fs::path& manifest_dir) {
  if (ref.starts_with("secret:env:")) {
    std::string name(ref.substr(11));
    const char* v = std::getenv(name.c_str());
    if (!v) throw ConfigError(fmt::format("secret environment variable {} is not set: export it before running drkit", name));
    return v;
  }
  if (ref.starts_with("secret:file:")) {
    fs::path p(std::string(ref.substr(12)));
    if (p.is_relative()) p = manifest_dir / p;
    std::error_code ec;
    // An ifstream opens a folder without error (the secret would silently be empty), and a
    // device or FIFO (/dev/zero, /dev/stdin) would never end: only regular files hold secrets.
    if (fs::exists(p, ec) && !fs::is_regular_file(p, ec))
      throw ConfigError(fmt::format("secret file {} is not a regular file: fix the path", p.string()));
    std::ifstream in(p, std::ios::binary);
    if (!in) throw ConfigError(fmt::format("secret file {} cannot be read: create it (mode 0600) or fix the path", p.string()));
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  }
  throw ConfigError(fmt::format("unknown secret source in '${{{}}}': use secret:env:NAME or secret:file:PATH", ref));
}

namespace {

// The steps whose outputs a template may read at one point: those finished before it, and
// for a step's verify probes and compensations the step itself. A chain of scopes rather
// than a copied set per step, which made validation quadratic in the number of steps.
struct Visible {
  const std::set<std::string>* finished = nullptr;
  const Visible* outer = nullptr;
  const std::string* self = nullptr;
  bool contains(const std::string& id) const {
    if (self && *self == id) return true;
    return outer ? outer->contains(id) : finished->contains(id);
  }
};

class Validator {
 public:
  Validator(const Manifest& m, const ComponentRegistry& reg) : m_(m), reg_(reg) {}

  Diagnostics run() {
    for (const auto& [name, r] : m_.resources) resource(r);
    for (const auto& n : m_.notifiers) {
      component(n.uses, ComponentKind::notifier, n.with, n.path, {});
    }
    for (const auto& [name, p] : m_.pipelines) pipeline(p);
    return std::move(out_);
  }

 private:
  void error(const std::string& path, std::string message) { out_.push_back({"", 0, 0, path, std::move(message)}); }

  std::optional<std::string> resource_type(const std::string& name) const {
    auto it = m_.resources.find(name);
    if (it == m_.resources.end()) return std::nullopt;
    return it->second.type;
  }

  void resource(const ResourceDef& r) {
    if (r.type.empty()) return;
    const auto* e = reg_.find(r.type, ComponentKind::resource);
    if (!e) {
      error(r.path + ".type", fmt::format("unknown resource type '{}'{}", r.type,
                                          did_you_mean(r.type, reg_.names(ComponentKind::resource))));
      return;
    }
    validate_params(e->spec, r.with, r.path + ".with", [](const std::string&) { return std::nullopt; },
                    ParamCheck{false}, out_);
    std::set<std::string> none;
    templates(r.with, r.path + ".with", Visible{&none});
  }

  // `earlier`: ids of steps that finish before this component runs.
  void component(const std::string& name, ComponentKind kind, const json::object& with,
                 const std::string& path, const Visible& earlier) {
    if (name.empty()) return;
    const auto* e = reg_.find(name, kind);
    if (!e) {
      const auto* other = reg_.find_any(name);
      std::string field = kind == ComponentKind::probe ? ".probe" : ".uses";
      if (other) {
        error(path + field, fmt::format("'{}' is a {}, but a {} is needed here", name,
                                        to_string(other->kind), to_string(kind)));
      } else {
        std::string hint = did_you_mean(name, reg_.names(kind));
        if (hint.empty() && name.find('.') == std::string::npos)
          hint = " (component names are qualified: PLUGIN.NAME; see `drkit plugins list`)";
        else if (hint.empty())
          hint = " (is its plugin on the plugin path? see `drkit plugins list`)";
        error(path + field, fmt::format("unknown {} '{}'{}", to_string(kind), name, hint));
      }
      return;
    }
    validate_params(e->spec, with, path + ".with",
                    [this](const std::string& n) { return resource_type(n); }, ParamCheck{false, resource_names_}, out_);
    templates(with, path + ".with", earlier);
  }

  void templates(const json::value& v, const std::string& path, const Visible& earlier) {
    if (v.is_object()) {
      for (const auto& [k, item] : v.get_object()) templates(item, path + "." + std::string(k), earlier);
      return;
    }
    if (v.is_array()) {
      std::size_t i = 0;
      for (const auto& item : v.get_array()) templates(item, path + "[" + std::to_string(i++) + "]", earlier);
      return;
    }
    if (!v.is_string()) return;
    std::vector<std::string> refs;
    try {
      refs = template_references(v.get_string());
    } catch (const ConfigError& e) {
      return error(path, e.what());
    }
    for (const auto& ref : refs) reference(ref, path, earlier);
  }

  void reference(const std::string& ref, const std::string& path, const Visible& earlier) {
    if (ref.starts_with("secret:") && (path.ends_with(".argv") || path.find(".argv[") != std::string::npos)) {
      return error(path, fmt::format("'${{{}}}': secrets must not go on a command line (any user can read it "
                                     "with ps): pass it through \"env\" or \"stdin\"", ref));
    }
    if (ref.starts_with("secret:")) {
      try {
        read_secret(ref, fs::absolute(m_.file).parent_path());
      } catch (const ConfigError& e) {
        error(path, e.what());
      }
      return;
    }
    if (ref == "run.id" || ref == "run.pipeline" || ref == "run.environment") return;
    if (ref.starts_with("steps.")) {
      auto rest = std::string_view(ref).substr(6);
      auto dot = rest.find(".outputs.");
      if (dot == std::string_view::npos || dot + 9 >= rest.size()) {
        return error(path, fmt::format("'${{{}}}' must read ${{steps.ID.outputs.KEY}}", ref));
      }
      std::string id(rest.substr(0, dot));
      if (earlier.contains(id)) return;
      if (all_ids_.count(id)) {
        return error(path, fmt::format("'${{{}}}' refers to step '{}', which does not finish before this "
                                       "point: move it earlier (steps in one parallel stage cannot see each other)",
                                       ref, id));
      }
      std::vector<std::string> ids(all_ids_.begin(), all_ids_.end());
      return error(path, fmt::format("'${{{}}}' refers to unknown step '{}'{}", ref, id, did_you_mean(id, ids)));
    }
    error(path, fmt::format("unknown reference '${{{}}}' (use var.NAME, secret:env:NAME, secret:file:PATH, "
                            "steps.ID.outputs.KEY, run.id, run.pipeline or run.environment)", ref));
  }

  void collect_ids(const StepDef& s, std::map<std::string, std::string>& seen) {
    if (!s.id.empty()) {
      if (auto [it, fresh] = seen.emplace(s.id, s.path); !fresh) {
        auto pos = m_.positions.find(it->second);
        error(s.path + ".id", fmt::format("duplicate step id '{}' (first used at line {}): ids must be unique in a pipeline",
                                          s.id, pos.line));
      }
      all_ids_.insert(s.id);
    }
    for (const auto& c : s.compensate) collect_ids(c, seen);
  }

  void probe_use(const ProbeUse& p, const Visible& earlier) {
    component(p.probe, ComponentKind::probe, p.with, p.path, earlier);
  }

  void step(const StepDef& s, const Visible& earlier) {
    component(s.uses, ComponentKind::step, s.with, s.path, earlier);
    if (s.when_probe) probe_use(*s.when_probe, earlier);
    if (s.when_value) templates(*s.when_value, s.path + ".when", earlier);
    Visible with_self{nullptr, &earlier, &s.id};
    for (const auto& v : s.verify) probe_use(v, with_self);
    if (s.wait_until) probe_use(s.wait_until->probe, with_self);
    for (const auto& c : s.compensate) step(c, with_self);
  }

  void pipeline(const PipelineDef& p) {
    all_ids_.clear();
    std::map<std::string, std::string> seen;
    for (const auto* s : p.steps()) collect_ids(*s, seen);
    std::set<std::string> finished;
    Visible earlier{&finished};
    for (const auto& g : p.guards) probe_use(g, earlier);
    for (const auto& stage : p.stages) {
      for (const auto& s : stage.steps) step(s, earlier);
      for (const auto& s : stage.steps) finished.insert(s.id);
    }
  }

  const Manifest& m_;
  const ComponentRegistry& reg_;
  Diagnostics out_;
  std::set<std::string> all_ids_;
  std::vector<std::string> resource_names_ = [this] {
    std::vector<std::string> names;
    for (const auto& [name, r] : m_.resources) names.push_back(name);
    return names;
  }();
};

}  // namespace

Diagnostics validate_manifest(const Manifest& manifest, const ComponentRegistry& registry) {
  auto out = Validator(manifest, registry).run();
  manifest.locate(out);
  return out;
}

}  // namespace drkit
