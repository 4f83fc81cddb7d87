// What the REST handler files (rest*.cc) share; not for other callers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "server/net/rest.h"

namespace arena::net::rest {

// `body` (a wire.h body) as the response, with `status`.
HttpResponse json_response(unsigned status, const Json& body);
// A request header's value by its lower-case name; empty when absent.
std::string_view header(const HttpRequest& request, const std::string& name);
// A positive integer written in full ("12"), as ids and limits are; nullopt otherwise.
std::optional<int64_t> to_id(const std::string& s);

}  // namespace arena::net::rest
