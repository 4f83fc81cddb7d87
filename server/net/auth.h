// Tokens, sessions and identities. A player with a name holds a token (stored as its
// SHA-256 only): bots send it as a bearer token; a person's browser holds a session of its
// own instead (a random id in the session cookie, stored as its SHA-256 with an expiry),
// made when they choose a name or sign in with the token, and deleted when they sign out.
// A browser without either is a guest, named by the SHA-256 of its random guest cookie;
// guests play unrated.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/store.h"
#include "server/net/protocol.h"

namespace arena::net {

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);
// A fresh random token (32 bytes from the system's CSPRNG, hex).
std::string random_token();
// The token of an "Authorization: Bearer <token>" header value, if it is one.
std::optional<std::string> bearer_token(std::string_view authorization);
// The value of cookie `name` in a Cookie header.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

inline constexpr const char* kGuestCookie = "arena_guest";
inline constexpr const char* kSessionCookie = "arena_session";

inline constexpr std::chrono::seconds kSessionLifetime{30 * 24 * 3600};
inline constexpr std::chrono::seconds kGuestCookieLifetime{365 * 24 * 3600};

// A cookie that lasts `max_age` (HttpOnly, SameSite=Lax, and Secure with `secure`), and one
// that clears it.
std::string set_cookie_header(std::string_view name, std::string_view value, std::chrono::seconds max_age,
                              bool secure);
std::string clear_cookie_header(std::string_view name, bool secure);

// Bot and person names: 1-40 letters, digits, '_', '-' or '.'; "guest-..." is the guests'.
bool valid_player_name(const std::string& name);
// A guest cookie as the server makes them: 64 lower-case hex digits (random_token()).
bool valid_guest_cookie(std::string_view cookie);
// A guest's player name: "guest-" and the whole SHA-256 of its (valid) cookie.
std::string guest_name(std::string_view cookie);

// Who a request is, from its Authorization and Cookie header values (empty when absent):
// the bearer token's player (a bad token is an "unauthorized" Error), else the session
// cookie's (an unknown, expired or signed-out session is ignored), else the guest cookie's
// (one not of the server's making is ignored). A guest's id is its player row's, or 0 when
// it has none yet; identify() never writes. With `make_guest` a browser without a valid
// guest cookie gets a new one (`set_cookie`, Secure with `secure_cookies`) and the name it
// gives; the caller writes the guest's row once the guest has really connected. Without
// it such a browser is a guest with an empty name. Blocking: reads the store.
struct Identity {
  PlayerIdentity who;
  std::optional<std::string> set_cookie;  // a Set-Cookie header value for the response
};
Result<Identity> identify(db::Store& store, std::string_view authorization, std::string_view cookies,
                          bool make_guest, bool secure_cookies = false);
// The named player holding `token` (unrevoked), or nullopt.
Result<std::optional<PlayerIdentity>> token_player(db::Store& store, const std::string& token);
// The named player of the unexpired browser session `session_id`, or nullopt.
Result<std::optional<PlayerIdentity>> session_player(db::Store& store, const std::string& session_id);

// Whether a browser's request may act for the user (the WebSocket upgrade, a POST or a
// DELETE): a request without an Origin header (a bot, curl) may, and so may one from the
// served origin (scheme://Host of the request: https with `secure`, else http) or from
// `allowed` (exact origins, "https://arena.example"). Anything else, including "null", is a
// "forbidden" Error: another site's page cannot use the user's cookies here.
Status check_origin(std::string_view origin, std::string_view host, bool secure,
                    const std::vector<std::string>& allowed);

}  // namespace arena::net
