// Tokens and identities: bots authenticate with a bearer token (stored as its SHA-256
// only), browsers without one get a guest cookie.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace arena::net
