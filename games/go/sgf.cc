#include "games/go/sgf.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace arena {
namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string number(double x) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

// SGF point of an action: column letter, then row letter counted from the top.
std::string sgf_point(int size, Action a) {
  return {static_cast<char>('a' + a % size), static_cast<char>('a' + (size - 1 - a / size))};
}

std::string result_text(const GoState& state, const ExportInfo& info) {
  char winner = 0;
  if (info.returns.size() == 2 && info.returns[0] != info.returns[1]) {
    winner = info.returns[0] > info.returns[1] ? 'B' : 'W';
  }
  const std::string& how = info.termination;
  if (how.empty() || how == "normal") {
    return state.is_terminal() ? format_score(area_score(state)) : "Void";
  }
  if (!winner) return info.returns.size() == 2 ? "0" : "Void";
  if (how == "resign" || how == "resignation") return std::string(1, winner) + "+R";
  if (how == "flag" || how == "time" || how == "timeout") return std::string(1, winner) + "+T";
  return std::string(1, winner) + "+F";
}

// ---------------------------------------------------------------------------------------
// Reading

struct Property {
  std::string ident;
  size_t offset = 0;
  std::vector<std::string> values;
  std::vector<size_t> value_offsets;
};

struct Node {
  size_t offset = 0;
  std::vector<Property> properties;
  const Property* find(std::string_view ident) const {
    for (const Property& p : properties) {
      if (p.ident == ident) return &p;
    }
    return nullptr;
  }
};

class SgfReader {
 public:
  explicit SgfReader(std::string_view text) : text_(text) {}

  Error error_at(size_t offset, const std::string& what) const {
    int line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return make_error("parse_error", "line " + std::to_string(line) + ", column " + std::to_string(column) +
                                         " (byte " + std::to_string(offset) + "): " + what);
  }

  // The main variation's nodes of the first game tree.
  Result<std::vector<Node>> main_line() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skip_blanks();
    std::vector<Node> nodes;
    Status s = game_tree(&nodes, 0);
    if (!s.ok()) return s.error();
    return nodes;
  }

 private:
  static constexpr int kMaxDepth = 5000;

  void skip_blanks() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  std::string found() const {
    if (pos_ >= text_.size()) return "the end of the text";
    const unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (std::isprint(c)) return std::string("'") + static_cast<char>(c) + "'";
    return "byte " + std::to_string(c);
  }

  Status game_tree(std::vector<Node>* main, int depth) {
    if (depth > kMaxDepth)
      return error_at(pos_, "variations nested deeper than " + std::to_string(kMaxDepth));
    if (peek() != '(') return error_at(pos_, "expected '(' to start a game tree, found " + found());
    ++pos_;
    skip_blanks();
    if (peek() != ';') return error_at(pos_, "expected ';' to start a node, found " + found());
    while (peek() == ';') {
      Node node;
      node.offset = pos_;
      ++pos_;
      skip_blanks();
      while (std::isalpha(static_cast<unsigned char>(peek()))) {
        Result<Property> p = property();
        if (!p.ok()) return p.error();
        // FF[4] allows a property once per node; a second one would be ignored unchecked.
        if (node.find(p->ident)) return error_at(p->offset, p->ident + " appears twice in one node");
        node.properties.push_back(std::move(*p));
        skip_blanks();
      }
      if (main) main->push_back(std::move(node));
      skip_blanks();
    }
    bool first = true;
    while (peek() == '(') {
      Status s = game_tree(first ? main : nullptr, depth + 1);
      if (!s.ok()) return s;
      first = false;
      skip_blanks();
    }
    if (peek() != ')') {
      return error_at(pos_, "expected a property (capital letters), ';', '(' or ')', found " + found());
    }
    ++pos_;
    return ok_status();
  }

  Result<Property> property() {
    Property p;
    p.offset = pos_;
    while (std::isalpha(static_cast<unsigned char>(peek()))) {
      if (!std::isupper(static_cast<unsigned char>(peek()))) {
        return error_at(pos_, "property names are capital letters (FF[4]), found " + found());
      }
      p.ident += text_[pos_++];
    }
    skip_blanks();
    if (peek() != '[')
      return error_at(pos_, "expected '[' to open a value of " + p.ident + ", found " + found());
    while (peek() == '[') {
      p.value_offsets.push_back(pos_);
      ++pos_;
      std::string value;
      for (;;) {
        if (pos_ >= text_.size()) {
          return error_at(pos_, "expected ']' to close the value of " + p.ident + " opened at byte " +
                                    std::to_string(p.value_offsets.back()));
        }
        const char c = text_[pos_++];
        if (c == ']') break;
        if (c == '\\' && pos_ < text_.size()) {
          const char escaped = text_[pos_++];
          if (escaped == '\n' || escaped == '\r') continue;  // a soft line break
          value += escaped;
          continue;
        }
        value += c;
      }
      p.values.push_back(std::move(value));
      skip_blanks();
    }
    return p;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// A point value "dd" (or a pass, "" or "tt" on boards up to 19x19) as an action.
std::optional<Action> sgf_move(int size, std::string_view value) {
  if (value.empty() || (value == "tt" && size <= 19)) return size * size;
  if (value.size() != 2) return std::nullopt;
  const int col = value[0] - 'a', row_from_top = value[1] - 'a';
  if (col < 0 || col >= size || row_from_top < 0 || row_from_top >= size) return std::nullopt;
  return (size - 1 - row_from_top) * size + col;
}

}  // namespace

std::string export_go_sgf(const GoState& state, const ExportInfo& info) {
  const GoGame& g = state.go_game();
  const int n = g.size();
  std::string out = "(;GM[1]FF[4]CA[UTF-8]AP[Arena]SZ[" + std::to_string(n) + "]KM[" + number(g.komi()) + "]";
  if (g.handicap() > 0) out += "HA[" + std::to_string(g.handicap()) + "]";
  out += "RU[area scoring (Tromp-Taylor), positional superko, suicide illegal]";
  if (info.players.size() > 0) out += "PB[" + escape(info.players[0]) + "]";
  if (info.players.size() > 1) out += "PW[" + escape(info.players[1]) + "]";
  if (!info.date.empty()) out += "DT[" + escape(info.date) + "]";
  if (!info.site.empty()) out += "PC[" + escape(info.site) + "]";
  if (!info.round.empty()) out += "GN[" + escape(info.round) + "]";
  out += "RE[" + result_text(state, info) + "]";
  if (!g.setup().black.empty()) {
    out += "\nAB";
    for (Action a : g.setup().black) out += "[" + sgf_point(n, a) + "]";
  }
  if (!g.setup().white.empty()) {
    out += "\nAW";
    for (Action a : g.setup().white) out += "[" + sgf_point(n, a) + "]";
  }
  if (g.setup().white_first && g.handicap() == 0) out += "PL[W]";
  out += "\n";
  int column = 0;
  for (const Step& step : state.history()) {
    out += step.player == 0 ? ";B[" : ";W[";
    if (step.action != g.pass_action()) out += sgf_point(n, step.action);
    out += "]";
    if (++column % 12 == 0) out += "\n";
  }
  out += ")\n";
  return out;
}

Result<std::unique_ptr<GoState>> parse_go_sgf(std::string_view text) {
  SgfReader reader(text);
  Result<std::vector<Node>> nodes = reader.main_line();
  if (!nodes.ok()) return nodes.error();
  const Node& root = nodes->front();

  auto int_value = [&](const Property& p, int& out) -> Status {
    const std::string& v = p.values.front();
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || end != v.data() + v.size()) {
      return reader.error_at(p.value_offsets.front(), p.ident + "[" + v + "]: expected an integer");
    }
    return ok_status();
  };

  if (const Property* gm = root.find("GM"); gm && gm->values.front() != "1") {
    return reader.error_at(gm->value_offsets.front(),
                           "GM[" + gm->values.front() + "] is not Go (expected GM[1])");
  }
  int size = 19;
  if (const Property* sz = root.find("SZ")) {
    std::string v = sz->values.front();
    if (const size_t colon = v.find(':'); colon != std::string::npos) {
      if (v.substr(0, colon) != v.substr(colon + 1)) {
        return reader.error_at(sz->value_offsets.front(), "SZ[" + v + "]: only square boards are supported");
      }
      v = v.substr(0, colon);
    }
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), size);
    if (ec != std::errc() || end != v.data() + v.size() || size < GoGame::kMinSize ||
        size > GoGame::kMaxSize) {
      return reader.error_at(sz->value_offsets.front(),
                             "SZ[" + sz->values.front() + "]: expected a size from 5 to 19");
    }
  }
  double komi = 0;
  if (const Property* km = root.find("KM")) {
    const std::string& v = km->values.front();
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), komi);
    if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(komi)) {
      return reader.error_at(km->value_offsets.front(), "KM[" + v + "]: expected a number");
    }
  }
  int handicap = 0;
  if (const Property* ha = root.find("HA")) {
    if (Status s = int_value(*ha, handicap); !s.ok()) return s.error();
  }

  // Setup stones (root only), with compressed point lists ("aa:cc").
  std::vector<Action> black, white;
  bool white_first = false;
  for (const char* ident : {"AB", "AW"}) {
    const Property* p = root.find(ident);
    if (!p) continue;
    for (size_t i = 0; i < p->values.size(); ++i) {
      const std::string& v = p->values[i];
      const bool rect = v.size() == 5 && v[2] == ':';
      const std::optional<Action> a = sgf_move(size, v.substr(0, 2));
      const std::optional<Action> b = rect ? sgf_move(size, v.substr(3, 2)) : a;
      if ((v.size() != 2 && !rect) || !a || !b || *a == size * size || *b == size * size) {
        return reader.error_at(p->value_offsets[i], std::string(ident) + "[" + v +
                                                        "]: expected a point of the " + std::to_string(size) +
                                                        "x" + std::to_string(size) + " board");
      }
      const int c0 = std::min(*a % size, *b % size), c1 = std::max(*a % size, *b % size);
      const int r0 = std::min(*a / size, *b / size), r1 = std::max(*a / size, *b / size);
      for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) (ident[1] == 'B' ? black : white).push_back(r * size + c);
      }
    }
  }
  if (const Property* pl = root.find("PL")) {
    const std::string& v = pl->values.front();
    if (v != "B" && v != "W" && v != "b" && v != "w") {
      return reader.error_at(pl->value_offsets.front(), "PL[" + v + "]: expected B or W");
    }
    white_first = v == "W" || v == "w";
  }
  if (!root.find("PL")) {
    // Without PL, the colour of the first move says who moves first.
    for (const Node& node : *nodes) {
      if (node.find("B") || node.find("W")) {
        white_first = node.find("W") && !node.find("B");
        break;
      }
    }
  }
  for (size_t i = 1; i < nodes->size(); ++i) {
    for (const char* ident : {"AB", "AW", "AE"}) {
      if (const Property* p = (*nodes)[i].find(ident)) {
        return reader.error_at(
            p->offset, std::string(ident) + " after the root node: setup is supported only in the root");
      }
    }
  }
  if (root.find("AE")) return reader.error_at(root.find("AE")->offset, "AE is not supported");

  // The spec: a fixed handicap when the AB stones are exactly its points, a setup otherwise.
  // Both lists sorted, so that the same position is the same spec whatever the SGF's order.
  std::sort(black.begin(), black.end());
  std::sort(white.begin(), white.end());
  int spec_handicap = 0;
  if (handicap >= 2 && white.empty()) {
    Result<std::vector<Action>> fixed = fixed_handicap_points(size, handicap);
    if (fixed.ok() && *fixed == black) {
      spec_handicap = handicap;
      black.clear();
    }
  }
  std::string setup;
  if (!black.empty()) {
    setup += "AB";
    for (Action a : black) setup += "[" + sgf_point(size, a) + "]";
  }
  if (!white.empty()) {
    setup += "AW";
    for (Action a : white) setup += "[" + sgf_point(size, a) + "]";
  }
  if (white_first && spec_handicap == 0) setup += "PL[W]";
  Result<std::shared_ptr<const Game>> game = make_go_game({{"size", std::to_string(size)},
                                                           {"komi", format_param(ParamValue(komi))},
                                                           {"handicap", std::to_string(spec_handicap)},
                                                           {"setup", setup}});
  if (!game.ok()) return reader.error_at(root.offset, game.error().message);
  std::unique_ptr<State> base = (*game)->new_initial_state();
  std::unique_ptr<GoState> state(static_cast<GoState*>(base.release()));

  int move_number = 0;
  for (const Node& node : *nodes) {
    if (node.find("B") && node.find("W"))
      return reader.error_at(node.offset, "a node with both a B and a W move");
    for (const char* ident : {"B", "W"}) {
      const Property* p = node.find(ident);
      if (!p) continue;
      ++move_number;
      const std::string what =
          "move " + std::to_string(move_number) + " " + ident + "[" + p->values.front() + "]";
      const Player seat = ident[0] == 'B' ? 0 : 1;
      if (state->is_terminal()) return reader.error_at(p->offset, what + ": the game is already over");
      if (state->current_player() != seat) {
        return reader.error_at(p->offset, what + ": " + (seat == 0 ? "White" : "Black") + " is to move");
      }
      const std::optional<Action> a = sgf_move(size, p->values.front());
      if (!a)
        return reader.error_at(p->value_offsets.front(),
                               what + ": expected a point or an empty value (pass)");
      if (Status s = state->apply(*a); !s.ok())
        return reader.error_at(p->offset, what + ": " + s.error().message);
    }
  }
  return state;
}

}  // namespace arena
