// Games that exist only in the tests, to exercise parts of the API no registered game uses
// yet (simultaneous phases with several orders per seat). Registered on first call.
#pragma once

namespace arena::testing {

// Registers "test_blotto", "test_rps" and "test_nim" (see test_games.cc) once; safe to call many times.
void register_test_games();

}  // namespace arena::testing
