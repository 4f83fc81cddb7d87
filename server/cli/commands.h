// The subcommands of `arena`. Each takes the words after its name and returns the exit
// code: 0 on success, 1 on a failure, 2 on a usage error.
#pragma once

#include <string>
#include <vector>

namespace arena::cli {

int run_games(const std::vector<std::string>& args);
int run_agents(const std::vector<std::string>& args);
int run_play(const std::vector<std::string>& args);
int run_ratings(const std::vector<std::string>& args);
int run_export(const std::vector<std::string>& args);
int run_serve(const std::vector<std::string>& args);
int run_gtp(const std::vector<std::string>& args);
int run_uci(const std::vector<std::string>& args);
int run_train(const std::vector<std::string>& args);
int run_ship(const std::vector<std::string>& args);
// `arena selfplay`: a self-play worker for a learner's run (arena train --listen).
int run_selfplay(const std::vector<std::string>& args);
int run_report(const std::vector<std::string>& args);
int run_experiment(const std::vector<std::string>& args);
// `arena report steps` (report_steps.cc), dispatched by run_report.
int run_report_steps(const std::vector<std::string>& args);
int run_bench(const std::vector<std::string>& args);
// `arena db copy`: an arena moved between databases (SQLite, PostgreSQL).
int run_db(const std::vector<std::string>& args);
// `arena puzzle export`: beside the puzzle family's own tools, under its command word.
int run_puzzle_export(const std::vector<std::string>& args);
// `arena poker exploitability`: beside the poker family's tools; it asks agents.
int run_poker_exploitability(const std::vector<std::string>& args);

}  // namespace arena::cli
