#include "server/net/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <system_error>

#include "core/json.h"

namespace arena::net {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAllowedMethods = "GET, HEAD";

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The path with every %XX replaced by its byte; nullopt for a malformed escape or a NUL
// (raw or encoded), which no file name can hold. '+' stays '+': it means space only in queries.
std::optional<std::string> percent_decode(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size()) return std::nullopt;
      int hi = hex_value(path[i + 1]);
      int lo = hex_value(path[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

StaticResponse error_response(unsigned status, std::string_view code, std::string_view message) {
  StaticResponse r;
  r.status = status;
  r.content_type = "application/json";
  Json body = {{"error", {{"code", code}, {"message", message}}}};
  // Messages never echo the request, but replace stray bytes rather than throw if one ever does.
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  r.content_length = r.body.size();
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

StaticResponse bad_request(std::string_view message) { return error_response(400, "bad_request", message); }
StaticResponse forbidden(std::string_view message) { return error_response(403, "forbidden", message); }
StaticResponse not_found() { return error_response(404, "not_found", "no such file"); }

// True when `path` is `root` or lies below it, compared component by component (both canonical).
bool is_within(const fs::path& root, const fs::path& path) {
  auto mismatch = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return mismatch.first == root.end();
}

// True when a component of `path` below `root` starts with '.', e.g. a symlink inside the
// root that leads to a hidden file.
bool has_hidden_component_below(const fs::path& root, const fs::path& path) {
  auto it = path.begin();
  for (auto r = root.begin(); r != root.end() && it != path.end(); ++r) ++it;
  for (; it != path.end(); ++it) {
    std::string name = it->string();
    if (!name.empty() && name.front() == '.') return true;
  }
  return false;
}

// An IMF-fixdate (RFC 9110 section 5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string imf_fixdate(std::chrono::sys_seconds t) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  std::chrono::weekday wd(day);
  std::chrono::hh_mm_ss hms(t - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// If-None-Match uses the weak comparison (RFC 9110 section 13.1.2): "W/" is ignored on both sides.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  auto opaque = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  while (!if_none_match.empty()) {
    std::size_t comma = if_none_match.find(',');
    std::string_view item = trim(if_none_match.substr(0, comma));
    if (item == "*" || (!item.empty() && opaque(item) == opaque(etag))) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

bool is_html(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), lower);
  return ext == ".html" || ext == ".htm";
}

// The file's canonical path if it exists inside `root` (canonical), an error response otherwise.
// Symlinks are followed by canonical(), so a link that leads out of the root is caught here.
std::optional<StaticResponse> check_resolved(const fs::path& root, const fs::path& candidate,
                                             fs::path& resolved) {
  std::error_code ec;
  resolved = fs::canonical(candidate, ec);
  if (ec) return not_found();
  if (!is_within(root, resolved)) return forbidden("the path leads outside the served folder");
  if (has_hidden_component_below(root, resolved)) return not_found();
  return std::nullopt;
}

}  // namespace

std::string content_type_for(const std::filesystem::path& file) {
  struct Entry {
    std::string_view ext;
    std::string_view type;
  };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), lower);
  for (const Entry& e : kTypes) {
    if (e.ext == ext) return std::string(e.type);
  }
  return "application/octet-stream";
}

StaticResponse serve_static(const std::filesystem::path& root, std::string_view method,
                            std::string_view target, std::string_view if_none_match) {
  if (method != "GET" && method != "HEAD") {
    StaticResponse r = error_response(405, "method_not_allowed", "only GET and HEAD are allowed");
    r.headers.emplace_back("Allow", kAllowedMethods);
    return r;
  }
  const bool head = method == "HEAD";

  std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (!path.starts_with('/')) return bad_request("the request target must be a path starting with '/'");
  std::optional<std::string> decoded = percent_decode(path);
  if (!decoded) return bad_request("the path has a malformed percent-escape or a NUL byte");

  // Split after decoding, so an encoded slash ("..%2f") is a separator like any other and
  // every segment is checked. Empty segments ("//") are skipped.
  std::vector<std::string_view> segments;
  std::string_view rest = *decoded;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  for (std::string_view segment : segments) {
    if (segment == "..") return forbidden("'..' is not allowed in a path");
  }
  for (std::string_view segment : segments) {
    if (segment.front() == '.') return not_found();  // hidden files and ".", never served
  }

  std::error_code ec;
  fs::path canonical_root = fs::canonical(root, ec);
  if (ec) return not_found();

  fs::path candidate = canonical_root;
  for (std::string_view segment : segments) candidate /= fs::path(segment);
  if (decoded->ends_with('/')) candidate /= "index.html";

  fs::path file;
  if (auto error = check_resolved(canonical_root, candidate, file)) return *std::move(error);
  // A folder named without its trailing slash is served its index.html too; the UI's own
  // pages use absolute links, so relative ones resolving against the parent do not matter.
  if (fs::is_directory(file, ec)) {
    if (auto error = check_resolved(canonical_root, file / "index.html", file)) return *std::move(error);
  }
  fs::file_status status = fs::status(file, ec);
  if (ec || !fs::is_regular_file(status)) return not_found();  // folders, sockets, devices

  std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return not_found();
  // Refused rather than served: the whole body is held in memory, and the UI has no file this big.
  if (size > kMaxStaticFileBytes) return error_response(403, "too_large", "the file is larger than 16 MiB");
  fs::file_time_type mtime = fs::last_write_time(file, ec);
  if (ec) return not_found();

  auto modified = std::chrono::file_clock::to_sys(mtime);
  auto modified_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch()).count();
  char etag_buf[48];
  std::snprintf(etag_buf, sizeof etag_buf, "\"%jx-%llx\"", size,
                static_cast<unsigned long long>(modified_ns));
  std::string etag = etag_buf;

  StaticResponse r;
  r.content_type = content_type_for(file);
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Last-Modified", imf_fixdate(std::chrono::floor<std::chrono::seconds>(modified)));
  r.headers.emplace_back("Cache-Control", is_html(file) ? "no-cache" : "public, max-age=3600");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");

  if (!if_none_match.empty() && etag_matches(if_none_match, etag)) {
    r.status = 304;
    return r;
  }
  if (head) {
    r.content_length = static_cast<std::size_t>(size);
    return r;
  }

  // Read what the file holds now; if it changed size since the stat, send what was read.
  std::ifstream in(file, std::ios::binary);
  if (!in) return forbidden("the file cannot be read");
  r.body.resize(static_cast<std::size_t>(size));
  in.read(r.body.data(), static_cast<std::streamsize>(size));
  r.body.resize(static_cast<std::size_t>(in.gcount()));
  r.content_length = r.body.size();
  return r;
}

}  // namespace arena::net
