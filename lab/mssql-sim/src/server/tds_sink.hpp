// Turns what the engine produces into TDS tokens. A statement's DONE is held back until the
// next token shows whether more follows (DONE_MORE) or the response ends (final DONE).
#pragma once

#include "engine/context.hpp"
#include "tds/packet.hpp"
#include "tds/tokens.hpp"

#include <atomic>
#include <optional>

namespace mssql_sim {

class TdsSink : public ResultSink {
public:
    TdsSink(tds::PacketWriter& w, std::uint32_t version, std::string serverName, const std::atomic<bool>& attention)
        : w_(w), tw_(version), server_(std::move(serverName)), attention_(attention) {}

    void resultSet(const ResultSet& rs) override;
    void info(const Message& m) override;
    void rowCount(std::uint64_t rows) override;
    void procBegin() override { ++depth_; }
    void procEnd(std::int32_t status) override;
    void databaseChanged(const std::string& from, const std::string& to) override;
    bool cancelled() const override { return attention_.load(); }
    void armDrop() override { dropArmed_ = true; }
    bool dropArmed() const override { return dropArmed_; }

    void error(const Message& m);
    void returnValue(std::uint16_t ordinal, const std::string& name, const Value& v);
    void returnStatus(std::int32_t status);
    // Ends the response: final DONE (or DONEPROC for RPC), with the error or attention bit.
    void finish(bool error, bool attention, std::uint8_t finalToken = tds::kTokenDone);
    // For batched RPC calls: a DONEPROC with DONE_MORE between calls.
    void endRpcCall(bool error);
    // Sends what is buffered without ending the message (before a fault-injected drop).
    void flushPartial();
    void reset() { pending_.reset(); depth_ = 0; dropArmed_ = false; }
    void setInRpc(bool b) { depth_ = b ? 1 : 0; }

private:
    struct Pending {
        std::uint8_t token;
        std::uint16_t status;
        std::uint16_t curCmd;
        std::uint64_t rows;
    };
    void flushPending();
    void emit();
    std::uint8_t doneToken() const { return depth_ > 0 ? tds::kTokenDoneInProc : tds::kTokenDone; }

    tds::PacketWriter& w_;
    tds::TokenWriter tw_;
    std::string server_;
    const std::atomic<bool>& attention_;
    tds::WireWriter buf_;
    std::optional<Pending> pending_;
    int depth_ = 0;
    bool dropArmed_ = false;
};

}  // namespace mssql_sim
