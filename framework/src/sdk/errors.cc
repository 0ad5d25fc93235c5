#include "drkit/errors.hpp"

namespace drkit {

StepError::StepError(const std::string& message, Retryable retryable, std::string code)
    : std::runtime_error(message), retryable_(retryable), code_(std::move(code)) {}
StepError::~StepError() = default;

ConfigError::ConfigError(const std::string& message) : std::runtime_error(message) {}
ConfigError::~ConfigError() = default;

Cancelled::Cancelled() : std::runtime_error("cancelled") {}
Cancelled::~Cancelled() = default;

}  // namespace drkit
