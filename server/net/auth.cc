#include "server/net/auth.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <stdexcept>

namespace arena::net {
namespace {

std::string hex(const unsigned char* data, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return hex(digest, length);
}

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for a token");
  return hex(bytes, sizeof bytes);
}

std::optional<std::string> bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view prefix = "Bearer ";
  if (authorization.size() <= prefix.size() || authorization.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  std::string_view token = trim(authorization.substr(prefix.size()));
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    std::string_view pair = trim(header.substr(0, end));
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
      return std::string(trim(pair.substr(eq + 1)));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::string set_cookie_header(std::string_view name, std::string_view value, std::chrono::seconds max_age,
                              bool secure) {
  return std::string(name) + "=" + std::string(value) +
         "; Path=/; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Lax" +
         (secure ? "; Secure" : "");
}

std::string clear_cookie_header(std::string_view name, bool secure) {
  return std::string(name) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
}

bool valid_player_name(const std::string& name) {
  if (name.empty() || name.size() > 40 || name.rfind("guest-", 0) == 0) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

bool valid_guest_cookie(std::string_view cookie) {
  if (cookie.size() != 64) return false;
  for (char c : cookie) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string guest_name(std::string_view cookie) { return "guest-" + sha256_hex(cookie); }

namespace {

// The named player with id `id`, or nullopt.
Result<std::optional<PlayerIdentity>> named_player(db::Store& store, int64_t id) {
  Result<std::optional<db::PlayerRow>> player = store.player(id);
  if (!player.ok()) return player.error();
  if (!*player) return std::optional<PlayerIdentity>();
  return std::optional<PlayerIdentity>(
      PlayerIdentity{(*player)->id, (*player)->name, db::to_string((*player)->kind), false});
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<std::optional<PlayerIdentity>> session_player(db::Store& store, const std::string& session_id) {
  Result<std::optional<db::SessionRow>> row = store.find_session(sha256_hex(session_id));
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<PlayerIdentity>();
  return named_player(store, (*row)->player_id);
}

Status check_origin(std::string_view origin, std::string_view host, bool secure,
                    const std::vector<std::string>& allowed) {
  origin = trim(origin);
  if (origin.empty()) return ok_status();
  const std::string o = lower(origin);
  if (!host.empty() && o == lower(std::string(secure ? "https://" : "http://") + std::string(trim(host)))) {
    return ok_status();
  }
  for (const std::string& a : allowed) {
    if (o == lower(a)) return ok_status();
  }
  return make_error("forbidden", "requests from the origin '" + std::string(origin) +
                                     "' are not allowed here (the server allows its own origin and those "
                                     "given with --allowed-origin)");
}

Result<std::optional<PlayerIdentity>> token_player(db::Store& store, const std::string& token) {
  Result<std::optional<db::TokenRow>> row = store.find_token(sha256_hex(token));
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<PlayerIdentity>();
  return named_player(store, (*row)->player_id);
}

Result<Identity> identify(db::Store& store, std::string_view authorization, std::string_view cookies,
                          bool make_guest, bool secure_cookies) {
  if (!authorization.empty()) {
    std::optional<std::string> token = bearer_token(authorization);
    if (!token) return make_error("unauthorized", "Authorization must be 'Bearer <token>'");
    Result<std::optional<PlayerIdentity>> who = token_player(store, *token);
    if (!who.ok()) return who.error();
    if (!*who) return make_error("unauthorized", "unknown or revoked token (register with POST /api/bots)");
    return Identity{**who, std::nullopt};
  }
  if (std::optional<std::string> session = cookie_value(cookies, kSessionCookie);
      session && !session->empty()) {
    Result<std::optional<PlayerIdentity>> who = session_player(store, *session);
    if (!who.ok()) return who.error();
    if (*who) return Identity{**who, std::nullopt};
  }
  Identity out;
  out.who.kind = "human";
  out.who.guest = true;
  std::optional<std::string> cookie = cookie_value(cookies, kGuestCookie);
  if (!cookie || !valid_guest_cookie(*cookie)) {
    if (!make_guest) return out;
    cookie = random_token();
    out.set_cookie = set_cookie_header(kGuestCookie, *cookie, kGuestCookieLifetime, secure_cookies);
    out.who.name = guest_name(*cookie);
    return out;  // a new guest: no row yet
  }
  out.who.name = guest_name(*cookie);
  Result<std::optional<db::PlayerRow>> row = store.find_player(out.who.name);
  if (!row.ok()) return row.error();
  if (*row) out.who.id = (*row)->id;
  return out;
}

}  // namespace arena::net
