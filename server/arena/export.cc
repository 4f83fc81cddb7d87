#include "server/arena/export.h"

#include "games/registry.h"

namespace arena {

namespace {

// The record's stored steps, read back.
Result<std::vector<Step>> stored_steps(const db::MatchRecord& record) {
  std::vector<Step> steps;
  for (const db::MoveRow& m : record.moves) {
    Result<Step> step = step_from_json(m.step);
    if (!step.ok()) return step.error();
    steps.push_back(std::move(step).value());
  }
  return steps;
}

}  // namespace

Result<std::unique_ptr<State>> replay_match(const db::MatchRecord& record) {
  Result<std::shared_ptr<const Game>> game = make_game(record.match.game);
  if (!game.ok()) return game.error();
  Result<std::vector<Step>> history = stored_steps(record);
  if (!history.ok()) return history.error();
  return (*game)->state_from_history(*history);
}

Result<Json> match_views(const db::MatchRecord& record, Player viewer) {
  Result<std::shared_ptr<const Game>> game = make_game(record.match.game);
  if (!game.ok()) return game.error();
  Result<std::vector<Step>> history = stored_steps(record);
  if (!history.ok()) return history.error();
  std::unique_ptr<State> state = (*game)->new_initial_state();
  Json views = Json::array();
  views.push_back(state->view(viewer));
  for (size_t i = 0; i < history->size(); ++i) {
    Status s = state->apply_step((*history)[i]);
    if (!s.ok()) return make_error("bad_state", "step " + std::to_string(i) + ": " + s.error().message);
    views.push_back(state->view(viewer));
  }
  return views;
}

Json match_to_json(const db::MatchRecord& record) {
  const db::MatchRow& m = record.match;
  Json seats = Json::array();
  for (const db::SeatRow& s : record.seats) {
    seats.push_back({{"seat", s.seat},
                     {"player_id", s.player_id},
                     {"name", s.player_name},
                     {"kind", db::to_string(s.player_kind)}});
  }
  Json moves = Json::array();
  for (const db::MoveRow& mv : record.moves) {
    moves.push_back({{"ply", mv.ply},
                     {"seat", mv.seat},
                     {"action", mv.action},
                     {"step", mv.step},
                     {"think_ms", mv.think_ms},
                     {"clocks_ms", mv.clocks_ms},
                     {"rewards", mv.rewards},
                     {"at", mv.created_at}});
  }
  Json j = {{"id", m.id},
            {"game", m.game},
            {"rating_group", m.rating_group},
            {"rated", m.rated},
            {"status", m.status},
            {"seed", m.seed},
            {"time_control", m.time_control},
            {"created_at", m.created_at},
            {"started_at", m.started_at},
            {"ended_at", m.ended_at},
            {"result", m.result},
            {"termination", m.termination},
            {"seats", seats},
            {"moves", moves}};
  j["puzzle_player_id"] = m.puzzle_player_id ? Json(*m.puzzle_player_id) : Json(nullptr);
  return j;
}

Result<ExportText> export_match(const db::MatchRecord& record, bool json) {
  if (json) return ExportText{"json", "application/json", match_to_json(record).dump(2) + "\n"};
  Result<std::unique_ptr<State>> state = replay_match(record);
  if (!state.ok()) return state.error();
  ExportInfo info;
  for (const db::SeatRow& s : record.seats) info.players.push_back(s.player_name);
  info.date = record.match.created_at.substr(0, 10);
  info.site = "Arena";
  info.round = std::to_string(record.match.id);
  info.termination = record.match.termination;
  info.returns = record.match.result;
  std::optional<ExportText> text = (*state)->export_text(info);
  if (!text) return ExportText{"json", "application/json", match_to_json(record).dump(2) + "\n"};
  return *text;
}

}  // namespace arena
