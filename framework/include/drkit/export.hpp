// Symbol visibility for the SDK. Plugins are built with hidden visibility; the SDK's types
// (exceptions, interfaces) live once, in libdrkit-sdk.so, so a StepError thrown in one
// plugin is caught by type in the engine.
#pragma once

#define DRKIT_API __attribute__((visibility("default")))
