// The web UI's static files: a request target mapped to a file under a root folder, with
// content types, validators (ETag, Last-Modified) and JSON errors. Plain C++ and
// std::filesystem, no networking library: the Beast layer only copies the response out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arena::net {

// Files larger than this are refused (403, code "too_large") rather than read into memory.
inline constexpr std::uintmax_t kMaxStaticFileBytes = 16u * 1024 * 1024;

// One response to a static-file request, independent of any HTTP library.
struct StaticResponse {
  unsigned status = 200;     // 200, 304, 400, 403, 404, 405
  std::string content_type;  // e.g. "text/html; charset=utf-8"
  std::string body;          // file contents (empty for 304 and HEAD) or a JSON error
  // ETag, Last-Modified, Cache-Control, X-Content-Type-Options; Allow on 405.
  std::vector<std::pair<std::string, std::string>> headers;
  // The Content-Length to send: body.size(), except for HEAD, where it is the size GET would send.
  std::size_t content_length = 0;
};

// Serves `target` (the request target as received: path plus optional ?query,
// percent-encoded) from `root`. Only GET and HEAD; never reads a file outside `root`
// (symlinks included) nor a hidden one (a segment starting with '.').
// Thread-safe: it keeps no state.
StaticResponse serve_static(const std::filesystem::path& root, std::string_view method,
                            std::string_view target, std::string_view if_none_match);

// The Content-Type for a file by its extension (case-insensitive); application/octet-stream if unknown.
std::string content_type_for(const std::filesystem::path& file);

}  // namespace arena::net
