#include "tls_library.hpp"

#include <dlfcn.h>

#include <atomic>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

namespace drkit::notify {

namespace {

std::atomic<const TlsLibrary*> loaded{nullptr};

const TlsLibrary* open_library() {
  // RTLD_LOCAL: NetSSL's symbols stay out of the global scope; the handle is never closed,
  // because sockets and Poco's SSLManager singleton keep pointing into the library.
  void* handle = ::dlopen(kTlsLibraryFile, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw std::runtime_error(fmt::format("cannot open the notifiers' TLS library {}: {} (it is installed "
                                         "next to libdrkit-sdk.so; reinstall drkit)",
                                         kTlsLibraryFile, ::dlerror()));
  using Entry = const TlsLibrary* (*)();
  auto entry = reinterpret_cast<Entry>(::dlsym(handle, kTlsLibraryEntry));
  if (!entry)
    throw std::runtime_error(fmt::format("{} has no {}: it does not belong to this drkit", kTlsLibraryFile,
                                         kTlsLibraryEntry));
  return entry();
}

}  // namespace

const TlsLibrary& tls_library() {
  static std::once_flag once;
  // A throw leaves `once` unset: the next connection tries again.
  std::call_once(once, [] { loaded.store(open_library()); });
  return *loaded.load();
}

const TlsLibrary* tls_library_if_loaded() { return loaded.load(); }

}  // namespace drkit::notify
