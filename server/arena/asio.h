// The one way the arena includes Asio. Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>, which breaks with g++ 12 in C++20: include it first.
#pragma once

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace arena {
namespace asio = boost::asio;
}  // namespace arena
