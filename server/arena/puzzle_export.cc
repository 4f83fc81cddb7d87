#include "server/arena/puzzle_export.h"

#include "server/arena/export.h"

namespace arena {

Result<std::optional<PuzzleAttempt>> puzzle_attempt(const db::MatchRecord& record) {
  if (record.match.status != "finished" || record.seats.size() != 1 || record.match.result.size() != 1)
    return std::optional<PuzzleAttempt>();
  Result<std::unique_ptr<State>> state = replay_match(record);
  if (!state.ok()) return state.error();
  std::optional<PuzzleInfo> info = (*state)->puzzle();
  if (!info) return std::optional<PuzzleAttempt>();
  PuzzleAttempt a;
  a.match_id = record.match.id;
  a.game = record.match.game;
  a.puzzle = info->spec;
  a.player = record.seats[0].player_name;
  a.player_kind = db::to_string(record.seats[0].player_kind);
  a.ended_at = record.match.ended_at;
  a.termination = record.match.termination;
  a.return_value = record.match.result[0];
  a.solved = a.return_value >= (*state)->game().max_utility() - 1e-9;
  a.problem = info->problem;
  a.answer = info->answer;
  a.attempt_answer = info->attempt_answer;
  a.steps = (*state)->puzzle_steps();
  return std::optional<PuzzleAttempt>(std::move(a));
}

Json prm_json(const PuzzleAttempt& a) {
  Json steps = Json::array();
  for (const PuzzleStep& s : a.steps) {
    steps.push_back(
        {{"completions",
          Json::array(
              {{{"text", s.text}, {"rating", s.rating}, {"flagged", false}, {"verdict", s.verdict}}})},
         {"human_completion", nullptr},
         {"chosen_completion", 0}});
  }
  return {{"labeler", "arena-verifier"},
          {"timestamp", a.ended_at},
          {"generation", nullptr},
          {"is_quality_control_question", false},
          {"is_initial_screening_question", false},
          {"question", {{"problem", a.problem}, {"ground_truth_answer", a.answer}}},
          {"label",
           {{"steps", steps}, {"total_time", nullptr}, {"finish_reason", a.solved ? "solution" : "give_up"}}},
          {"arena",
           {{"match_id", a.match_id},
            {"game", a.game},
            {"puzzle", a.puzzle},
            {"player", a.player},
            {"player_kind", a.player_kind},
            {"termination", a.termination},
            {"return", a.return_value},
            {"solved", a.solved},
            {"answer", a.attempt_answer}}}};
}

namespace {

// Reads the export's fields, naming the first one that is missing or of the wrong type.
class FieldReader {
 public:
  const Json* object(const Json& j, const char* path, const char* key) {
    const Json* v = field(j, path, key);
    if (v && !v->is_object()) fail(path, key, "an object");
    return error_ ? nullptr : v;
  }
  const Json* array(const Json& j, const char* path, const char* key) {
    const Json* v = field(j, path, key);
    if (v && !v->is_array()) fail(path, key, "an array");
    return error_ ? nullptr : v;
  }
  std::string text(const Json& j, const char* path, const char* key) {
    const Json* v = field(j, path, key);
    if (v && !v->is_string()) fail(path, key, "a string");
    return error_ ? std::string() : v->get<std::string>();
  }
  double number(const Json& j, const char* path, const char* key) {
    const Json* v = field(j, path, key);
    if (v && !v->is_number()) fail(path, key, "a number");
    return error_ ? 0.0 : v->get<double>();
  }
  int64_t integer(const Json& j, const char* path, const char* key) {
    const Json* v = field(j, path, key);
    if (v && !v->is_number_integer()) fail(path, key, "an integer");
    return error_ ? 0 : v->get<int64_t>();
  }
  bool boolean(const Json& j, const char* path, const char* key) {
    const Json* v = field(j, path, key);
    if (v && !v->is_boolean()) fail(path, key, "true or false");
    return error_ ? false : v->get<bool>();
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  const Json* field(const Json& j, const char* path, const char* key) {
    if (error_) return nullptr;
    auto it = j.find(key);
    if (it == j.end()) {
      error_ = Error{"bad_record", std::string(path) + key + " is missing"};
      return nullptr;
    }
    return &*it;
  }
  void fail(const char* path, const char* key, const char* what) {
    error_ = Error{"bad_record", std::string(path) + key + " must be " + what};
  }
  std::optional<Error> error_;
};

}  // namespace

Result<PuzzleAttempt> attempt_from_prm_json(const Json& j) {
  if (!j.is_object()) return make_error("bad_record", "a record is a JSON object");
  FieldReader r;
  PuzzleAttempt a;
  const Json* question = r.object(j, "", "question");
  const Json* label = r.object(j, "", "label");
  const Json* arena = r.object(j, "", "arena");
  if (r.error()) return *r.error();
  a.ended_at = r.text(j, "", "timestamp");
  a.problem = r.text(*question, "question.", "problem");
  a.answer = r.text(*question, "question.", "ground_truth_answer");
  const std::string finish = r.text(*label, "label.", "finish_reason");
  const Json* steps = r.array(*label, "label.", "steps");
  a.match_id = r.integer(*arena, "arena.", "match_id");
  a.game = r.text(*arena, "arena.", "game");
  a.puzzle = r.text(*arena, "arena.", "puzzle");
  a.player = r.text(*arena, "arena.", "player");
  a.player_kind = r.text(*arena, "arena.", "player_kind");
  a.termination = r.text(*arena, "arena.", "termination");
  a.return_value = r.number(*arena, "arena.", "return");
  a.solved = r.boolean(*arena, "arena.", "solved");
  a.attempt_answer = r.text(*arena, "arena.", "answer");
  if (r.error()) return *r.error();
  if (finish != (a.solved ? "solution" : "give_up"))
    return make_error("bad_record", "label.finish_reason is 'solution' exactly when arena.solved is true");
  for (const Json& step : *steps) {
    const Json* completions = step.is_object() ? r.array(step, "label.steps[].", "completions") : nullptr;
    if (r.error()) return *r.error();
    if (!completions || completions->size() != 1 || !(*completions)[0].is_object())
      return make_error("bad_record", "each of label.steps has one completion, an object");
    const Json& c = (*completions)[0];
    PuzzleStep s;
    s.text = r.text(c, "label.steps[].completions[].", "text");
    s.rating = static_cast<int>(r.integer(c, "label.steps[].completions[].", "rating"));
    s.verdict = r.text(c, "label.steps[].completions[].", "verdict");
    if (r.error()) return *r.error();
    if (s.rating < -1 || s.rating > 1) return make_error("bad_record", "a step's rating is -1, 0 or 1");
    a.steps.push_back(std::move(s));
  }
  return a;
}

}  // namespace arena
