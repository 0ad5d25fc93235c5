// JsonPositions: where each value of a JSON text starts, by JSON path.
//
// Boost.JSON gives no positions for parsed values, so the manifest keeps this side map to
// point every diagnostic at file:line:column. Paths read like
// "pipelines.failover.steps[3].with.database".
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace drkit {

struct TextPosition {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

// Line and column of a byte offset in `text`.
TextPosition position_of(std::string_view text, std::size_t offset);

// A key written twice in one object. Boost.JSON keeps the last value, silently.
struct DuplicateKey {
  std::string path;    // of the key: "pipelines.failover.steps[0].with"
  std::string key;     // "with"
  TextPosition at;     // the later occurrence (the one that counts)
  TextPosition first;  // the earlier one
};

class JsonPositions {
 public:
  // Scans syntactically valid JSON (parse it first) for duplicated keys and keeps a copy
  // of the text. Each member's key position and each array element's value position are
  // recorded on the first find(), since only a manifest with problems needs them. For a
  // duplicated key, like Boost.JSON, the last occurrence wins. Copies share the map;
  // find() is safe from several threads.
  explicit JsonPositions(std::string_view text);
  JsonPositions() = default;

  // The position of `path`, or of its closest recorded ancestor; {0,0} if none.
  TextPosition find(std::string_view path) const;

  // Keys written more than once in the same object, in text order.
  const std::vector<DuplicateKey>& duplicates() const { return duplicates_; }

 private:
  struct Lazy {
    std::string text;
    std::once_flag built;
    std::map<std::string, TextPosition, std::less<>> positions;
  };
  std::shared_ptr<Lazy> lazy_;
  std::vector<DuplicateKey> duplicates_;
};

}  // namespace drkit
