// The ABI contract between the drkit host and its plugins.
//
// A plugin records kAbiVersion and kToolchain when it is compiled. The loader refuses a
// plugin whose values differ from the host's, naming both, because the SDK passes C++ types
// (std::string, boost::json::value, exceptions) across the library boundary.
#pragma once

#include <boost/version.hpp>

#define DRKIT_STR2(x) #x
#define DRKIT_STR(x) DRKIT_STR2(x)

#if defined(__clang__)
#define DRKIT_COMPILER "clang-" DRKIT_STR(__clang_major__)
#elif defined(__GNUC__)
#define DRKIT_COMPILER "gcc-" DRKIT_STR(__GNUC__)
#else
#define DRKIT_COMPILER "unknown"
#endif

#if defined(_GLIBCXX_RELEASE)
#define DRKIT_STDLIB "libstdc++-" DRKIT_STR(_GLIBCXX_RELEASE)
#elif defined(_LIBCPP_VERSION)
#define DRKIT_STDLIB "libc++-" DRKIT_STR(_LIBCPP_VERSION)
#else
#define DRKIT_STDLIB "unknown"
#endif

namespace drkit {

// Bumped whenever a type or virtual in framework/include/drkit changes incompatibly: any
// change to a struct's layout (even a field added at the end: plugins build the structs the
// host reads), a virtual's signature or order, or an exported function's signature. Adding a
// new free function or a new header keeps it. The full rule: docs/plugin-guide.md.
inline constexpr int kAbiVersion = 2;

// Compiler family, standard library, C++ standard and Boost version a binary was built with.
// Example: "gcc-12/libstdc++-12/c++202002/boost-108100".
inline constexpr const char* kToolchain =
    DRKIT_COMPILER "/" DRKIT_STDLIB "/c++" DRKIT_STR(__cplusplus) "/boost-" DRKIT_STR(BOOST_VERSION);

// The drkit release these headers belong to.
inline constexpr const char* kVersion = "0.2.0";

}  // namespace drkit
