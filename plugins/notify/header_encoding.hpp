// Header values that survive any mail system: RFC 2047 encoded-words for non-ASCII text.
#pragma once

#include <string>
#include <string_view>

namespace drkit::notify {

// True when `text` is printable US-ASCII (space through '~').
bool is_printable_ascii(std::string_view text);

// An unstructured header value (Subject). ASCII text is returned unchanged; otherwise a
// sequence of "=?UTF-8?B?...?=" words, each at most 75 characters and never splitting a
// UTF-8 character, folded with CRLF + space. Line breaks and tabs in `text` become spaces
// first (a header is one logical line; this also stops header injection).
std::string encode_unstructured(std::string_view text);

// A display name in an address header: quoted when ASCII, encoded-words otherwise.
std::string encode_phrase(std::string_view text);

}  // namespace drkit::notify
