// sqlserver.execute: the escape hatch. Sends a T-SQL batch as written (SQLExecDirect) and
// returns its first result set. Mutating: the plugin cannot know what the text does.
#include <boost/json.hpp>

#include "component_support.hpp"

namespace drkit::sqlserver {

namespace {

class ExecuteStep final : public Step {
 public:
  explicit ExecuteStep(const Params& p)
      : instance_(instance_config(p.resource("instance"))), sql_(p.string("sql")), max_rows_(p.integer("max_rows")) {
    validate_literal(sql_, "sql", 1'000'000);
    if (sql_.find_first_not_of(" \t\r\n") == std::string::npos) throw ConfigError("sql: the batch is empty");
  }

  Plan plan(Context&) override { return {fmt::format("run a T-SQL batch on {}", instance_.name), {sql_}}; }

  boost::json::object run(Context& ctx) override {
    Instance sql(ctx, instance_);
    auto r = sql.execute(sql_);
    boost::json::object out;
    boost::json::array rows;
    bool truncated = false;
    if (!r.result_sets.empty()) {
      const auto& rs = r.result_sets[0];
      for (std::size_t i = 0; i < rs.rows.size(); ++i) {
        if (static_cast<std::int64_t>(i) >= max_rows_) {
          truncated = true;
          break;
        }
        boost::json::object row;
        for (std::size_t c = 0; c < rs.columns.size(); ++c)
          row[rs.columns[c].empty() ? fmt::format("column{}", c + 1) : rs.columns[c]] =
              rs.rows[i][c] ? boost::json::value(*rs.rows[i][c]) : nullptr;
        rows.push_back(std::move(row));
      }
    }
    boost::json::array messages;
    for (const auto& m : r.messages) messages.push_back(boost::json::value(m.message));
    out["rows"] = std::move(rows);
    out["rows_truncated"] = truncated;
    out["result_sets"] = static_cast<std::int64_t>(r.result_sets.size());
    out["messages"] = std::move(messages);
    return out;
  }

 private:
  InstanceConfig instance_;
  std::string sql_;
  std::int64_t max_rows_;
};

}  // namespace

void register_execute(Registry& r) {
  r.add_step({.name = "execute",
              .summary = "Run a T-SQL batch as written (escape hatch)",
              .effect = Effect::mutating,
              .params = {instance_param(),
                         {.name = "sql", .required = true, .description = "The batch (no GO separators)"},
                         {.name = "max_rows", .type = ParamType::integer, .default_value = 1000,
                          .description = "Rows of the first result set kept in the outputs", .minimum = 0}},
              .description = "Values are text. Outputs: rows (first result set, column -> value), rows_truncated, "
                             "result_sets, messages (INFO/PRINT). Re-runnable only if the batch is."},
             [](const Params& p) { return std::make_unique<ExecuteStep>(p); });
}

}  // namespace drkit::sqlserver
