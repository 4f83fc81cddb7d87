// A tiny GTP engine for the GtpEngine and GtpAgent tests: it answers every command with
// success, "genmove" with "pass", "pid" with its process id, "fail" with a failure, and
// misbehaves on request:
//   --crash-on NAME    exits (code 3) without answering when it receives command NAME
//   --hang-on NAME     never answers NAME (sleeps until killed)
//   --garbage-on NAME  answers NAME with text that is not GTP
//   --resign           answers genmove with "resign"
//   --log FILE         appends every command line it receives to FILE
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  std::string crash_on, hang_on, garbage_on, log_path;
  bool resign = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--crash-on")
      crash_on = value();
    else if (a == "--hang-on")
      hang_on = value();
    else if (a == "--garbage-on")
      garbage_on = value();
    else if (a == "--log")
      log_path = value();
    else if (a == "--resign")
      resign = true;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!log_path.empty()) std::ofstream(log_path, std::ios::app) << line << "\n";
    std::istringstream words(line);
    std::string first, name;
    words >> first;
    std::string id;
    if (!first.empty() && first.find_first_not_of("0123456789") == std::string::npos) {
      id = first;
      words >> name;
    } else {
      name = first;
    }
    if (name.empty()) continue;
    if (name == crash_on) return 3;
    if (name == hang_on) {
      for (;;) pause();
    }
    if (name == garbage_on) {
      std::cout << "this is not GTP\n\n" << std::flush;
      continue;
    }
    if (name == "fail") {
      std::cout << "?" << id << " failed on purpose\n\n" << std::flush;
      continue;
    }
    std::string answer;
    if (name == "genmove") answer = resign ? "resign" : "pass";
    if (name == "pid") answer = std::to_string(getpid());
    std::cout << "=" << id << " " << answer << "\n\n" << std::flush;
    if (name == "quit") return 0;
  }
  return 0;
}
