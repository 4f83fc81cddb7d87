#include "server/arena/generalization.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "agents/cfr/agent_policy.h"
#include "games/registry.h"
#include "server/arena/leaderboard.h"

namespace arena {
namespace {

// Rollout MCTS agents name themselves "mcts(simulations=...,c=...,rollouts=...)".
bool is_rollout_mcts(const std::string& name) { return name.rfind("mcts(", 0) == 0; }

// The learner step of `player` when it is a checkpoint of `run` ("nn:<run>@<step>", with its
// search parameters in parentheses where they differ from the defaults).
std::optional<int64_t> checkpoint_step(const std::string& player, const std::string& run) {
  const std::string prefix = "nn:" + run + "@";
  if (player.size() <= prefix.size() || player.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  size_t end = player.size();
  if (player.back() == ')') end = player.find('(', prefix.size());
  if (end == std::string::npos || end == prefix.size()) return std::nullopt;
  int64_t step = 0;
  for (size_t i = prefix.size(); i < end; ++i) {
    const char c = player[i];
    if (c < '0' || c > '9' || step > (INT64_MAX - 9) / 10) return std::nullopt;
    step = step * 10 + (c - '0');
  }
  return step;
}

// CFR agents name themselves "cfr(iterations=...)".
bool is_cfr(const std::string& name) { return name.rfind("cfr(", 0) == 0; }

GeneralizationRating rating_of(const LeaderboardEntry& e) {
  return GeneralizationRating{e.name, e.rating, e.low, e.high, e.games, e.exploitability};
}

// "152 [90, 210] n=20": a rating, its interval and the games behind it; then its
// exploitability where known: "e=0.4583" (exact) or "e=0.801 [0.780, 0.850]/20" (sampled,
// its bootstrap interval and decisions per information set).
std::string format_rating(const GeneralizationRating& r) {
  char text[192];
  int n = std::snprintf(text, sizeof text, "%.0f [%.0f, %.0f] n=%d", r.rating, r.low, r.high, r.games);
  if (const auto& e = r.exploitability; e && n > 0) {
    if (e->exact) {
      std::snprintf(text + n, sizeof text - static_cast<size_t>(n), " e=%.4g", e->value);
    } else {
      std::snprintf(text + n, sizeof text - static_cast<size_t>(n), " e=%.3g [%.3g, %.3g]/%d", e->value,
                    e->low, e->high, e->samples);
    }
  }
  return text;
}

// Every rating of a group: anchors, then each column's cells.
std::vector<GeneralizationRating*> ratings_of(GeneralizationGroup& g) {
  std::vector<GeneralizationRating*> out;
  for (GeneralizationRating& a : g.anchors) out.push_back(&a);
  for (auto& column : g.columns) {
    for (GeneralizationCell& c : column) out.push_back(&c.rating);
  }
  return out;
}

// Pads every column to its widest cell, two spaces apart, no trailing blanks.
std::string align(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// The heading of each run kind's column.
std::string column_title(const std::string& kind) {
  if (kind == "shared") return "shared agent";
  if (kind == "transfer") return "transfer (frozen trunk)";
  return kind;
}

}  // namespace

std::string rating_group_of(const std::string& spec) {
  Result<std::shared_ptr<const Game>> game = make_game(spec);
  return game.ok() ? (*game)->rating_group() : spec;
}

Result<GeneralizationReport> compute_generalization(db::Store& store, int bootstrap_samples, uint64_t seed) {
  GeneralizationReport report;
  report.bootstrap = bootstrap_samples;
  Result<std::vector<db::TrainingRunRow>> runs = store.training_runs();
  if (!runs.ok()) return runs.error();
  report.runs = std::move(runs).value();

  // The groups each run trained, and every group in the order the runs name them.
  std::vector<std::string> order;
  std::vector<std::set<std::string>> trained(report.runs.size());
  for (size_t i = 0; i < report.runs.size(); ++i) {
    for (const std::string& spec : report.runs[i].games) {
      const std::string group = rating_group_of(spec);
      trained[i].insert(group);
      if (std::find(order.begin(), order.end(), group) == order.end()) order.push_back(group);
    }
  }

  const std::vector<std::string>& kinds = db::training_run_kinds();
  for (const std::string& group_name : order) {
    Result<Leaderboard> board = compute_leaderboard(store, group_name, bootstrap_samples, seed);
    if (!board.ok()) return board.error();
    GeneralizationGroup group;
    group.rating_group = group_name;
    group.anchor = board->anchor;
    group.matches = board->matches;
    group.columns.resize(kinds.size());
    // Anchors: random first, then rollout MCTS best first (the board is sorted best first).
    for (const LeaderboardEntry& e : board->entries) {
      if (e.name == "random" && e.kind == db::PlayerKind::kAgent) group.anchors.push_back(rating_of(e));
    }
    for (const LeaderboardEntry& e : board->entries) {
      if (is_rollout_mcts(e.name)) group.anchors.push_back(rating_of(e));
    }
    for (const LeaderboardEntry& e : board->entries) {
      if (is_cfr(e.name) && e.kind == db::PlayerKind::kAgent) group.anchors.push_back(rating_of(e));
    }
    for (size_t i = 0; i < report.runs.size(); ++i) {
      const db::TrainingRunRow& run = report.runs[i];
      if (!trained[i].count(group_name)) continue;
      const auto kind = std::find(kinds.begin(), kinds.end(), run.kind);
      if (kind == kinds.end()) continue;
      const LeaderboardEntry* latest = nullptr;
      int64_t latest_step = -1;
      for (const LeaderboardEntry& e : board->entries) {
        std::optional<int64_t> step = checkpoint_step(e.name, run.name);
        if (step && e.games > 0 && *step > latest_step) {
          latest = &e;
          latest_step = *step;
        }
      }
      if (!latest) continue;
      group.columns[kind - kinds.begin()].push_back(
          GeneralizationCell{run.name, latest_step, rating_of(*latest)});
    }
    report.groups.push_back(std::move(group));
  }
  return report;
}

Status refresh_exploitability(db::Store& store, GeneralizationReport& report,
                              const ExploitabilityRefresh& options) {
  for (GeneralizationGroup& group : report.groups) {
    Result<std::shared_ptr<const Game>> game = make_game(group.rating_group);
    // Perfect-information games are left out before any tree is built: exploitability is
    // the measure for hidden information, and their trees are far past the cap.
    if (!game.ok() || (*game)->type().perfect_information || (*game)->num_players() != 2) continue;
    Result<std::shared_ptr<const cfr::GameTree>> tree = cfr::GameTree::build(*game, options.max_nodes);
    if (!tree.ok()) {
      group.exploitability_notes.push_back("no exploitability: " + tree.error().message);
      continue;
    }
    bool stored = false;
    for (GeneralizationRating* r : ratings_of(group)) {
      cfr::ExploitabilityOptions measure;
      measure.sampling.samples = options.samples;
      measure.sampling.seed = options.seed;
      measure.sampling.deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(options.seconds_per_agent);
      measure.bootstrap = options.bootstrap;
      Result<cfr::ExploitabilityEstimate> e = cfr::exploitability_of(r->player, **tree, measure);
      if (!e.ok()) {
        group.exploitability_notes.push_back(r->player + ": " + e.error().message);
        continue;
      }
      const db::ExploitabilityRow row{
          group.rating_group, r->player, e->value.exploitability, e->low, e->high, e->exact, e->samples, ""};
      if (Status s = db::wait_status([&](db::Store::Done d) { store.upsert_exploitability(row, d); });
          !s.ok())
        return s;
      stored = true;
    }
    if (!stored) continue;
    // Read back, so the report shows what the leaderboard will (with its time).
    Result<std::vector<db::ExploitabilityRow>> rows = store.exploitability(group.rating_group);
    if (!rows.ok()) return rows.error();
    for (GeneralizationRating* r : ratings_of(group)) {
      for (const db::ExploitabilityRow& row : *rows) {
        if (row.player == r->player) r->exploitability = row;
      }
    }
  }
  return ok_status();
}

std::string render_generalization_text(const GeneralizationReport& report) {
  std::string out =
      "Cross-game generalization: Bradley-Terry Elo with 95% bootstrap intervals (" +
      std::to_string(report.bootstrap) +
      " resamples), random = 0 in every game; n = rated games; each run's latest rated checkpoint;\n"
      "e = exploitability in chips per hand where computable (exact best response; sampled agents:\n"
      "95% bootstrap interval / decisions per information set)\n";
  if (report.runs.empty()) {
    return out + "no training runs in this database (arena train records them)\n";
  }
  const std::vector<std::string>& kinds = db::training_run_kinds();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"game", "random", "rollout MCTS", "CFR"};
  for (const std::string& k : kinds) head.push_back(column_title(k));
  rows.push_back(head);
  std::vector<std::string> notes;
  for (const GeneralizationGroup& g : report.groups) {
    std::vector<std::string> random, mcts, cfr;
    for (const GeneralizationRating& a : g.anchors) {
      if (a.player == "random") {
        random.push_back(format_rating(a));
      } else if (is_cfr(a.player)) {
        cfr.push_back(a.player + ": " + format_rating(a));
      } else {
        mcts.push_back(a.player + ": " + format_rating(a));
      }
    }
    std::vector<std::vector<std::string>> cells = {random, mcts, cfr};
    for (size_t k = 0; k < kinds.size(); ++k) {
      std::vector<std::string> column;
      if (k < g.columns.size()) {
        for (const GeneralizationCell& c : g.columns[k]) {
          column.push_back(c.run + "@" + std::to_string(c.step) + ": " + format_rating(c.rating));
        }
      }
      cells.push_back(column);
    }
    size_t height = 1;
    for (const auto& column : cells) height = std::max(height, column.size());
    for (size_t line = 0; line < height; ++line) {
      std::vector<std::string> row = {line == 0 ? g.rating_group : ""};
      for (const auto& column : cells) {
        row.push_back(line < column.size() ? column[line] : (line == 0 ? "-" : ""));
      }
      rows.push_back(row);
    }
    for (const std::string& n : g.exploitability_notes) notes.push_back(g.rating_group + ": " + n);
    if (g.matches == 0) {
      notes.push_back(g.rating_group + ": no rated match yet");
    } else if (g.anchor != "random") {
      notes.push_back(g.rating_group + ": random has not played; " + g.anchor + " = 0 instead");
    }
  }
  out += "\n" + align(rows);
  for (const std::string& n : notes) out += "note: " + n + "\n";

  std::vector<std::vector<std::string>> run_rows = {
      {"run", "kind", "games", "steps", "budget", "init from", "frozen trunk", "device"}};
  for (const db::TrainingRunRow& r : report.runs) {
    std::string games;
    for (const std::string& g : r.games) games += (games.empty() ? "" : ";") + g;
    run_rows.push_back({r.name, r.kind, games, std::to_string(r.steps), std::to_string(r.budget_steps),
                        r.init_from.empty() ? "-" : r.init_from, r.frozen_trunk ? "yes" : "no",
                        r.device.empty() ? "-" : r.device});
  }
  out += "\n" + align(run_rows);
  return out;
}

}  // namespace arena
