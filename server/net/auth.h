// Tokens and identities. A player with a name holds a token (stored as its SHA-256 only):
// bots send it as a bearer token, people keep it in the session cookie. A browser without
// either is a guest, named by its guest cookie; guests play unrated.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

// A cookie that lasts a year (HttpOnly, SameSite=Lax), and one that clears it.
std::string set_cookie_header(std::string_view name, std::string_view value);
std::string clear_cookie_header(std::string_view name);

// Bot and person names: 1-40 letters, digits, '_', '-' or '.'; "guest-..." is the guests'.
bool valid_player_name(const std::string& name);

// Who a request is, from its Authorization and Cookie header values (empty when absent):
// the bearer token's player (a bad token is an "unauthorized" Error), else the session
// cookie's (a stale one is ignored), else the guest cookie's. With `make_guest` a browser
// without a guest cookie gets one (`set_cookie`) and its player row is made; without it a
// guest keeps id 0 until it connects (a guest with no cookie has an empty name).
// Blocking: reads (and may write) the store.
struct Identity {
  PlayerIdentity who;
  std::optional<std::string> set_cookie;  // a Set-Cookie header value for the response
};
Result<Identity> identify(db::Store& store, std::string_view authorization, std::string_view cookies,
                          bool make_guest);
// The named player holding `token`, or nullopt.
Result<std::optional<PlayerIdentity>> token_player(db::Store& store, const std::string& token);

}  // namespace arena::net
