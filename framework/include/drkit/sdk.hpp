// Everything a plugin author includes.
#pragma once

#include "drkit/cancellation.hpp"
#include "drkit/component.hpp"
#include "drkit/context.hpp"
#include "drkit/duration.hpp"
#include "drkit/errors.hpp"
#include "drkit/log.hpp"
#include "drkit/params.hpp"
#include "drkit/plugin.hpp"
#include "drkit/process.hpp"
#include "drkit/registry.hpp"
#include "drkit/spec.hpp"
#include "drkit/unique_fd.hpp"
#include "drkit/version.hpp"
