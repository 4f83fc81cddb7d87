// WebSocket client messages (server/net/protocol.h): any text frame reads as a message or an
// Error, never a crash or an exception; the answer the server builds from either (the error
// message, the echoed "ref") can be written as JSON.
#include "server/net/protocol.h"
#include "tests/fuzz/fuzz_util.h"

using namespace arena;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  Result<net::Incoming> incoming = net::parse_client_message(text);
  if (!incoming.ok()) {
    fuzz::check(!incoming.error().code.empty(), "an error without a code");
    fuzz::check(fuzz::json_safe(incoming.error().message), "an error message that is not UTF-8");
    return 0;
  }
  (void)incoming->ref.dump();
  std::visit(
      [](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, net::MoveMessage>) {
          fuzz::check(m.action.has_value() != m.orders.has_value(),
                      "a move with both or neither of action/orders");
        }
      },
      incoming->message);
  return 0;
}
