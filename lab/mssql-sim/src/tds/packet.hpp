// TDS packet framing: 8-byte headers, messages spanning several packets, splitting at the
// negotiated packet size.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include <Poco/Net/StreamSocket.h>

namespace mssql_sim::tds {

enum class PacketType : std::uint8_t {
    SqlBatch = 0x01,
    PreTds7Login = 0x02,
    Rpc = 0x03,
    TabularResult = 0x04,
    Attention = 0x06,
    BulkLoad = 0x07,
    FedAuthToken = 0x08,
    TransactionManager = 0x0E,
    Login7 = 0x10,
    Sspi = 0x11,
    PreLogin = 0x12,
};

constexpr std::uint8_t kStatusEom = 0x01;
constexpr std::size_t kHeaderSize = 8;
constexpr std::size_t kMaxMessageBytes = 64 * 1024 * 1024;  // refuse absurd requests

struct Message {
    PacketType type{};
    std::vector<std::uint8_t> payload;
};

// Reads whole messages; returns nullopt at a clean end of stream. Throws ProtocolError on bad framing.
class PacketReader {
public:
    explicit PacketReader(Poco::Net::StreamSocket& s) : socket_(s) {}
    std::optional<Message> read();

private:
    bool readExact(std::uint8_t* p, std::size_t n);
    Poco::Net::StreamSocket& socket_;
};

// Buffers a response message and sends it as packets of at most packetSize bytes.
class PacketWriter {
public:
    PacketWriter(Poco::Net::StreamSocket& s, std::uint16_t spid) : socket_(s), spid_(spid) {}
    void setPacketSize(std::size_t n) { packetSize_ = n; }
    std::size_t packetSize() const { return packetSize_; }
    void setSpid(std::uint16_t spid) { spid_ = spid; }
    // Appends payload bytes; full packets are sent as soon as they fill up.
    void append(const std::vector<std::uint8_t>& bytes);
    // Sends what is left with the end-of-message bit.
    void endMessage();
    // Drops buffered, unsent bytes (used when a response is abandoned).
    void discard() { buffer_.clear(); }
    PacketType type = PacketType::TabularResult;

private:
    void sendPacket(const std::uint8_t* p, std::size_t n, bool eom);
    Poco::Net::StreamSocket& socket_;
    std::uint16_t spid_;
    std::size_t packetSize_ = 4096;
    std::uint8_t packetId_ = 1;
    std::vector<std::uint8_t> buffer_;
};

}  // namespace mssql_sim::tds
