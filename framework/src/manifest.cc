#include "manifest.h"

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <boost/json/parser.hpp>
#include <boost/json/stream_parser.hpp>
#include <fmt/format.h>

#include "drkit/errors.hpp"
#include "spellcheck.h"
#include "template.h"

namespace drkit {

namespace fs = std::filesystem;
namespace json = boost::json;

std::vector<const StepDef*> PipelineDef::steps() const {
  std::vector<const StepDef*> out;
  for (const auto& stage : stages)
    for (const auto& s : stage.steps) out.push_back(&s);
  return out;
}

std::set<std::string> Manifest::plugin_names() const {
  std::set<std::string> out;
  auto add = [&](const std::string& qualified) {
    if (auto dot = qualified.find('.'); dot != std::string::npos && dot > 0) out.insert(qualified.substr(0, dot));
  };
  auto add_probe = [&](const ProbeUse& p) { add(p.probe); };
  std::function<void(const StepDef&)> add_step = [&](const StepDef& s) {
    add(s.uses);
    if (s.when_probe) add_probe(*s.when_probe);
    for (const auto& v : s.verify) add_probe(v);
    if (s.wait_until) add_probe(s.wait_until->probe);
    for (const auto& c : s.compensate) add_step(c);
  };
  for (const auto& [name, p] : pipelines) {
    for (const auto& g : p.guards) add_probe(g);
    for (const auto& stage : p.stages)
      for (const auto& s : stage.steps) add_step(s);
  }
  for (const auto& [name, r] : resources) add(r.type);
  for (const auto& n : notifiers) add(n.uses);
  return out;
}

void Manifest::locate(Diagnostics& diagnostics) const {
  for (auto& d : diagnostics) {
    if (d.file.empty()) d.file = file.string();
    // An empty path is the whole manifest: its first character.
    if (d.line == 0) {
      // An environment overlay's value is where the user wrote it.
      TextPosition p = positions.find(d.path);
      if (!environment.empty()) {
        auto overlay = positions.find("environments." + environment + "." + d.path);
        auto env_root = positions.find("environments." + environment);
        // Only when the overlay itself holds the path (not just the environment's key).
        if (overlay.line && (overlay.line != env_root.line || overlay.column != env_root.column))
          p = overlay;
      }
      d.line = p.line;
      d.column = p.column;
    }
  }
}

const PipelineDef* Manifest::pipeline(std::string_view name) const {
  auto it = pipelines.find(std::string(name));
  return it == pipelines.end() ? nullptr : &it->second;
}

std::string Manifest::unknown_pipeline_message(std::string_view name) const {
  std::vector<std::string> names;
  std::string list;
  for (const auto& [n, p] : pipelines) {
    names.push_back(n);
    list += (list.empty() ? "" : ", ") + n;
  }
  return fmt::format("unknown pipeline '{}'{} (pipelines: {})", name, did_you_mean(name, names),
                     list.empty() ? "none" : list);
}

namespace {

std::string sha256_hex(const std::string& text) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

// Reads one JSON object of the manifest, reporting wrong types and unknown keys.
class Reader {
 public:
  Reader(Diagnostics& out) : out_(out) {}

  void error(const std::string& path, std::string message) {
    out_.push_back({"", 0, 0, path, std::move(message)});
  }

  // Returns nullptr (and reports) when `v` is not an object.
  const json::object* object(const json::value& v, const std::string& path, std::string_view what) {
    if (v.is_object()) return &v.get_object();
    error(path, fmt::format("{} must be a JSON object", what));
    return nullptr;
  }

  void only_keys(const json::object& o, const std::string& path, const std::vector<std::string>& keys,
                 std::string_view what) {
    for (const auto& [k, v] : o) {
      if (std::find(keys.begin(), keys.end(), k) != keys.end()) continue;
      std::string list;
      for (const auto& key : keys) list += (list.empty() ? "" : ", ") + key;
      error(join(path, k), fmt::format("unknown key '{}' in {}{} (allowed: {})", std::string_view(k),
                                       what, did_you_mean(k, keys), list));
    }
  }

  std::string string(const json::object& o, std::string_view key, const std::string& path,
                     bool required = false) {
    auto it = o.find(key);
    if (it == o.end()) {
      if (required) error(path, fmt::format("missing required key '{}'", key));
      return {};
    }
    if (!it->value().is_string()) {
      error(join(path, key), fmt::format("'{}' must be a string", key));
      return {};
    }
    return std::string(it->value().get_string());
  }

  std::optional<Duration> duration(const json::object& o, std::string_view key, const std::string& path) {
    auto it = o.find(key);
    if (it == o.end()) return std::nullopt;
    const auto& v = it->value();
    std::optional<Duration> d;
    if (v.is_string()) d = parse_duration(v.get_string());
    else if (v.is_int64() && v.get_int64() >= 0) d = std::chrono::seconds(v.get_int64());
    if (!d) error(join(path, key), fmt::format("'{}' must be a duration such as \"30s\", \"5m\" or \"1h\"", key));
    return d;
  }

  json::object with(const json::object& o, const std::string& path) {
    auto it = o.find("with");
    if (it == o.end()) return {};
    if (auto* w = object(it->value(), join(path, "with"), "'with'")) return *w;
    return {};
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

 private:
  Diagnostics& out_;
};

ProbeUse read_probe_use(Reader& r, const json::value& v, const std::string& path, std::string_view what,
                        bool guard) {
  ProbeUse use;
  use.path = path;
  const auto* o = r.object(v, path, what);
  if (!o) return use;
  std::vector<std::string> keys = {"probe", "with", "expect", "description"};
  if (guard) keys.insert(keys.end(), {"id", "reason"});
  r.only_keys(*o, path, keys, what);
  use.probe = r.string(*o, "probe", path, true);
  use.with = r.with(*o, path);
  if (auto it = o->find("expect"); it != o->end()) use.expect = it->value();
  use.reason = r.string(*o, "reason", path);
  use.id = r.string(*o, "id", path);
  if (use.id.empty()) use.id = use.probe;
  return use;
}

StepDef read_step(Reader& r, const json::value& v, const std::string& path);

std::vector<StepDef> read_step_list(Reader& r, const json::object& o, std::string_view key,
                                    const std::string& path) {
  std::vector<StepDef> steps;
  auto it = o.find(key);
  if (it == o.end()) return steps;
  std::string lpath = Reader::join(path, key);
  if (!it->value().is_array()) {
    r.error(lpath, fmt::format("'{}' must be a list of steps", key));
    return steps;
  }
  std::size_t i = 0;
  for (const auto& item : it->value().get_array())
    steps.push_back(read_step(r, item, lpath + "[" + std::to_string(i++) + "]"));
  return steps;
}

StepDef read_step(Reader& r, const json::value& v, const std::string& path) {
  StepDef s;
  s.path = path;
  const auto* o = r.object(v, path, "a step");
  if (!o) return s;
  r.only_keys(*o, path,
              {"id", "uses", "with", "description", "when", "confirm", "retry", "timeout",
               "on_failure", "critical", "verify", "wait_until", "compensate"},
              "a step");
  s.id = r.string(*o, "id", path, true);
  s.uses = r.string(*o, "uses", path, true);
  s.with = r.with(*o, path);
  s.description = r.string(*o, "description", path);
  s.confirm = r.string(*o, "confirm", path);
  s.timeout = r.duration(*o, "timeout", path);
  if (auto it = o->find("when"); it != o->end()) {
    if (it->value().is_object() && it->value().get_object().contains("probe"))
      s.when_probe = read_probe_use(r, it->value(), Reader::join(path, "when"), "'when'", false);
    else
      s.when_value = it->value();
  }
  if (auto it = o->find("retry"); it != o->end()) {
    std::string rpath = Reader::join(path, "retry");
    if (const auto* ro = r.object(it->value(), rpath, "'retry'")) {
      r.only_keys(*ro, rpath, {"attempts", "delay", "backoff", "max_delay"}, "'retry'");
      if (auto a = ro->find("attempts"); a != ro->end()) {
        if (a->value().is_int64() && a->value().get_int64() >= 1 && a->value().get_int64() <= 1000)
          s.retry.attempts = static_cast<int>(a->value().get_int64());
        else
          r.error(Reader::join(rpath, "attempts"), "'attempts' must be an integer from 1 to 1000");
      }
      if (auto d = r.duration(*ro, "delay", rpath)) s.retry.delay = *d;
      if (auto d = r.duration(*ro, "max_delay", rpath)) s.retry.max_delay = *d;
      if (auto b = ro->find("backoff"); b != ro->end()) {
        if (b->value().is_number() && b->value().to_number<double>() >= 1.0)
          s.retry.backoff = b->value().to_number<double>();
        else
          r.error(Reader::join(rpath, "backoff"), "'backoff' must be a number >= 1.0");
      }
    }
  }
  if (auto it = o->find("on_failure"); it != o->end()) {
    std::string f = it->value().is_string() ? std::string(it->value().get_string()) : "";
    if (f == "abort") s.on_failure = OnFailure::abort;
    else if (f == "continue") s.on_failure = OnFailure::continue_;
    else if (f == "rollback") s.on_failure = OnFailure::rollback;
    else
      r.error(Reader::join(path, "on_failure"),
              fmt::format("'on_failure' must be \"abort\", \"continue\" or \"rollback\"{}",
                          did_you_mean(f, {"abort", "continue", "rollback"})));
  }
  if (auto it = o->find("critical"); it != o->end()) {
    if (it->value().is_bool()) s.critical = it->value().get_bool();
    else r.error(Reader::join(path, "critical"), "'critical' must be true or false");
  }
  if (auto it = o->find("verify"); it != o->end()) {
    std::string vpath = Reader::join(path, "verify");
    if (!it->value().is_array()) {
      r.error(vpath, "'verify' must be a list of probes");
    } else {
      std::size_t i = 0;
      for (const auto& item : it->value().get_array())
        s.verify.push_back(read_probe_use(r, item, vpath + "[" + std::to_string(i++) + "]", "a verify probe", false));
    }
  }
  if (auto it = o->find("wait_until"); it != o->end()) {
    std::string wpath = Reader::join(path, "wait_until");
    if (const auto* wo = r.object(it->value(), wpath, "'wait_until'")) {
      r.only_keys(*wo, wpath, {"probe", "with", "expect", "interval", "timeout"}, "'wait_until'");
      WaitUntil w;
      w.probe.path = wpath;
      w.probe.probe = r.string(*wo, "probe", wpath, true);
      w.probe.id = w.probe.probe;
      w.probe.with = r.with(*wo, wpath);
      if (auto e = wo->find("expect"); e != wo->end()) w.probe.expect = e->value();
      if (auto d = r.duration(*wo, "interval", wpath)) w.interval = *d;
      if (auto d = r.duration(*wo, "timeout", wpath)) w.timeout = *d;
      s.wait_until = std::move(w);
    }
  }
  s.compensate = read_step_list(r, *o, "compensate", path);
  return s;
}

Stage read_stage(Reader& r, const json::value& v, const std::string& path) {
  Stage stage;
  stage.path = path;
  if (v.is_object() && v.get_object().contains("parallel")) {
    const auto& o = v.get_object();
    r.only_keys(o, path, {"parallel", "max_parallel", "fail_fast", "description"}, "a parallel stage");
    stage.parallel = true;
    stage.steps = read_step_list(r, o, "parallel", path);
    if (auto it = o.find("max_parallel"); it != o.end()) {
      if (it->value().is_int64() && it->value().get_int64() >= 1)
        stage.max_parallel = static_cast<int>(it->value().get_int64());
      else
        r.error(Reader::join(path, "max_parallel"), "'max_parallel' must be an integer >= 1");
    }
    if (auto it = o.find("fail_fast"); it != o.end()) {
      if (it->value().is_bool()) stage.fail_fast = it->value().get_bool();
      else r.error(Reader::join(path, "fail_fast"), "'fail_fast' must be true or false");
    }
    return stage;
  }
  stage.steps.push_back(read_step(r, v, path));
  return stage;
}

// Deep-merges `overlay` into `base`: objects merge key by key, anything else replaces.
void deep_merge(json::object& base, const json::object& overlay) {
  for (const auto& [k, v] : overlay) {
    auto it = base.find(k);
    if (it != base.end() && it->value().is_object() && v.is_object())
      deep_merge(it->value().get_object(), v.get_object());
    else
      base[k] = v;
  }
}

}  // namespace

Manifest parse_manifest(std::string text, const fs::path& file, const std::string& environment) {
  Manifest m;
  m.file = file;
  m.environment = environment;
  Diagnostics problems;
  auto fail = [&]() {
    m.locate(problems);
    throw ValidationFailed(problems);
  };

  json::stream_parser parser;
  json::error_code ec;
  std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    auto pos = position_of(text, consumed);
    problems.push_back({file.string(), pos.line, pos.column, "",
                        fmt::format("invalid JSON: {} (check for a missing comma, quote or brace "
                                    "just before this point)", ec.message())});
    throw ValidationFailed(problems);
  }
  json::value root = parser.release();
  m.positions = JsonPositions(text);
  // Boost.JSON keeps the last of two equal keys: the first one's settings would vanish.
  for (const auto& d : m.positions.duplicates()) {
    problems.push_back({file.string(), d.at.line, d.at.column, d.path,
                        fmt::format("duplicate key '{}' (first at line {}): only the last one "
                                    "would count; merge them or remove one",
                                    d.key, d.first.line)});
  }
  m.text = std::move(text);
  m.hash = sha256_hex(m.text);

  Reader r(problems);
  auto* top = root.is_object() ? &root.get_object() : nullptr;
  if (!top) {
    r.error("", "the manifest must be a JSON object with \"drkit\": 1 and \"pipelines\"");
    fail();
  }
  r.only_keys(*top, "",
              {"drkit", "name", "description", "vars", "environments", "resources", "notify",
               "pipelines", "plugin_path", "$schema"},
              "the manifest");
  if (auto it = top->find("drkit"); it == top->end()) {
    r.error("", "missing \"drkit\": 1 (the manifest format version)");
  } else if (!(it->value().is_int64() && it->value().get_int64() == 1)) {
    r.error("drkit", "this drkit reads manifest format 1: set \"drkit\": 1");
  }

  // The environment overlay: environments.NAME merged over the top level.
  json::object merged = *top;
  merged.erase("environments");
  if (!environment.empty()) {
    auto envs = top->find("environments");
    std::vector<std::string> names;
    if (envs != top->end() && envs->value().is_object())
      for (const auto& [k, v] : envs->value().get_object()) names.emplace_back(k);
    const json::value* env = nullptr;
    if (envs != top->end() && envs->value().is_object()) env = envs->value().get_object().if_contains(environment);
    if (!env) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      r.error(envs == top->end() ? "" : "environments",
              fmt::format("unknown environment '{}'{} (environments: {})", environment,
                          did_you_mean(environment, names), list.empty() ? "none" : list));
      fail();
    }
    std::string epath = "environments." + environment;
    if (const auto* eo = r.object(*env, epath, "an environment")) {
      r.only_keys(*eo, epath, {"vars", "resources", "notify", "pipelines", "plugin_path", "description"},
                  "an environment");
      deep_merge(merged, *eo);
    }
  }

  m.name = r.string(merged, "name", "");
  if (auto it = merged.find("vars"); it != merged.end())
    if (const auto* v = r.object(it->value(), "vars", "'vars'")) m.vars = *v;

  // ${var.x} is resolved once, here; other references wait for the run.
  auto var_lookup = [&](std::string_view ref) -> json::value {
    if (ref.starts_with("var.")) {
      std::string name(ref.substr(4));
      if (const auto* v = m.vars.if_contains(name)) return *v;
      std::vector<std::string> names;
      for (const auto& [k, v] : m.vars) names.emplace_back(k);
      throw ConfigError(fmt::format("unknown variable '{}': define it under \"vars\"{}", name,
                                    did_you_mean(name, names)));
    }
    return json::value("${" + std::string(ref) + "}");  // left for later
  };
  for (const char* section : {"resources", "notify", "pipelines"}) {
    if (auto it = merged.find(section); it != merged.end())
      resolve_templates_in_place(it->value(), var_lookup, section, problems, Escapes::keep);
  }

  if (auto it = merged.find("plugin_path"); it != merged.end()) {
    auto add = [&](const json::value& p, const std::string& path) {
      if (!p.is_string()) return r.error(path, "'plugin_path' entries must be strings");
      fs::path dir(std::string(p.get_string()));
      m.plugin_path.push_back(dir.is_absolute() ? dir : fs::absolute(file).parent_path() / dir);
    };
    if (it->value().is_array()) {
      std::size_t i = 0;
      for (const auto& p : it->value().get_array()) add(p, "plugin_path[" + std::to_string(i++) + "]");
    } else {
      add(it->value(), "plugin_path");
    }
  }

  if (auto it = merged.find("resources"); it != merged.end()) {
    if (const auto* ro = r.object(it->value(), "resources", "'resources'")) {
      for (const auto& [name, v] : *ro) {
        std::string path = "resources." + std::string(name);
        const auto* o = r.object(v, path, "a resource");
        if (!o) continue;
        r.only_keys(*o, path, {"type", "with", "description"}, "a resource");
        m.resources[std::string(name)] = {std::string(name), r.string(*o, "type", path, true), r.with(*o, path), path};
      }
    }
  }

  if (auto it = merged.find("notify"); it != merged.end()) {
    if (!it->value().is_array()) {
      r.error("notify", "'notify' must be a list of notifiers");
    } else {
      std::size_t i = 0;
      for (const auto& v : it->value().get_array()) {
        std::string path = "notify[" + std::to_string(i++) + "]";
        const auto* o = r.object(v, path, "a notifier");
        if (!o) continue;
        r.only_keys(*o, path, {"name", "uses", "with", "on", "description"}, "a notifier");
        NotifierDef n{r.string(*o, "name", path), r.string(*o, "uses", path, true), r.with(*o, path), {}, path};
        if (n.name.empty()) n.name = n.uses;
        if (auto on = o->find("on"); on != o->end()) {
          if (on->value().is_array()) {
            for (const auto& p : on->value().get_array())
              if (p.is_string()) n.on.emplace_back(p.get_string());
              else r.error(path + ".on", "'on' patterns must be strings such as \"run.*\"");
          } else {
            r.error(path + ".on", "'on' must be a list of event patterns such as [\"run.*\", \"step.failed\"]");
          }
        }
        m.notifiers.push_back(std::move(n));
      }
    }
  }

  if (auto it = merged.find("pipelines"); it == merged.end()) {
    r.error("", "missing \"pipelines\": define at least one pipeline");
  } else if (const auto* po = r.object(it->value(), "pipelines", "'pipelines'")) {
    for (const auto& [name, v] : *po) {
      std::string path = "pipelines." + std::string(name);
      const auto* o = r.object(v, path, "a pipeline");
      if (!o) continue;
      r.only_keys(*o, path, {"description", "rto_target", "guards", "steps"}, "a pipeline");
      PipelineDef p;
      p.name = name;
      p.path = path;
      p.description = r.string(*o, "description", path);
      p.rto_target = r.duration(*o, "rto_target", path);
      if (auto g = o->find("guards"); g != o->end()) {
        if (!g->value().is_array()) {
          r.error(path + ".guards", "'guards' must be a list of probes");
        } else {
          std::size_t i = 0;
          for (const auto& gv : g->value().get_array())
            p.guards.push_back(read_probe_use(r, gv, path + ".guards[" + std::to_string(i++) + "]", "a guard", true));
        }
      }
      auto s = o->find("steps");
      if (s == o->end() || !s->value().is_array()) {
        r.error(s == o->end() ? path : path + ".steps", "a pipeline needs \"steps\": a list of steps");
      } else {
        std::size_t i = 0;
        for (const auto& sv : s->value().get_array())
          p.stages.push_back(read_stage(r, sv, path + ".steps[" + std::to_string(i++) + "]"));
      }
      m.pipelines[std::string(name)] = std::move(p);
    }
  }
  if (!problems.empty()) fail();
  return m;
}

Manifest load_manifest(const fs::path& file, const std::string& environment) {
  std::error_code dir_ec;
  // An ifstream opens a folder without error and reads nothing from it.
  if (fs::is_directory(file, dir_ec)) {
    throw ValidationFailed({{file.string(), 0, 0, "",
                             "cannot read the manifest: it is a folder (pass --manifest "
                             "FOLDER/drkit.json)"}});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::error_code ec;
    std::string why = fs::exists(file, ec) ? "it is not readable (check its permissions)"
                                           : "no such file (pass --manifest PATH, or run where drkit.json is)";
    throw ValidationFailed({{file.string(), 0, 0, "", "cannot read the manifest: " + why}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_manifest(text.str(), file, environment);
}

}  // namespace drkit
