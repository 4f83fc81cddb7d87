#include "server/arena/export.h"

#include "games/registry.h"
#include "server/arena/time_control.h"

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

Result<std::optional<ExportText>> export_in_game_format(const db::MatchRecord& record) {
  Result<std::unique_ptr<State>> state = replay_match(record);
  if (!state.ok()) return state.error();
  ExportInfo info;
  for (const db::SeatRow& s : record.seats) info.players.push_back(s.player_name);
  info.date = record.match.created_at.substr(0, 10);
  info.site = "Arena";
  info.round = std::to_string(record.match.id);
  info.termination = record.match.termination;
  info.returns = record.match.result;
  if (Result<TimeControl> clock = TimeControl::parse(record.match.time_control); clock.ok()) {
    if (clock->kind == TimeControl::Kind::kFischer) {
      info.clock_initial_ms = clock->base.count();
      info.clock_increment_ms = clock->increment.count();
    } else if (clock->kind == TimeControl::Kind::kPerMove) {
      info.clock_per_move_ms = clock->base.count();
    }
  }
  return (*state)->export_text(info);
}

}  // namespace arena
