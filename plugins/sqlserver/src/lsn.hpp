// Log sequence numbers as SQL Server shows them: DECIMAL(25,0). They exceed 2^64 on busy
// databases (25 digits), so they are kept as exact 128-bit integers, never as double.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace drkit::sqlserver {

__extension__ using Uint128 = unsigned __int128;

class Lsn {
 public:
  constexpr Lsn() = default;
  constexpr explicit Lsn(Uint128 value) : value_(value) {}

  // Parses a non-negative decimal integer of 1..25 digits (a trailing ".0..." from a
  // DECIMAL(25,0) rendered with a scale is accepted). nullopt for anything else.
  static std::optional<Lsn> parse(std::string_view text);

  std::string str() const;
  Uint128 value() const { return value_; }

  friend constexpr auto operator<=>(const Lsn&, const Lsn&) = default;
  friend constexpr bool operator==(const Lsn&, const Lsn&) = default;

 private:
  Uint128 value_ = 0;
};

}  // namespace drkit::sqlserver
