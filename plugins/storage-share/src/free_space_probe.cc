// storage-share.free_space: is there room at the destination for what is pending?
#include <sys/statvfs.h>

#include <cerrno>

#include <fmt/format.h>

#include "copy_options.h"
#include "drkit/sdk.hpp"
#include "os_error.h"
#include "pending.h"
#include "share_params.h"
#include "share_scan.h"
#include "storage_share_components.h"

namespace drkit::storage_share {

namespace {

class FreeSpaceProbe final : public Probe {
 public:
  FreeSpaceProbe(ShareLocation share, std::filesystem::path destination, Selection selection,
                 std::uint64_t margin)
      : share_(std::move(share)),
        destination_(std::move(destination)),
        selection_(std::move(selection)),
        margin_(margin) {}

  ProbeResult check(Context& ctx) override {
    struct statvfs vfs {};
    if (::statvfs(destination_.c_str(), &vfs) != 0)
      throw OsError(Side::destination, "statvfs", destination_.string(), errno);
    // f_bavail: what an unprivileged writer may use; the copier should not eat root's reserve.
    std::uint64_t free = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    Pending p = find_pending(share_, destination_, selection_, ctx.cancellation());
    std::uint64_t needed = p.bytes + margin_;
    bool ok = free >= needed;
    boost::json::object value{{"free_bytes", static_cast<std::int64_t>(free)},
                              {"pending_bytes", static_cast<std::int64_t>(p.bytes)},
                              {"pending_files", static_cast<std::int64_t>(p.files.size())},
                              {"margin_bytes", static_cast<std::int64_t>(margin_)},
                              {"needed_bytes", static_cast<std::int64_t>(needed)}};
    std::string message = fmt::format("{}: {} free, {} needed ({} pending in {} file(s) + {} margin){}",
                                      destination_.string(), format_bytes(free), format_bytes(needed),
                                      format_bytes(p.bytes), p.files.size(), format_bytes(margin_),
                                      ok ? "" : ": NOT ENOUGH ROOM");
    return {ok, std::move(value), std::move(message)};
  }

 private:
  ShareLocation share_;
  std::filesystem::path destination_;
  Selection selection_;
  std::uint64_t margin_;
};

}  // namespace

void register_free_space_probe(Registry& r) {
  std::vector<ParamSpec> specs = share_param_specs();
  specs.push_back(destination_param_spec());
  append(specs, selection_param_specs());
  specs.push_back({.name = "margin_mib",
                   .type = ParamType::integer,
                   .default_value = 1024,
                   .description = "room to keep free beyond the pending bytes, in MiB",
                   .minimum = 0});
  r.add_probe({.name = "free_space",
               .summary = "Holds when the destination has room for the pending log backups plus a margin",
               .params = std::move(specs),
               .description = "Free space is what an unprivileged writer may use (statvfs f_bavail). Value: "
                              "{free_bytes, pending_bytes, pending_files, margin_bytes, needed_bytes}. Fails "
                              "(could not check) when the share is unreachable."},
              [](const Params& p) {
                std::int64_t margin = p.integer_or("margin_mib", 1024);  // >= 0 (the spec)
                return std::make_unique<FreeSpaceProbe>(share_location_from(p), p.string("destination"),
                                                        selection_from(p), static_cast<std::uint64_t>(margin) << 20);
              });
}

}  // namespace drkit::storage_share
