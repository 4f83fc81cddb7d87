#include "agents/search/step_scorer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>
#include <sstream>

#include "core/format.h"
#include "core/rng.h"
#include "games/params.h"
#include "games/registry.h"

namespace arena {

namespace {

// The children of `state` (a puzzle decision state), scored and labelled.
Status score_children(const State& state, Evaluator& evaluator, ProblemSteps& out) {
  const size_t before = state.puzzle_steps().size();
  std::vector<std::unique_ptr<State>> children;
  std::vector<bool> labels;
  for (Action a : state.legal_actions()) {
    std::unique_ptr<State> child = state.clone();
    if (Status s = child->apply(a); !s.ok()) return s.error();
    const std::vector<PuzzleStep> steps = child->puzzle_steps();
    if (steps.size() != before + 1) {
      return make_error("bad_problem", state.game().spec() + ": a step added no verdict to puzzle_steps()");
    }
    if (steps.back().rating == 0) {
      ++out.neutral_skipped;
      continue;
    }
    if (child->is_terminal()) {
      ++out.terminal_skipped;
      continue;
    }
    labels.push_back(steps.back().rating > 0);
    children.push_back(std::move(child));
  }
  std::vector<ScoredStep> scored(children.size());
  if (!children.empty()) {
    // Values only: no actions, so no priors are computed.
    std::vector<EvalRequest> requests(children.size());
    for (size_t i = 0; i < children.size(); ++i) {
      requests[i] = EvalRequest{children[i].get(), children[i]->current_player(), {}};
    }
    std::vector<Evaluation> answers(children.size());
    evaluator.evaluate(requests, answers);
    for (size_t i = 0; i < children.size(); ++i) {
      scored[i].score = answers[i].values.empty() ? 0.0f : answers[i].values[0];
      scored[i].positive = labels[i];
    }
  }
  out.positions.push_back(std::move(scored));
  return ok_status();
}

// The AUC of the pooled steps, each problem's steps weighted by weights[problem]; `order`
// is every (problem, step) sorted by score.
struct PooledItem {
  float score;
  bool positive;
  uint32_t problem;
};
std::optional<double> weighted_auc(std::span<const PooledItem> sorted, std::span<const double> weights) {
  double negatives_below = 0, numerator = 0, positives = 0;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    double wp = 0, wn = 0;
    for (; j < sorted.size() && sorted[j].score == sorted[i].score; ++j) {
      (sorted[j].positive ? wp : wn) += weights[sorted[j].problem];
    }
    numerator += wp * negatives_below + 0.5 * wp * wn;
    negatives_below += wn;
    positives += wp;
    i = j;
  }
  if (positives <= 0 || negatives_below <= 0) return std::nullopt;
  return numerator / (positives * negatives_below);
}

// Within-position pairs of one problem: wins (ties half) and pairs.
struct PairCounts {
  double wins = 0, pairs = 0;
  int64_t positives = 0, negatives = 0, mixed = 0;
};
PairCounts within_pairs(const ProblemSteps& problem) {
  PairCounts c;
  for (const std::vector<ScoredStep>& children : problem.positions) {
    double p = 0, n = 0;
    for (const ScoredStep& s : children) (s.positive ? p : n) += 1;
    if (p == 0 || n == 0) continue;
    ++c.mixed;
    c.positives += static_cast<int64_t>(p);
    c.negatives += static_cast<int64_t>(n);
    c.pairs += p * n;
    for (const ScoredStep& a : children) {
      if (!a.positive) continue;
      for (const ScoredStep& b : children) {
        if (b.positive) continue;
        c.wins += a.score > b.score ? 1.0 : a.score == b.score ? 0.5 : 0.0;
      }
    }
  }
  return c;
}

// The 2.5th and 97.5th percentiles of `values` (sorted in place); nullopt when empty.
std::pair<std::optional<double>, std::optional<double>> percentile_interval(std::vector<double>& values) {
  if (values.empty()) return {std::nullopt, std::nullopt};
  std::sort(values.begin(), values.end());
  auto at = [&](double q) {
    const double pos = q * static_cast<double>(values.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(values.size() - 1, lo + 1);
    return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
  };
  return {at(0.025), at(0.975)};
}

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json estimate_json(const AucEstimate& e) {
  return Json{{"auc", optional_json(e.auc)},
              {"low", optional_json(e.low)},
              {"high", optional_json(e.high)},
              {"positive", e.positives},
              {"negative", e.negatives}};
}

std::string estimate_text(const AucEstimate& e) {
  if (!e.auc) return "n/a";
  std::string out = fixed(*e.auc, 3);
  if (e.low && e.high) out += " [" + fixed(*e.low, 3) + ", " + fixed(*e.high, 3) + "]";
  return out;
}

}  // namespace

Result<ProblemSteps> score_problem_steps(const State& problem, Evaluator& evaluator,
                                         const StepWalkOptions& options) {
  if (problem.is_terminal() || problem.current_player() != 0 || problem.game().num_players() != 1) {
    return make_error("bad_problem", problem.game().spec() +
                                         ": not a one-player puzzle at a decision (deal the problem first)");
  }
  if (!problem.puzzle()) return make_error("bad_problem", problem.game().spec() + ": not a puzzle");
  ProblemSteps out;
  out.spec = problem.puzzle()->spec;
  std::set<std::string> visited;
  Rng rng(options.seed);
  // Path 0 follows the solver; the others pick uniformly among the legal steps.
  for (int path = 0; path <= options.random_paths; ++path) {
    std::unique_ptr<State> s = problem.clone();
    while (!s->is_terminal() && s->current_player() == 0) {
      if (visited.insert(s->information_key(0)).second) {
        if (Status st = score_children(*s, evaluator, out); !st.ok()) return st.error();
      }
      std::optional<Action> next;
      if (path == 0) {
        next = s->solver_action();
        if (!next) break;  // no solver: the random paths alone
      } else {
        const std::vector<Action> legal = s->legal_actions();
        if (legal.empty()) break;
        next = legal[rng.uniform(legal.size())];
      }
      if (Status st = s->apply(*next); !st.ok()) return st.error();
    }
  }
  return out;
}

std::optional<double> roc_auc(std::span<const ScoredStep> steps) {
  std::vector<PooledItem> items;
  items.reserve(steps.size());
  for (const ScoredStep& s : steps) items.push_back({s.score, s.positive, 0});
  std::sort(items.begin(), items.end(),
            [](const PooledItem& a, const PooledItem& b) { return a.score < b.score; });
  const double one = 1.0;
  return weighted_auc(items, {&one, 1});
}

StepAucSummary summarize_steps(std::span<const ProblemSteps> problems, int bootstrap, uint64_t seed) {
  StepAucSummary out;
  out.problems = static_cast<int>(problems.size());
  out.bootstrap = bootstrap;
  std::vector<PooledItem> items;
  std::vector<PairCounts> pairs(problems.size());
  for (size_t p = 0; p < problems.size(); ++p) {
    out.positions += static_cast<int64_t>(problems[p].positions.size());
    out.terminal_skipped += problems[p].terminal_skipped;
    out.neutral_skipped += problems[p].neutral_skipped;
    for (const std::vector<ScoredStep>& children : problems[p].positions) {
      for (const ScoredStep& s : children) {
        items.push_back({s.score, s.positive, static_cast<uint32_t>(p)});
        ++(s.positive ? out.pooled.positives : out.pooled.negatives);
      }
    }
    pairs[p] = within_pairs(problems[p]);
    out.mixed_positions += pairs[p].mixed;
    out.within_position.positives += pairs[p].positives;
    out.within_position.negatives += pairs[p].negatives;
  }
  std::sort(items.begin(), items.end(),
            [](const PooledItem& a, const PooledItem& b) { return a.score < b.score; });
  auto within = [&](std::span<const double> w) -> std::optional<double> {
    double wins = 0, total = 0;
    for (size_t p = 0; p < pairs.size(); ++p) {
      wins += w[p] * pairs[p].wins;
      total += w[p] * pairs[p].pairs;
    }
    if (total <= 0) return std::nullopt;
    return wins / total;
  };
  std::vector<double> weights(problems.size(), 1.0);
  out.pooled.auc = weighted_auc(items, weights);
  out.within_position.auc = within(weights);
  if (problems.empty() || bootstrap <= 0) return out;
  Rng rng(seed);
  std::vector<double> pooled, inside;
  for (int b = 0; b < bootstrap; ++b) {
    std::fill(weights.begin(), weights.end(), 0.0);
    for (size_t i = 0; i < problems.size(); ++i) weights[rng.uniform(problems.size())] += 1.0;
    // A resample without a positive or a negative has no AUC: it is left out.
    if (std::optional<double> a = weighted_auc(items, weights)) pooled.push_back(*a);
    if (std::optional<double> a = within(weights)) inside.push_back(*a);
  }
  if (out.pooled.auc) std::tie(out.pooled.low, out.pooled.high) = percentile_interval(pooled);
  if (out.within_position.auc) {
    std::tie(out.within_position.low, out.within_position.high) = percentile_interval(inside);
  }
  return out;
}

Result<std::vector<ProblemSet>> step_problem_sets(std::string_view spec, int problems, uint64_t seed) {
  Result<RawSpec> raw = parse_spec(spec);
  if (!raw.ok()) return raw.error();
  if (problems < 1) return make_error("bad_spec", "at least one problem per difficulty");
  const GameRegistration* game = GameRegistry::instance().find(raw->name);
  if (!game || !game->held_out) {
    std::string with;
    for (const GameRegistration& r : GameRegistry::instance().registrations()) {
      if (r.held_out) with += (with.empty() ? "" : ", ") + r.type.name;
    }
    return make_error("bad_spec", "no problem sets for '" + raw->name + "': the games with them are " + with);
  }
  uint64_t name_hash = 1469598103934665603ULL;  // FNV-1a: the same draws on every platform
  for (char c : raw->name) name_hash = (name_hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  Rng rng(seed ^ name_hash);
  Result<std::vector<ProblemSet>> out = game->held_out(*raw, problems, rng);
  if (!out.ok()) return out.error();
  for (const ProblemSet& set : *out) {
    for (const std::string& s : set.specs) {
      Result<std::shared_ptr<const Game>> made = make_game(s);
      if (!made.ok()) return made.error();
    }
  }
  return out;
}

Json step_report_json(const StepReport& report) {
  Json rows = Json::array();
  for (const StepReportRow& r : report.rows) {
    const StepAucSummary& s = r.summary;
    Json within = estimate_json(s.within_position);
    within["positions"] = s.mixed_positions;
    rows.push_back(Json{{"game", r.game},
                        {"difficulty", r.difficulty},
                        {"problems", s.problems},
                        {"positions", s.positions},
                        {"positive_steps", s.pooled.positives},
                        {"negative_steps", s.pooled.negatives},
                        {"auc", optional_json(s.pooled.auc)},
                        {"low", optional_json(s.pooled.low)},
                        {"high", optional_json(s.pooled.high)},
                        {"within_position", within},
                        {"terminal_steps_skipped", s.terminal_skipped},
                        {"neutral_steps_skipped", s.neutral_skipped},
                        {"bootstrap", s.bootstrap}});
  }
  return Json{{"scorer", report.scorer}, {"checkpoint", report.checkpoint}, {"rows", rows}};
}

std::string render_step_report_text(const StepReport& report) {
  std::ostringstream out;
  out << "scorer " << report.scorer;
  if (!report.checkpoint.empty()) out << " (" << report.checkpoint << ")";
  out << ": the value after each step; positive = on a solution path (exact verifier)\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-17s %-12s %8s %9s %9s  %-24s %s\n", "game", "difficulty", "problems",
                "positive", "negative", "AUC [95%]", "within-position AUC [95%] (positions)");
  out << line;
  int bootstrap = 0;
  int64_t terminal = 0, neutral = 0;
  for (const StepReportRow& r : report.rows) {
    const StepAucSummary& s = r.summary;
    std::snprintf(line, sizeof line, "%-17s %-12s %8d %9lld %9lld  %-24s %s (%lld)\n", r.game.c_str(),
                  r.difficulty.c_str(), s.problems, static_cast<long long>(s.pooled.positives),
                  static_cast<long long>(s.pooled.negatives), estimate_text(s.pooled).c_str(),
                  estimate_text(s.within_position).c_str(), static_cast<long long>(s.mixed_positions));
    out << line;
    bootstrap = std::max(bootstrap, s.bootstrap);
    terminal += s.terminal_skipped;
    neutral += s.neutral_skipped;
  }
  out << "intervals: 2.5-97.5 percentiles of " << bootstrap
      << " bootstrap resamples of the problems; left out: " << terminal
      << " steps that end the game (scored by their exact return, not by the network) and " << neutral
      << " neutral steps (rated 0)\n";
  return out.str();
}

}  // namespace arena
