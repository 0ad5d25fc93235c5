// Planner: what a pipeline would do, step by step, without side effects.
//
// Calls Step::plan() (never run()) with parameters resolved exactly as a run would:
// secrets shown as ***, outputs of earlier steps as "<outputs of ID.KEY>".
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "component_registry.h"
#include "drkit/component.hpp"
#include "manifest.h"

namespace drkit {

struct PlannedStep {
  std::string id;
  std::string uses;
  Effect effect = Effect::read_only;
  int stage = 0;           // index of the stage; steps of a parallel stage share it
  bool parallel = false;
  std::string gate;        // confirm text, if any
  boost::json::object params;  // resolved, secrets as ***
  Plan plan;
  std::string error;       // plan() threw: why
};

struct PipelinePlan {
  std::string pipeline;
  std::vector<std::string> guards;  // "sqlserver.reachable (primary must be down)"
  std::vector<PlannedStep> steps;
};

PipelinePlan plan_pipeline(const Manifest& manifest, const ComponentRegistry& registry, const std::string& pipeline);

boost::json::object plan_to_json(const PipelinePlan& plan);

}  // namespace drkit
