// Did-you-mean suggestions for every "unknown X" message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drkit {

// The candidate closest to `word` by edit distance, if it is close enough to be a likely
// typo (at most a third of the word's length, minimum 2); otherwise empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "" — ready to append to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace drkit
