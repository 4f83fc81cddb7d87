// A tiny UCI engine for the UciEngine and UciAgent tests: it does the handshake (declaring
// Skill Level, UCI_LimitStrength, UCI_Elo and UCI_Chess960), answers isready, and answers
// every "go" with "bestmove" of the first move of --moves not yet played in the last
// "position" (so that it plays a scripted line; "0000" when none is left), after a few
// info lines. It misbehaves on request:
//   --crash-on NAME      exits (code 3) without answering when it receives command NAME
//   --hang-on NAME       never answers NAME (sleeps until killed)
//   --crash-on-go N      exits (code 4) at its Nth "go" (1-based): a crash mid-game
//   --hang-on-go N       never answers its Nth "go"
//   --moves "M1 M2 ..."  the scripted line (default "e2e4 e7e5 g1f3 b8c6")
//   --no-chess960        declares no UCI_Chess960 option
//   --log FILE           appends every line it receives to FILE
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::string crash_on, hang_on, log_path, script = "e2e4 e7e5 g1f3 b8c6";
  int crash_on_go = 0, hang_on_go = 0;
  bool chess960 = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--crash-on")
      crash_on = value();
    else if (a == "--hang-on")
      hang_on = value();
    else if (a == "--crash-on-go")
      crash_on_go = std::stoi(value());
    else if (a == "--hang-on-go")
      hang_on_go = std::stoi(value());
    else if (a == "--moves")
      script = value();
    else if (a == "--no-chess960")
      chess960 = false;
    else if (a == "--log")
      log_path = value();
  }
  std::vector<std::string> line_moves;
  for (std::istringstream words(script); words;) {
    std::string m;
    if (words >> m) line_moves.push_back(m);
  }
  size_t played = 0;  // moves in the last position
  int gos = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!log_path.empty()) std::ofstream(log_path, std::ios::app) << line << "\n";
    std::istringstream words(line);
    std::string name;
    words >> name;
    if (name.empty()) continue;
    if (name == crash_on) return 3;
    if (name == hang_on) {
      for (;;) pause();
    }
    if (name == "uci") {
      std::cout << "id name Fake UCI " << getpid() << "\n"
                << "id author the Arena tests\n"
                << "option name Hash type spin default 16 min 1 max 1024\n"
                << "option name Skill Level type spin default 20 min 0 max 20\n"
                << "option name UCI_LimitStrength type check default false\n"
                << "option name UCI_Elo type spin default 1320 min 1320 max 3190\n";
      if (chess960) std::cout << "option name UCI_Chess960 type check default false\n";
      std::cout << "uciok\n" << std::flush;
    } else if (name == "isready") {
      std::cout << "readyok\n" << std::flush;
    } else if (name == "position") {
      played = 0;
      bool in_moves = false;
      for (std::string w; words >> w;) {
        if (in_moves) ++played;
        if (w == "moves") in_moves = true;
      }
    } else if (name == "go") {
      ++gos;
      if (gos == crash_on_go) return 4;
      if (gos == hang_on_go) {
        for (;;) pause();
      }
      std::cout << "info depth 1 score cp 13\nnot a UCI line\ninfo string thinking\n";
      std::cout << "bestmove " << (played < line_moves.size() ? line_moves[played] : "0000") << "\n"
                << std::flush;
    } else if (name == "quit") {
      return 0;
    }
  }
  return 0;
}
