#include "server/net/wire.h"

#include "server/arena/export.h"
#include "server/arena/ratings/glicko2.h"

namespace arena::net {
namespace {

// Any message that answers a request carries its "ref", when the request had one.
Json with_ref(Json j, const Json& ref) {
  if (!ref.is_null()) j["ref"] = ref;
  return j;
}

Json ack_message(const Json& ref, Json fields) {
  fields["type"] = "ack";
  return with_ref(std::move(fields), ref);
}

Json id_or_null(int64_t id) { return id ? Json(id) : Json(nullptr); }

Json match_row_json(const db::MatchRow& m) {
  return {{"id", m.id},
          {"game", m.game},
          {"rating_group", m.rating_group},
          {"rated", m.rated},
          {"status", m.status},
          {"time_control", m.time_control},
          {"created_at", m.created_at},
          {"started_at", m.started_at},
          {"ended_at", m.ended_at},
          {"result", m.result},
          {"termination", m.termination}};
}

Json training_run_json(const db::TrainingRunRow& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"games", r.games},
          {"kind", r.kind},
          {"init_from", r.init_from},
          {"frozen_trunk", r.frozen_trunk},
          {"budget_steps", r.budget_steps},
          {"steps", r.steps},
          {"device", r.device},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at}};
}

// A stored exploitability figure, or null where none is known.
Json exploitability_json(const std::optional<db::ExploitabilityRow>& e) {
  if (!e) return nullptr;
  return {{"value", e->value},     {"low", e->low},
          {"high", e->high},       {"method", e->exact ? "exact" : "sampled"},
          {"samples", e->samples}, {"computed_at", e->computed_at}};
}

Json generalization_rating_json(const GeneralizationRating& r) {
  return {{"player", r.player}, {"elo", r.rating},
          {"low", r.low},       {"high", r.high},
          {"games", r.games},   {"exploitability", exploitability_json(r.exploitability)}};
}

Json generalization_cell_json(const GeneralizationCell& c) {
  Json j = generalization_rating_json(c.rating);
  j["run"] = c.run;
  j["step"] = c.step;
  return j;
}

Json generalization_group_json(const GeneralizationGroup& g) {
  Json anchor_rows = Json::array();
  for (const GeneralizationRating& a : g.anchors) anchor_rows.push_back(generalization_rating_json(a));
  Json cols = Json::object();
  const std::vector<std::string>& kinds = db::training_run_kinds();
  for (size_t k = 0; k < kinds.size(); ++k) {
    Json cells = Json::array();
    if (k < g.columns.size()) {
      for (const GeneralizationCell& c : g.columns[k]) cells.push_back(generalization_cell_json(c));
    }
    cols[kinds[k]] = cells;
  }
  return {{"rating_group", g.rating_group},
          {"anchor", g.anchor},
          {"matches", g.matches},
          {"anchors", anchor_rows},
          {"columns", cols},
          {"exploitability_notes", g.exploitability_notes}};
}

// Whether `seat` is a remote seat of the match, with a view of its own in `state`.
bool seated(const StateChanged& state, int seat) {
  return seat >= 0 && seat < static_cast<int>(state.seat_views.size()) && state.seat_views[seat];
}

ExportText json_export(const db::MatchRecord& record) {
  return ExportText{"json", "application/json", match_json(record).dump(2) + "\n"};
}

}  // namespace

// --- WebSocket ----------------------------------------------------------------------------

Json welcome_message(const PlayerIdentity& who) {
  return {{"type", "welcome"},
          {"protocol", kProtocolVersion},
          {"player", {{"id", who.id}, {"name", who.name}, {"kind", who.kind}, {"guest", who.guest}}}};
}

Json error_message(const Error& error, const Json& ref, std::optional<double> retry_after_s) {
  Json j = with_ref({{"type", "error"}, {"code", error.code}, {"message", error.message}}, ref);
  if (retry_after_s) j["retry_after_s"] = *retry_after_s;
  return j;
}

Json pong_message(const Json& ref) { return with_ref({{"type", "pong"}}, ref); }

Json hello_ack(const Json& ref) { return ack_message(ref, {{"protocol", kProtocolVersion}}); }

Json seek_ack(const Json& ref, int64_t seek_id) { return ack_message(ref, {{"seek_id", seek_id}}); }

Json challenge_ack(const Json& ref, int64_t challenge_id, int64_t match_id) {
  return ack_message(ref, {{"challenge_id", challenge_id}, {"match_id", id_or_null(match_id)}});
}

Json challenge_declined_ack(const Json& ref, int64_t challenge_id) {
  return ack_message(ref, {{"challenge_id", challenge_id}});
}

Json match_ack(const Json& ref, int64_t match_id) { return ack_message(ref, {{"match_id", match_id}}); }

Json move_ack(const Json& ref, int64_t match_id, int ply) {
  return ack_message(ref, {{"match_id", match_id}, {"ply", ply}});
}

Json spectate_ack(const Json& ref, int64_t match_id, bool spectating) {
  return ack_message(ref, {{"match_id", match_id}, {"spectating", spectating}});
}

Json move_json(const MoveMade& move) {
  Json j = {
      {"ply", move.ply}, {"seat", move.seat}, {"think_ms", move.think_ms}, {"clocks_ms", move.clocks_ms}};
  j["action"] = move.action.empty() ? Json(nullptr) : Json(move.action);  // chance outcomes stay unnamed
  return j;
}

const Json& view_for(const StateChanged& state, int seat) {
  static const Json none;
  const std::shared_ptr<const Json>& view =
      seated(state, seat) ? state.seat_views[seat] : state.spectator_view;
  return view ? *view : none;
}

std::string state_message(const StateChanged& state, int seat, std::string_view view_json,
                          std::string_view last_move_json) {
  const bool own_view = seated(state, seat);
  const Json head = {{"type", "state"},
                     {"match_id", state.match_id},
                     {"ply", state.ply},
                     {"to_act", state.to_act},
                     {"clocks_ms", state.clocks_ms},
                     {"seat", own_view ? Json(seat) : Json(nullptr)},
                     {"legal", own_view ? Json(state.legal[seat]) : Json::array()}};
  std::string text = head.dump();
  text.pop_back();  // the closing brace: the two serialised fields follow
  text.reserve(text.size() + view_json.size() + last_move_json.size() + 24);
  text.append(",\"last_move\":")
      .append(last_move_json)
      .append(",\"state\":")
      .append(view_json)
      .push_back('}');
  return text;
}

Json match_start_message(const MatchCreated& match, int seat) {
  Json seats = Json::array();
  for (const SeatInfo& s : match.seats) {
    seats.push_back({{"player_id", s.player_id}, {"name", s.name}, {"kind", db::to_string(s.kind)}});
  }
  return {{"type", "match_start"},
          {"match_id", match.match_id},
          {"game", match.game},
          {"seat", seat},
          {"seats", seats},
          {"rated", match.rated},
          {"time_control", match.time_control}};
}

Json match_end_message(const MatchEnded& end) {
  return {{"type", "match_end"},
          {"match_id", end.match_id},
          {"status", end.status},
          {"result", end.returns},
          {"reason", end.termination}};
}

Json challenge_message(const ChallengeIssued& c) {
  return {{"type", "challenge"},
          {"challenge_id", c.challenge_id},
          {"from", {{"id", c.from_player_id}, {"name", c.from_name}}},
          {"game", c.game},
          {"time_control", c.time_control},
          {"rated", c.rated}};
}

Json challenge_declined_message(const ChallengeDeclined& c) {
  return {{"type", "challenge_declined"}, {"challenge_id", c.challenge_id}, {"by", c.to_player_id}};
}

// --- REST ---------------------------------------------------------------------------------

Json error_body(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

Json health_json(int64_t uptime_s, size_t live_matches, size_t store_queue) {
  return {
      {"status", "ok"}, {"uptime_s", uptime_s}, {"live_matches", live_matches}, {"store_queue", store_queue}};
}

Json games_json(const std::vector<GameListing>& games) {
  Json all = Json::array();
  for (const GameListing& g : games) {
    Json game = g.description;
    game["opponents"] = g.opponents;
    game["board"] = g.board ? Json(*g.board) : Json(nullptr);
    all.push_back(std::move(game));
  }
  return all;
}

Json seeks_json(const std::vector<Arena::OpenSeek>& seeks, bool more) {
  Json out = Json::array();
  for (const Arena::OpenSeek& s : seeks) {
    Json tcs = Json::array();
    for (const TimeControl& tc : s.seek.time_controls) tcs.push_back(tc.to_string());
    out.push_back({{"id", s.id},
                   {"player_id", s.who.player_id},
                   {"name", s.who.name},
                   {"games", s.seek.games},
                   {"time_controls", tcs},
                   {"rated", s.seek.rated}});
  }
  // "next": the `after` of the next page, while there is one.
  return {{"seeks", out}, {"next", more && !seeks.empty() ? Json(seeks.back().id) : Json()}};
}

Json challenge_outcome_json(const Arena::ChallengeOutcome& outcome) {
  return {{"challenge_id", outcome.challenge_id},
          {"match_id", id_or_null(outcome.match_id)},
          {"status", outcome.match_id ? "accepted" : "pending"}};
}

Json rating_json(const db::RatingRow& r) {
  return {{"player_id", r.player_id},
          {"name", r.player_name},
          {"kind", db::to_string(r.player_kind)},
          {"game", r.game},
          {"elo", r.rating},
          {"deviation", r.deviation},
          {"volatility", r.volatility},
          {"games", r.games},
          {"provisional", is_provisional({r.rating, r.deviation, r.volatility})},
          {"updated_at", r.updated_at}};
}

Json leaderboard_json(const RatingGroupQuery& named, const Leaderboard& board,
                      const std::vector<db::RatingRow>& live, int bootstrap) {
  Json table = Json::array();
  for (const LeaderboardEntry& e : board.entries) {
    Json row = {{"player_id", e.player_id}, {"name", e.name},  {"kind", db::to_string(e.kind)},
                {"elo", e.rating},          {"low", e.low},    {"high", e.high},
                {"games", e.games},         {"score", e.score}};
    row["live"] = e.live ? rating_json(*e.live) : Json(nullptr);
    row["exploitability"] = exploitability_json(e.exploitability);
    table.push_back(row);
  }
  Json live_rows = Json::array();
  for (const db::RatingRow& r : live) live_rows.push_back(rating_json(r));
  return {{"game", named.group.empty() ? Json(nullptr) : Json(named.group)},
          {"related_groups", named.related},
          {"anchor", board.anchor},
          {"matches", board.matches},
          {"bootstrap", bootstrap},
          {"bradley_terry", table},
          {"live", live_rows}};
}

Json player_json(const db::PlayerRow& player, const std::vector<db::RatingRow>& ratings,
                 const std::vector<db::RatingHistoryRow>& history) {
  Json rows = Json::array();
  for (const db::RatingRow& r : ratings) rows.push_back(rating_json(r));
  Json hist = Json::object();
  for (const db::RatingHistoryRow& h : history) {
    hist[h.game].push_back(
        {{"match_id", h.match_id}, {"elo", h.rating}, {"deviation", h.deviation}, {"at", h.at}});
  }
  return {{"id", player.id},
          {"name", player.name},
          {"kind", db::to_string(player.kind)},
          {"created_at", player.created_at},
          {"ratings", rows},
          {"history", hist}};
}

Json matches_page_json(const std::vector<db::MatchRow>& rows, std::optional<int64_t> next_before) {
  Json out = Json::array();
  for (const db::MatchRow& m : rows) out.push_back(match_row_json(m));
  return {{"matches", out}, {"next_before", next_before ? Json(*next_before) : Json(nullptr)}};
}

Json match_json(const db::MatchRecord& record, MatchDisclosure disclosure) {
  const bool in_play = disclosure == MatchDisclosure::kInPlay;
  Json seats = Json::array();
  for (const db::SeatRow& s : record.seats) {
    seats.push_back({{"seat", s.seat},
                     {"player_id", s.player_id},
                     {"name", s.player_name},
                     {"kind", db::to_string(s.player_kind)}});
  }
  Json moves = Json::array();
  for (const db::MoveRow& mv : record.moves) {
    const bool hidden = in_play && mv.seat == kChancePlayer;
    moves.push_back({{"ply", mv.ply},
                     {"seat", mv.seat},
                     {"action", hidden ? Json(nullptr) : Json(mv.action)},
                     {"step", hidden ? Json(nullptr) : mv.step},
                     {"think_ms", mv.think_ms},
                     {"clocks_ms", mv.clocks_ms},
                     {"rewards", mv.rewards},
                     {"at", mv.created_at}});
  }
  Json j = match_row_json(record.match);
  if (!in_play) j["seed"] = record.match.seed;
  j["seats"] = seats;
  j["moves"] = moves;
  j["puzzle_player_id"] =
      record.match.puzzle_player_id ? Json(*record.match.puzzle_player_id) : Json(nullptr);
  return j;
}

Result<ExportText> match_export(const db::MatchRecord& record, bool json) {
  if (json) return json_export(record);
  Result<std::optional<ExportText>> text = export_in_game_format(record);
  if (!text.ok()) return text.error();
  return *text ? **text : json_export(record);
}

Json match_views_json(int64_t match_id, const std::string& viewer, const Json& views) {
  return {{"match_id", match_id}, {"viewer", viewer}, {"views", views}};
}

Json identity_json(const PlayerIdentity& who) {
  return {{"player_id", id_or_null(who.id)},
          {"name", who.name.empty() ? Json(nullptr) : Json(who.name)},
          {"kind", who.name.empty() ? Json(nullptr) : Json(who.kind)},
          {"guest", who.guest}};
}

Json human_registered_json(const PlayerIdentity& who, const std::string& token) {
  return {{"player_id", who.id},
          {"name", who.name},
          {"kind", who.kind},
          {"token", token},
          {"note", "the token is shown once; keep it to sign in elsewhere (POST /api/session)"}};
}

Json bot_registered_json(const PlayerIdentity& who, const std::string& token) {
  return {{"player_id", who.id},
          {"name", who.name},
          {"token", token},
          {"note", "the token is shown once; send it as 'Authorization: Bearer <token>'"}};
}

Json signed_out_json() { return {{"signed_out", true}}; }

Json token_revoked_json(const PlayerIdentity& who) {
  return {{"revoked", true}, {"player_id", who.id}, {"name", who.name}};
}

Json generalization_json(const GeneralizationReport& report) {
  Json run_rows = Json::array();
  for (const db::TrainingRunRow& r : report.runs) run_rows.push_back(training_run_json(r));
  Json group_rows = Json::array();
  for (const GeneralizationGroup& g : report.groups) group_rows.push_back(generalization_group_json(g));
  return {{"bootstrap", report.bootstrap},
          {"columns", db::training_run_kinds()},
          {"runs", run_rows},
          {"groups", group_rows}};
}

}  // namespace arena::net
