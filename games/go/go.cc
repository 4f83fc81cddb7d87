#include "games/go/go.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "games/go/sgf.h"

namespace arena {
namespace {

constexpr char kColumns[] = "ABCDEFGHJKLMNOPQRST";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

go::Board make_initial_board(int size, const GoSetup& setup, int max_moves) {
  go::Board board(size, max_moves + 1);
  for (Action a : setup.black) board.place_setup_stone(board.point(a % size, a / size), go::kBlack);
  for (Action a : setup.white) board.place_setup_stone(board.point(a % size, a / size), go::kWhite);
  board.reset_history();
  return board;
}

// Reads the `setup` parameter: SGF root properties AB[..]AW[..]PL[..] with SGF points
// ("aa" is the top left corner).
Result<GoSetup> parse_setup(int size, std::string_view text) {
  GoSetup setup;
  auto bad = [&](const std::string& why) {
    return make_error("bad_spec", "go: setup '" + std::string(text) + "': " + why);
  };
  size_t i = 0;
  std::vector<bool> taken(size * size, false);
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && std::isupper(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view ident = text.substr(start, i - start);
    if (ident != "AB" && ident != "AW" && ident != "PL")
      return bad("expected AB, AW or PL at offset " + std::to_string(start));
    int values = 0;
    while (i < text.size() && text[i] == '[') {
      const size_t close = text.find(']', i);
      if (close == std::string_view::npos) return bad("unclosed '['");
      const std::string_view value = text.substr(i + 1, close - i - 1);
      i = close + 1;
      ++values;
      if (ident == "PL") {
        if (value != "B" && value != "W") return bad("PL must be B or W");
        setup.white_first = value == "W";
        continue;
      }
      if (value.size() != 2 || value[0] < 'a' || value[0] >= 'a' + size || value[1] < 'a' ||
          value[1] >= 'a' + size) {
        return bad("'" + std::string(value) + "' is not a point of a " + std::to_string(size) + "x" +
                   std::to_string(size) + " board");
      }
      const Action a = (size - 1 - (value[1] - 'a')) * size + (value[0] - 'a');
      if (taken[a]) return bad("two stones on '" + std::string(value) + "'");
      taken[a] = true;
      (ident == "AB" ? setup.black : setup.white).push_back(a);
    }
    if (values == 0) return bad(std::string(ident) + " needs a value");
  }
  return setup;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* color_name(go::Color c) { return c == go::kBlack ? "black" : "white"; }

}  // namespace

// ---------------------------------------------------------------------------------------
// Notation and helpers

std::string go_vertex(int size, Action action) {
  if (action == size * size) return "pass";
  if (action < 0 || action > size * size) return "action#" + std::to_string(action);
  return std::string(1, kColumns[action % size]) + std::to_string(action / size + 1);
}

Result<Action> parse_go_vertex(int size, std::string_view text) {
  const std::string t = lower(trim(text));
  auto fail = [&] {
    return make_error("parse_error", "'" + std::string(text) + "' is not a point of a " +
                                         std::to_string(size) + "x" + std::to_string(size) +
                                         " board (e.g. 'D4') or 'pass'");
  };
  if (t == "pass") return size * size;
  if (t.size() < 2 || t.size() > 3) return fail();
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
  const char* found = std::find(kColumns, kColumns + size, letter);
  if (found == kColumns + size) return fail();
  int row = 0;
  for (size_t i = 1; i < t.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return fail();
    row = row * 10 + (t[i] - '0');
  }
  if (t[1] == '0' || row < 1 || row > size) return fail();
  return static_cast<Action>((row - 1) * size + (found - kColumns));
}

Result<std::vector<Action>> fixed_handicap_points(int size, int handicap) {
  if (handicap == 1) {
    return make_error("bad_spec",
                      "go: handicap 1 is not a valid handicap (it is an even game without komi: use "
                      "handicap=0 and komi=0.5 or 0); use 0 or 2..9");
  }
  if (handicap < 0 || handicap > 9) {
    return make_error("bad_spec", "go: handicap must be 0 or 2..9, got " + std::to_string(handicap));
  }
  if (handicap == 0) return std::vector<Action>{};
  if (size < 7) {
    return make_error(
        "bad_spec", "go: no fixed handicap on a board smaller than 7x7 (size " + std::to_string(size) + ")");
  }
  if ((size == 7 || size % 2 == 0) && handicap > 4) {
    return make_error("bad_spec", "go: a " + std::to_string(size) + "x" + std::to_string(size) +
                                      " board takes at most 4 fixed handicap stones");
  }
  // Star points on the third line (boards up to 11x11) or the fourth (12x12 and up).
  const int low = size >= 12 ? 3 : 2;
  const int high = size - 1 - low;
  const int mid = size / 2;
  auto at = [size](int col, int row) { return static_cast<Action>(row * size + col); };
  std::vector<Action> points = {at(low, low), at(high, high)};  // 2: D4 Q16
  if (handicap >= 3) points.push_back(at(low, high));           // 3: + D16
  if (handicap >= 4) points.push_back(at(high, low));           // 4: + Q4
  if (handicap >= 6) {                                          // 6: + D10 Q10
    points.push_back(at(low, mid));
    points.push_back(at(high, mid));
  }
  if (handicap >= 8) {  // 8: + K4 K16
    points.push_back(at(mid, low));
    points.push_back(at(mid, high));
  }
  if (handicap % 2 == 1 && handicap >= 5) points.push_back(at(mid, mid));  // 5, 7, 9: + K10
  std::sort(points.begin(), points.end());
  return points;
}

double area_score(const GoState& state) { return state.board().score(state.go_game().komi()); }

std::string format_score(double score) {
  if (score == 0) return "0";
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, std::fabs(score)).ptr;  // shortest that reads back
  return std::string(score > 0 ? "B+" : "W+") + std::string(buf, end);
}

// ---------------------------------------------------------------------------------------
// GoGame

GoGame::GoGame(GameType type, GameParams params, GoSetup setup)
    : Game(std::move(type), std::move(params)),
      size_(static_cast<int>(this->params().get_int("size"))),
      komi_(this->params().get_double("komi")),
      handicap_(static_cast<int>(this->params().get_int("handicap"))),
      setup_(std::move(setup)),
      initial_board_(make_initial_board(size_, setup_, 2 * size_ * size_)) {}

std::unique_ptr<State> GoGame::new_initial_state() const {
  return std::make_unique<GoState>(shared_from_this());
}

// ---------------------------------------------------------------------------------------
// GoState

GoState::GoState(std::shared_ptr<const Game> game)
    : State(std::move(game)),
      board_(go_game().initial_board()),
      to_play_(go_game().setup().white_first ? go::kWhite : go::kBlack) {}

Player GoState::current_player() const {
  if (passes_ >= 2 || moves_ >= go_game().max_game_length()) return kTerminalPlayer;
  return to_play_ == go::kBlack ? 0 : 1;
}

bool GoState::is_legal(Action action) const {
  if (current_player() == kTerminalPlayer) return false;
  const GoGame& g = go_game();
  if (action == g.pass_action()) return true;
  if (action < 0 || action > g.pass_action()) return false;
  return board_.is_legal(g.to_point(action), to_play_);
}

std::vector<Action> GoState::legal_actions(Player player) const {
  if (player < 0 || player != current_player()) return {};
  const GoGame& g = go_game();
  std::vector<Action> actions;
  for (Action a = 0; a < g.pass_action(); ++a) {
    if (board_.is_legal(g.to_point(a), to_play_)) actions.push_back(a);
  }
  actions.push_back(g.pass_action());
  return actions;
}

std::vector<Action> GoState::playout_actions() const {
  if (current_player() == kTerminalPlayer) return {};
  const GoGame& g = go_game();
  std::vector<Action> actions;
  for (Action a = 0; a < g.pass_action(); ++a) {
    const int p = g.to_point(a);
    if (board_.at(p) == go::kEmpty && !board_.is_own_eye(p, to_play_) && board_.is_legal(p, to_play_)) {
      actions.push_back(a);
    }
  }
  if (actions.empty()) actions.push_back(g.pass_action());
  return actions;
}

bool GoState::pass_guarded(Action action) const {
  const Action pass = go_game().pass_action();
  if (action != pass || is_terminal()) return false;
  const double score = area_score(*this);  // Black's margin
  const bool wins = to_play_ == go::kBlack ? score > 0 : score < 0;
  if (!wins) return true;
  if (passes_ > 0) return false;  // the opponent passed: this pass ends the game, won
  // Ahead, with the opponent still playing: a pass hands them a free move, a stone in this
  // side's area that area scoring counts alive unless it is captured. Pass only when
  // nothing but filling an own eye is left.
  const std::vector<Action> useful = playout_actions();
  return !(useful.size() == 1 && useful[0] == pass);
}

GoState::Snapshot GoState::snapshot() const {
  Snapshot s{};
  const GoGame& g = go_game();
  for (Action a = 0; a < g.pass_action(); ++a) s[a] = board_.at(g.to_point(a));
  return s;
}

void GoState::do_apply(Action action) {
  const GoGame& g = go_game();
  for (int i = GoGame::kHistoryPlies - 1; i > 0; --i) previous_[i] = previous_[i - 1];
  previous_[0] = snapshot();
  num_previous_ = std::min(num_previous_ + 1, GoGame::kHistoryPlies);
  if (action == g.pass_action()) {
    ++passes_;
  } else {
    board_.play(g.to_point(action), to_play_);
    passes_ = 0;
  }
  ++moves_;
  last_move_ = action;
  to_play_ = go::opponent(to_play_);
}

std::vector<double> GoState::returns() const {
  if (!is_terminal()) return {0.0, 0.0};
  const double score = area_score(*this);
  if (score > 0) return {1.0, -1.0};
  if (score < 0) return {-1.0, 1.0};
  return {0.0, 0.0};
}

std::optional<ExportText> GoState::export_text(const ExportInfo& info) const {
  return ExportText{"sgf", "application/x-go-sgf", export_go_sgf(*this, info)};
}

void GoState::observation_tensor(Player player, std::span<float> out) const {
  const GoGame& g = go_game();
  assert(static_cast<int>(out.size()) == g.observation_size());
  std::fill(out.begin(), out.end(), 0.0f);
  if (player != 0 && player != 1) return;
  const int cells = g.size() * g.size();
  const go::Color own = player == 0 ? go::kBlack : go::kWhite;
  const go::Color other = go::opponent(own);
  float* plane = out.data();
  for (Action a = 0; a < cells; ++a) {
    const go::Color c = board_.at(g.to_point(a));
    plane[(c == own ? 0 : c == other ? 1 : 2) * cells + a] = 1.0f;
  }
  for (int h = 0; h < num_previous_; ++h) {
    for (Action a = 0; a < cells; ++a) {
      const go::Color c = previous_[h][a];
      if (c == own) plane[(3 + 2 * h) * cells + a] = 1.0f;
      if (c == other) plane[(4 + 2 * h) * cells + a] = 1.0f;
    }
  }
  const bool to_move = current_player() == player;
  const float komi = static_cast<float>(g.komi() / 15.0) * (own == go::kWhite ? 1.0f : -1.0f);
  for (Action a = 0; a < cells; ++a) {
    plane[9 * cells + a] = to_move ? 1.0f : 0.0f;
    plane[10 * cells + a] = own == go::kBlack ? 1.0f : 0.0f;
    plane[11 * cells + a] = komi;
    plane[12 * cells + a] = 1.0f;
  }
}

std::string GoState::information_key(Player) const { return serialize(); }

std::string GoState::action_to_string(Player, Action action) const {
  return go_vertex(go_game().size(), action);
}

Result<Action> GoState::do_parse_action(Player, std::string_view text) const {
  return parse_go_vertex(go_game().size(), text);
}

Json GoState::do_view(Player) const {
  const GoGame& g = go_game();
  const int n = g.size();
  Json rows = Json::array();
  for (int row = n - 1; row >= 0; --row) {
    std::string line;
    for (int col = 0; col < n; ++col) {
      const go::Color c = board_.at(board_.point(col, row));
      line += c == go::kBlack ? 'X' : c == go::kWhite ? 'O' : '.';
    }
    rows.push_back(line);
  }
  const bool terminal = is_terminal();
  Json ko = nullptr;
  Json superko = Json::array();
  if (!terminal) {
    if (board_.ko_point() >= 0) ko = go_vertex(n, g.to_action(board_.ko_point()));
    for (Action a = 0; a < g.pass_action(); ++a) {
      if (board_.check(g.to_point(a), to_play_) == go::Illegal::kSuperko) superko.push_back(go_vertex(n, a));
    }
  }
  Json setup_black = Json::array(), setup_white = Json::array();
  for (Action a : g.setup().black) setup_black.push_back(go_vertex(n, a));
  for (Action a : g.setup().white) setup_white.push_back(go_vertex(n, a));
  const double score = area_score(*this);
  Json view = {
      {"size", n},
      {"komi", g.komi()},
      {"handicap", g.handicap()},
      {"columns", std::string(kColumns, n)},
      {"board", rows},
      {"legend", {{"X", "black"}, {"O", "white"}, {".", "empty"}}},
      {"to_move", terminal ? Json(nullptr) : Json(color_name(to_play_))},
      {"last_move", last_move_ == kInvalidAction ? Json(nullptr) : Json(go_vertex(n, last_move_))},
      {"captures", {{"black", board_.captures(go::kBlack)}, {"white", board_.captures(go::kWhite)}}},
      {"ko", ko},
      {"superko_forbidden", superko},
      {"setup", {{"black", setup_black}, {"white", setup_white}}},
      {"consecutive_passes", passes_},
      {"moves", moves_},
      {"move_cap", g.max_game_length()},
      {"area_score", score},
      {"score_text", format_score(score)},
  };
  if (terminal) view["result"] = format_score(score);
  return view;
}

std::string GoState::to_string() const {
  std::string s = board_.to_string();
  if (is_terminal()) {
    s += "over: " + format_score(area_score(*this));
  } else {
    s += std::string(to_play_ == go::kBlack ? "black" : "white") + " to move";
  }
  s += ", moves " + std::to_string(moves_) + ", passes " + std::to_string(passes_);
  return s;
}

// ---------------------------------------------------------------------------------------
// Registration

GameRegistration go_registration() {
  GameType type;
  type.name = "go";
  type.description =
      "Go: area scoring (Tromp-Taylor, no dead-stone removal) plus komi, positional superko, no suicide; "
      "ends after two passes";
  type.perfect_information = true;
  type.params = {
      {"size", int64_t{19}, "board size, 5 to 19"},
      {"komi", 7.5, "points added to White's score"},
      {"handicap", int64_t{0}, "Black's fixed handicap stones: 0, or 2 to 9 (White then moves first)"},
      {"setup", std::string(), "stones before the first move as SGF root properties, e.g. AB[dd]AW[pp]PL[W]"},
  };
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    const int64_t size = params.get_int("size");
    if (size < GoGame::kMinSize || size > GoGame::kMaxSize) {
      return make_error("bad_spec", "go: size must be from 5 to 19, got " + std::to_string(size));
    }
    const int n = static_cast<int>(size);
    const int64_t handicap = params.get_int("handicap");
    if (handicap < 0 || handicap > 9) {
      return make_error("bad_spec", "go: handicap must be 0 or 2..9, got " + std::to_string(handicap));
    }
    Result<std::vector<Action>> stones = fixed_handicap_points(n, static_cast<int>(handicap));
    if (!stones.ok()) return stones.error();
    Result<GoSetup> setup = parse_setup(n, params.get_string("setup"));
    if (!setup.ok()) return setup.error();
    for (Action a : *stones) {
      if (std::count(setup->black.begin(), setup->black.end(), a) ||
          std::count(setup->white.begin(), setup->white.end(), a)) {
        return make_error("bad_spec", "go: setup puts a stone on handicap point " + go_vertex(n, a));
      }
      setup->black.push_back(a);
    }
    if (!stones->empty()) setup->white_first = true;
    std::sort(setup->black.begin(), setup->black.end());
    std::sort(setup->white.begin(), setup->white.end());
    auto game = std::make_shared<GoGame>(type, params, *setup);
    if (!game->initial_board().all_groups_have_liberties()) {
      return make_error("bad_spec", "go: the setup leaves a group without liberties");
    }
    return std::shared_ptr<const Game>(std::move(game));
  };
  return {type, create, {"go(size=9)", "go(size=5,komi=0.5)", "go(size=13,handicap=4)", "go"}};
}

Result<std::shared_ptr<const Game>> make_go_game(
    const std::vector<std::pair<std::string, std::string>>& params) {
  static const GameRegistration go = go_registration();
  Result<GameParams> resolved = GameParams::resolve(go.type.params, params);
  if (!resolved.ok()) return make_error("bad_spec", "go: " + resolved.error().message);
  return go.create(*resolved);
}

}  // namespace arena
