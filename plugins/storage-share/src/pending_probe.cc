// storage-share.pending: how many complete log backups are not yet at the destination.
#include <boost/json/array.hpp>
#include <fmt/format.h>

#include "copy_options.h"
#include "drkit/sdk.hpp"
#include "pending.h"
#include "share_params.h"
#include "share_scan.h"
#include "storage_share_components.h"

namespace drkit::storage_share {

namespace {

constexpr std::size_t kListedFiles = 100;

class PendingProbe final : public Probe {
 public:
  PendingProbe(ShareLocation share, std::filesystem::path destination, Selection selection)
      : share_(std::move(share)), destination_(std::move(destination)), selection_(std::move(selection)) {}

  ProbeResult check(Context& ctx) override {
    Pending p = find_pending(share_, destination_, selection_, ctx.cancellation());
    boost::json::array files;
    for (std::size_t i = 0; i < p.files.size() && i < kListedFiles; ++i) files.emplace_back(p.files[i]);
    boost::json::object value{{"count", static_cast<std::int64_t>(p.files.size())},
                              {"bytes", static_cast<std::int64_t>(p.bytes)},
                              {"growing", static_cast<std::int64_t>(p.growing.size())},
                              {"up_to_date", static_cast<std::int64_t>(p.up_to_date)},
                              {"files", std::move(files)}};
    std::string message =
        p.files.empty()
            ? fmt::format("nothing pending: all {} complete {} file(s) on {} are at {}", p.up_to_date,
                          selection_.pattern, share_.label, destination_.string())
            : fmt::format("{} {} file(s) ({}) on {} not yet at {}", p.files.size(), selection_.pattern,
                          format_bytes(p.bytes), share_.label, destination_.string());
    if (!p.growing.empty()) message += fmt::format("; {} still being written", p.growing.size());
    return {p.files.empty(), std::move(value), std::move(message)};
  }

 private:
  ShareLocation share_;
  std::filesystem::path destination_;
  Selection selection_;
};

}  // namespace

void register_pending_probe(Registry& r) {
  std::vector<ParamSpec> specs = share_param_specs();
  specs.push_back(destination_param_spec());
  append(specs, selection_param_specs());
  r.add_probe({.name = "pending",
               .summary = "Counts the complete log backups on the share not yet at the destination; holds when "
                          "there are none",
               .params = std::move(specs),
               .description = "A file is pending when it is missing at the destination or has a different size "
                              "there. Files modified within `stable_for` are counted apart (`growing`), not "
                              "waited for. Value: {count, bytes, growing, up_to_date, files (first 100)}. Fails "
                              "(could not check) when the share is unreachable."},
              [](const Params& p) {
                return std::make_unique<PendingProbe>(share_location_from(p), p.string("destination"),
                                                      selection_from(p));
              });
}

}  // namespace drkit::storage_share
