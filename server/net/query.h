// A request target ("/api/matches?game=go&limit=5") read into decoded path segments and
// query parameters, checked to be UTF-8 (every decoded text may end up in a JSON answer,
// and JSON holds UTF-8 only). Pure functions: no sockets, no store; fuzzed by
// tests/fuzz/query_fuzz.cc.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace arena::net {

// '+' becomes a space and "%XX" (two hex digits) its byte; anything else is kept as it is,
// a '%' without two hex digits after it included.
std::string percent_decode(std::string_view s);

// "a=1&b=x%20y&c" -> {a: "1", b: "x y", c: ""}, each key and value decoded; empty pairs
// ("&&") are skipped and a repeated key keeps its last value.
std::map<std::string, std::string> parse_query(std::string_view query);

// The path's segments, decoded; empty segments ("//", a trailing '/') are dropped.
std::vector<std::string> split_path(std::string_view path);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF), which is what JSON strings may hold.
bool is_valid_utf8(std::string_view text);

// A request target read: the path as received, its decoded segments and the decoded query.
struct RequestTarget {
  std::string path;
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;
};

// Reads "path?query". A path or query that is not UTF-8, raw or once decoded, is a
// "bad_request" Error ("path is not valid UTF-8", "query is not valid UTF-8").
Result<RequestTarget> parse_target(std::string_view target);

}  // namespace arena::net
