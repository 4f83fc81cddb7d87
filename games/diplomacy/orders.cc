#include "games/diplomacy/orders.h"

#include <cctype>
#include <vector>

namespace arena::diplomacy {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error parse_error(const std::string& text, const std::string& why) {
  return make_error("parse_error", "order '" + text + "': " + why);
}

// The words of an order, lower case; "spa (nc)" is one word, "->" and "-" are words.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(lower(cur));
    cur.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else if (c == '(' && !words.empty() && cur.empty()) {
      // "spa (nc)": the coast belongs to the previous word.
      cur = words.back();
      words.pop_back();
      cur.push_back(c);
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return words;
}

class Reader {
 public:
  Reader(const Map& map, std::string_view text) : map_(map), text_(text), words_(words_of(text)) {}

  bool done() const { return pos_ >= words_.size(); }
  const std::string& peek() const { return words_[pos_]; }
  bool accept(std::initializer_list<std::string_view> options) {
    if (done()) return false;
    for (std::string_view o : options) {
      if (peek() == o) {
        ++pos_;
        return true;
      }
    }
    return false;
  }
  Error fail(const std::string& why) const { return parse_error(std::string(text_), why); }

  std::optional<UnitType> unit_type() {
    if (accept({"a", "army"})) return UnitType::kArmy;
    if (accept({"f", "fleet"})) return UnitType::kFleet;
    return std::nullopt;
  }
  Result<Location> location() {
    if (done()) return fail("expected a province");
    const std::string& w = words_[pos_];
    const std::optional<Location> l = map_.find(w);
    if (!l) return fail("unknown province '" + w + "'");
    ++pos_;
    return *l;
  }
  bool arrow() { return accept({"->", "-", "to", "m", "move", "moves"}); }

 private:
  const Map& map_;
  std::string_view text_;
  std::vector<std::string> words_;
  size_t pos_ = 0;
};

const char* unit_letter(UnitType t) { return t == UnitType::kArmy ? "A" : "F"; }

std::string upper(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<Order> parse_order(const Map& map, std::string_view text) {
  Reader r(map, text);
  Order order;
  if (r.done()) return r.fail("empty order");
  // An optional power: "ENG:", "England:".
  {
    const std::string& first = r.peek();
    if (first.size() > 1 && first.back() == ':') {
      order.power = power_from_name(std::string_view(first).substr(0, first.size() - 1));
      if (order.power < 0) return r.fail("unknown power '" + first.substr(0, first.size() - 1) + "'");
      r.accept({first});
    }
  }
  if (r.accept({"waive", "waives"})) {
    order.kind = OrderKind::kWaive;
    if (!r.done()) return r.fail("unexpected '" + r.peek() + "' after waive");
    return order;
  }
  // "Build A Par" is also read.
  const bool build_first = r.accept({"build", "builds"});
  const std::optional<UnitType> type = r.unit_type();
  if (!type) return r.fail("expected a unit type (A or F)");
  order.unit = *type;
  Result<Location> at = r.location();
  if (!at.ok()) return at.error();
  order.at = *at;
  if (build_first) {
    order.kind = OrderKind::kBuild;
  } else if (r.done() || r.accept({"h", "hold", "holds", "stand", "stands"})) {
    order.kind = OrderKind::kHold;
  } else if (r.arrow()) {
    order.kind = OrderKind::kMove;
    Result<Location> to = r.location();
    if (!to.ok()) return to.error();
    order.to = *to;
    if (r.accept({"via"})) {
      if (!r.accept({"convoy"})) return r.fail("expected 'via convoy'");
      order.via_convoy = true;
    }
  } else if (r.accept({"r", "retreat", "retreats"})) {
    order.kind = OrderKind::kRetreat;
    r.arrow();
    Result<Location> to = r.location();
    if (!to.ok()) return to.error();
    order.to = *to;
  } else if (r.accept({"s", "support", "supports"})) {
    order.kind = OrderKind::kSupport;
    order.from_unit = r.unit_type().value_or(UnitType::kArmy);
    Result<Location> from = r.location();
    if (!from.ok()) return from.error();
    order.from = *from;
    if (r.arrow()) {
      Result<Location> to = r.location();
      if (!to.ok()) return to.error();
      order.to = *to;
    } else {
      r.accept({"h", "hold", "holds"});
    }
  } else if (r.accept({"c", "convoy", "convoys"})) {
    order.kind = OrderKind::kConvoy;
    if (const std::optional<UnitType> t = r.unit_type(); t && *t != UnitType::kArmy) {
      return r.fail("only armies are convoyed");
    }
    Result<Location> from = r.location();
    if (!from.ok()) return from.error();
    order.from = *from;
    if (!r.arrow()) return r.fail("a convoy names the army's destination: C A YOR - NWY");
    Result<Location> to = r.location();
    if (!to.ok()) return to.error();
    order.to = *to;
  } else if (r.accept({"b", "build", "builds"})) {
    order.kind = OrderKind::kBuild;
  } else if (r.accept({"d", "disband", "disbands", "remove", "removes"})) {
    order.kind = OrderKind::kDisband;
  } else {
    return r.fail("unknown order word '" + r.peek() + "'");
  }
  if (!r.done()) return r.fail("unexpected '" + r.peek() + "' at the end");
  return order;
}

std::string format_order(const Map& map, const Order& o) {
  if (o.kind == OrderKind::kWaive) return "WAIVE";
  std::string s = std::string(unit_letter(o.unit)) + " " + upper(map.name(o.at));
  switch (o.kind) {
    case OrderKind::kHold:
      return s + " H";
    case OrderKind::kMove:
      return s + " - " + upper(map.name(o.to)) + (o.via_convoy ? " VIA CONVOY" : "");
    case OrderKind::kSupport:
      s += " S " + std::string(unit_letter(o.from_unit)) + " " + upper(map.name(o.from));
      return o.to == kNoLocation ? s : s + " - " + upper(map.name(o.to));
    case OrderKind::kConvoy:
      return s + " C A " + upper(map.name(o.from)) + " - " + upper(map.name(o.to));
    case OrderKind::kRetreat:
      return s + " R " + upper(map.name(o.to));
    case OrderKind::kDisband:
      return s + " D";
    case OrderKind::kBuild:
      return s + " B";
    case OrderKind::kWaive:
      break;
  }
  return s;
}

std::string format_order_datc(const Map& map, const Order& o) {
  std::string s = o.power >= 0 ? std::string(kPowerCodes[static_cast<size_t>(o.power)]) + ": " : "";
  if (o.kind == OrderKind::kWaive) return s + "waive";
  s += std::string(unit_letter(o.unit)) + " " + map.name(o.at);
  switch (o.kind) {
    case OrderKind::kHold:
      return s + " hold";
    case OrderKind::kMove:
    case OrderKind::kRetreat:
      return s + " -> " + map.name(o.to) + (o.via_convoy ? " via Convoy" : "");
    case OrderKind::kSupport:
      s += " supports " + std::string(unit_letter(o.from_unit)) + " " + map.name(o.from);
      return o.to == kNoLocation ? s : s + " -> " + map.name(o.to);
    case OrderKind::kConvoy:
      return s + " convoys " + map.name(o.from) + " -> " + map.name(o.to);
    case OrderKind::kDisband:
      return s + " disband";
    case OrderKind::kBuild:
      return s + " build";
    case OrderKind::kWaive:
      break;
  }
  return s;
}

}  // namespace arena::diplomacy
