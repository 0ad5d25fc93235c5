#include "server/tds_sink.hpp"

#include "engine/executor.hpp"

namespace mssql_sim {

void TdsSink::emit() {
    if (buf_.size() == 0) return;
    w_.append(buf_.data());
    buf_.clear();
}

void TdsSink::flushPending() {
    if (!pending_) return;
    tw_.done(buf_, pending_->token, static_cast<std::uint16_t>(pending_->status | tds::kDoneMore), pending_->curCmd, pending_->rows);
    pending_.reset();
}

void TdsSink::resultSet(const ResultSet& rs) {
    flushPending();
    tw_.colMetadata(buf_, rs.columns);
    std::size_t n = 0;
    std::size_t dropAt = dropArmed_ ? rs.rows.size() / 2 : rs.rows.size() + 1;
    for (const auto& r : rs.rows) {
        if (n == dropAt) {
            // Fault injection: metadata and half the rows went out; now the connection dies.
            emit();
            throw DropConnection();
        }
        tw_.row(buf_, rs.columns, r);
        if (++n % 64 == 0) {
            emit();
            // A client that sent ATTENTION wants no more rows.
            if (attention_.load()) throw Cancelled();
        }
    }
    emit();
    pending_ = Pending{doneToken(), tds::kDoneCount, 0xC1, rs.rows.size()};
}

void TdsSink::info(const Message& m) {
    flushPending();
    tw_.message(buf_, m, server_, false);
    emit();
}

void TdsSink::rowCount(std::uint64_t rows) {
    flushPending();
    pending_ = Pending{doneToken(), tds::kDoneCount, 0, rows};
}

void TdsSink::procEnd(std::int32_t status) {
    flushPending();
    if (depth_ > 0) --depth_;
    // Inside an RPC the call's own RETURNSTATUS/DONEPROC are written by the connection.
    if (depth_ > 0) return;
    tw_.returnStatus(buf_, status);
    emit();
    pending_ = Pending{tds::kTokenDoneProc, 0, 0xE0, 0};
}

void TdsSink::databaseChanged(const std::string& from, const std::string& to) {
    flushPending();
    tw_.envChange(buf_, 1, to, from);
    tw_.message(buf_, Message{5701, 1, 0, "Changed database context to '" + to + "'.", {}, 1}, server_, false);
    emit();
}

void TdsSink::error(const Message& m) {
    flushPending();
    tw_.message(buf_, m, server_, true);
    emit();
}

void TdsSink::returnValue(std::uint16_t ordinal, const std::string& name, const Value& v) {
    flushPending();
    tw_.returnValue(buf_, ordinal, name, v);
    emit();
}

void TdsSink::returnStatus(std::int32_t status) {
    flushPending();
    tw_.returnStatus(buf_, status);
    emit();
}

void TdsSink::endRpcCall(bool error) {
    flushPending();
    tw_.done(buf_, tds::kTokenDoneProc, static_cast<std::uint16_t>(tds::kDoneMore | (error ? tds::kDoneError : 0)), 0, 0);
    emit();
}

void TdsSink::finish(bool error, bool attention, std::uint8_t finalToken) {
    if (attention) {
        // Everything else for this request is void; the client waits for DONE with DONE_ATTN.
        pending_.reset();
        tw_.done(buf_, tds::kTokenDone, tds::kDoneAttn, 0, 0);
    } else if (pending_ && !error && pending_->token == finalToken) {
        tw_.done(buf_, pending_->token, pending_->status, pending_->curCmd, pending_->rows);
        pending_.reset();
    } else {
        flushPending();
        tw_.done(buf_, finalToken, error ? tds::kDoneError : tds::kDoneFinal, 0, 0);
    }
    emit();
    w_.endMessage();
    depth_ = 0;
}

void TdsSink::flushPartial() {
    flushPending();
    emit();
}

}  // namespace mssql_sim
