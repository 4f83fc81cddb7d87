// Runs a shell command (the `arena` binary, as a user would) and collects what it prints.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace arena::testing {

struct Output {
  int exit_code;
  std::string out;  // stdout and stderr together
};

inline Output run_command(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  EXPECT_NE(pipe, nullptr) << command;
  if (!pipe) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// `arena <args>` (the binary's path comes from the build: ARENA_BINARY).
inline Output run_arena(const std::string& args) {
  return run_command(std::string(ARENA_BINARY) + " " + args);
}

// A new, empty folder "arena-<name>-<pid>" in the system's temporary folder (emptied if a
// run before left it), for a test's runs and databases.
inline std::string fresh_temp_dir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("arena-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

// What a command printed, one element a line.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace arena::testing
