// Checks a parsed manifest against the loaded components, before anything runs.
#pragma once

#include "component_registry.h"
#include "diagnostic.h"
#include "manifest.h"

namespace drkit {

// Every problem at once, located (file:line:column + JSON path): unknown components,
// parameters (with did-you-mean), missing required values, wrong types and allowed values,
// unknown resources or resources of the wrong type, duplicate step ids, references to
// unknown steps or to steps that run later, unknown template references, missing secrets.
Diagnostics validate_manifest(const Manifest& manifest, const ComponentRegistry& registry);

// Resolves ${secret:env:NAME} and ${secret:file:PATH} (relative to the manifest's folder).
// Throws ConfigError saying what to set when the secret is missing.
std::string read_secret(std::string_view reference, const std::filesystem::path& manifest_dir);

}  // namespace drkit
