#include "tds/packet.hpp"

#include "tds/wire.hpp"

#include <fmt/format.h>

namespace mssql_sim::tds {

bool PacketReader::readExact(std::uint8_t* p, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
        int r = socket_.receiveBytes(p + got, static_cast<int>(n - got));
        if (r <= 0) {
            if (got == 0) return false;
            throw ProtocolError("connection closed in the middle of a packet");
        }
        got += static_cast<std::size_t>(r);
    }
    return true;
}

std::optional<Message> PacketReader::read() {
    Message msg;
    bool first = true;
    for (;;) {
        std::uint8_t h[kHeaderSize];
        if (!readExact(h, 1)) {
            if (first) return std::nullopt;
            throw ProtocolError("connection closed in the middle of a message");
        }
        if (!readExact(h + 1, kHeaderSize - 1)) throw ProtocolError("connection closed in a packet header");
        std::size_t len = static_cast<std::size_t>((h[2] << 8) | h[3]);
        if (len < kHeaderSize) throw ProtocolError(fmt::format("packet length {} is shorter than its header", len));
        auto type = static_cast<PacketType>(h[0]);
        if (first) {
            msg.type = type;
            first = false;
        } else if (type != msg.type) {
            // An ATTENTION can only follow a complete request; anything else here is a framing bug.
            throw ProtocolError(fmt::format("packet type 0x{:02X} inside a message of type 0x{:02X}",
                                            h[0], static_cast<unsigned>(msg.type)));
        }
        std::size_t old = msg.payload.size();
        if (old + len - kHeaderSize > kMaxMessageBytes) throw ProtocolError("request message too large");
        msg.payload.resize(old + len - kHeaderSize);
        if (len > kHeaderSize && !readExact(msg.payload.data() + old, len - kHeaderSize))
            throw ProtocolError("connection closed in a packet body");
        if (h[1] & kStatusEom) return msg;
    }
}

void PacketWriter::append(const std::vector<std::uint8_t>& bytes) {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    const std::size_t body = packetSize_ - kHeaderSize;
    // Keep at least one byte back so the last packet always carries the EOM bit.
    std::size_t sent = 0;
    while (buffer_.size() - sent > body) {
        sendPacket(buffer_.data() + sent, body, false);
        sent += body;
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(sent));
}

void PacketWriter::endMessage() {
    sendPacket(buffer_.data(), buffer_.size(), true);
    buffer_.clear();
    packetId_ = 1;
}

void PacketWriter::sendPacket(const std::uint8_t* p, std::size_t n, bool eom) {
    std::vector<std::uint8_t> pkt(kHeaderSize + n);
    pkt[0] = static_cast<std::uint8_t>(type);
    pkt[1] = eom ? kStatusEom : 0;
    pkt[2] = static_cast<std::uint8_t>((n + kHeaderSize) >> 8);
    pkt[3] = static_cast<std::uint8_t>(n + kHeaderSize);
    pkt[4] = static_cast<std::uint8_t>(spid_ >> 8);
    pkt[5] = static_cast<std::uint8_t>(spid_);
    pkt[6] = packetId_++;
    pkt[7] = 0;
    std::copy(p, p + n, pkt.begin() + kHeaderSize);
    std::size_t off = 0;
    while (off < pkt.size()) {
        int r = 0;
        try {
            r = socket_.sendBytes(pkt.data() + off, static_cast<int>(pkt.size() - off));
        } catch (const std::exception& e) {
            throw ProtocolError(std::string("connection lost while sending: ") + e.what());
        }
        if (r <= 0) throw ProtocolError("connection closed while sending");
        off += static_cast<std::size_t>(r);
    }
}

}  // namespace mssql_sim::tds
