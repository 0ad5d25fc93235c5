// The notify plugin: notify.email, notify.teams, notify.webhook.
#include <memory>

#include "drkit/sdk.hpp"
#include "email_notifier.hpp"
#include "teams_notifier.hpp"
#include "webhook_notifier.hpp"

namespace {

template <class N>
void add(drkit::Registry& r) {
  r.add_notifier(N::spec(), [](const drkit::Params& p) -> std::unique_ptr<drkit::Notifier> {
    return std::make_unique<N>(p);
  });
}

void register_components(drkit::Registry& r) {
  add<drkit::notify::EmailNotifier>(r);
  add<drkit::notify::TeamsNotifier>(r);
  add<drkit::notify::WebhookNotifier>(r);
}

}  // namespace

DRKIT_PLUGIN("notify", "0.1.0", "Email (SMTP), Microsoft Teams and webhook notifiers",
             register_components)
