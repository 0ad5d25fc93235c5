// storage-share.reachable: holds when the share folder can be listed within a time limit.
#include <fmt/format.h>

#include "copy_options.h"
#include "drkit/sdk.hpp"
#include "reachability.h"
#include "share_params.h"
#include "storage_share_components.h"

namespace drkit::storage_share {

namespace {
class ReachableProbe final : public Probe {
 public:
  explicit ReachableProbe(ShareLocation share) : share_(std::move(share)) {}

  ProbeResult check(Context& ctx) override {
    Reachability r = check_reachable(share_.path.string(), share_.reachable_within, ctx.cancellation());
    std::string message = r.reachable ? fmt::format("{} is readable", share_.label)
                                      : fmt::format("{} is unreachable: {}", share_.label, r.message);
    return {r.reachable, r.reachable, std::move(message)};
  }

 private:
  ShareLocation share_;
};
}  // namespace

void register_reachable_probe(Registry& r) {
  r.add_probe({.name = "reachable",
               .summary = "Holds when the share folder can be listed within `reachable_within`",
               .params = share_param_specs(),
               .description = "Opens and reads the folder in a child process, so a hung SMB/NFS mount counts "
                              "as unreachable after the limit instead of hanging the run. Value: true/false."},
              [](const Params& p) { return std::make_unique<ReachableProbe>(share_location_from(p)); });
}

}  // namespace drkit::storage_share
