#include "games/math/arithmetic_chain.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <set>

#include "core/rng.h"

namespace arena {
namespace {

constexpr char kOpChars[ArithmeticChain::kOps] = {'+', '-', '*', '/'};
constexpr int kAdd = 0, kSub = 1, kMul = 2, kDiv = 3;
bool commutative(int op) { return op == kAdd || op == kMul; }

// a op b for whole numbers; nullopt for a division that does not come out whole.
std::optional<int64_t> whole_op(int64_t a, int64_t b, int op) {
  switch (op) {
    case kAdd:
      return a + b;
    case kSub:
      return a - b;
    case kMul:
      return a * b;  // callers keep both below 2^31: no overflow
    default:
      if (b == 0 || a % b != 0) return std::nullopt;
      return a / b;
  }
}

// Values of the generated graphs stay friendly: no node above this.
constexpr int64_t kMaxNodeValue = 50'000;

// ---------------------------------------------------------------------------------------
// The story's vocabulary.

struct Item {
  const char* plural;
  const char* singular;
  const char* verb3;  // how one comes by them: "Mia bakes"
  const char* verb;   // "can bake"
};
constexpr Item kItems[] = {
    {"cookies", "cookie", "bakes", "bake"},         {"muffins", "muffin", "bakes", "bake"},
    {"apples", "apple", "picks", "pick"},           {"paper cranes", "paper crane", "folds", "fold"},
    {"bracelets", "bracelet", "makes", "make"},     {"tiles", "tile", "paints", "paint"},
    {"stickers", "sticker", "collects", "collect"}, {"shells", "shell", "gathers", "gather"},
    {"postcards", "postcard", "writes", "write"},   {"cupcakes", "cupcake", "decorates", "decorate"},
    {"marbles", "marble", "collects", "collect"},   {"candles", "candle", "makes", "make"},
};

struct Container {
  const char* plural;
  const char* singular;
};
constexpr Container kContainers[] = {{"boxes", "box"},  {"bags", "bag"}, {"crates", "crate"},
                                     {"packs", "pack"}, {"jars", "jar"}, {"baskets", "basket"},
                                     {"trays", "tray"}, {"tins", "tin"}};

constexpr const char* kNames[] = {"Mia",  "Leo",   "Ava",  "Noah", "Zoe",  "Omar", "Lena",
                                  "Sam",  "Priya", "Tom",  "Hana", "Luis", "Ella", "Ravi",
                                  "Nina", "Jack",  "Ines", "Kofi", "Maya", "Ben"};
constexpr const char* kThings[] = {"book",     "scarf", "kite",   "hat",  "board game",   "ticket",
                                   "notebook", "plant", "puzzle", "lamp", "water bottle", "backpack"};
struct TimeUnit {
  const char* singular;
  const char* plural;
};
constexpr TimeUnit kTimeUnits[] = {{"hour", "hours"}, {"day", "days"}, {"week", "weeks"}};

std::string num(int64_t v) { return std::to_string(v); }
std::string usd(int64_t v) { return "$" + std::to_string(v); }
std::string capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t z = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// What the story is about at a point: a count of things someone has, money someone has
// (cash), or money someone spends (a cost).
enum class Kind { kItems, kCash, kCost };

struct Focus {
  Kind kind;
  int ref;  // the quantity (a builder ref)
  int64_t value;
  std::string owner;
  std::string plural;    // items: what is counted ("pencils", "boxes")
  std::string singular;  // "pencil"
  std::string question;
};

struct Sentence {
  std::string text;
  std::vector<int> givens;  // in the order the text mentions them
};

// Builds one problem from an Rng. A failed attempt rolls back to a saved Draft.
class ProblemBuilder {
 public:
  static constexpr int kNodeRef = 1000;  // builder refs: givens below, nodes from here

  explicit ProblemBuilder(uint64_t seed) : rng_(seed) {}

  // The graph of `ops` operations and its story, or nullopt when this draw failed.
  bool build(int ops) {
    draft_ = Draft{};
    const bool merge = ops >= 3 && rng_.uniform(5) < 2;
    if (!merge) {
      const std::string owner = new_name();
      const Item& item = pick_of(kItems);
      std::optional<Focus> f = strand(ops, owner, item, std::nullopt, /*may_split=*/true);
      if (!f) return false;
      draft_.question = f->question;
      draft_.asked = f->kind == Kind::kItems ? ChainRole::kCount : ChainRole::kMoney;
      return true;
    }
    const int first = 1 + static_cast<int>(rng_.uniform(ops - 2));  // 1..ops-2
    const Item& item = pick_of(kItems);
    std::optional<Focus> a = strand(first, new_name(), item, std::nullopt, false);
    if (!a) return false;
    std::optional<Focus> b;
    for (int attempt = 0; attempt < 8 && !b; ++attempt) {
      const Draft saved = draft_;
      b = strand(ops - 1 - first, new_name(), item, a->kind, false);
      // Things are added or compared only when they are the same things.
      if (b && a->kind == Kind::kItems && b->plural != a->plural) b.reset();
      if (!b) draft_ = saved;
    }
    if (!b) return false;
    return merge_focus(*a, *b);
  }

  // Adds `count` distractor sentences from a separate generator, so that the graph and its
  // sentences do not depend on the number of distractors.
  bool add_distractors(int count, Rng& rng) {
    for (int k = 0; k < count; ++k) {
      std::optional<int64_t> v;
      std::string text, label;
      ChainRole role = ChainRole::kOther;
      const std::string who = draft_.names.front();
      switch (rng.uniform(5)) {
        case 0:
          v = fresh_from(rng, 8, 60);
          if (v) text = who + " is " + num(*v) + " years old.", label = who + "'s age";
          break;
        case 1:
          v = fresh_from(rng, 2, 15);
          if (v)
            text = "The shop is " + num(*v) + " blocks from " + who + "'s home.",
            label = "blocks to the shop";
          break;
        case 2: {
          v = fresh_from(rng, 2, 40);
          const std::string other = new_name_from(rng);
          const Item& item = kItems[rng.uniform(std::size(kItems))];
          if (v) {
            text = other + " has " + num(*v) + " " + item.plural + ".";
            label = std::string(item.plural) + " " + other + " has";
            role = ChainRole::kCount;
          }
          break;
        }
        case 3:
          v = fresh_from(rng, 5, 45);
          if (v) text = "The bus ride to town takes " + num(*v) + " minutes.", label = "minutes on the bus";
          role = ChainRole::kTime;
          break;
        default:
          v = fresh_from(rng, 2, 9);
          if (v) text = who + " has " + num(*v) + " cousins.", label = who + "'s cousins";
          break;
      }
      if (!v) return false;
      const int id = given(*v, label, role, true);
      const size_t at = rng.uniform(draft_.sentences.size() + 1);
      draft_.sentences.insert(draft_.sentences.begin() + static_cast<std::ptrdiff_t>(at),
                              Sentence{text, {id}});
    }
    return true;
  }

  // The finished problem: givens renumbered in the order the text mentions them.
  ChainProblem finish() const {
    ChainProblem p;
    std::vector<int> new_index(draft_.givens.size(), -1);
    for (const Sentence& s : draft_.sentences) {
      p.text += (p.text.empty() ? "" : " ") + s.text;
      for (int g : s.givens) {
        new_index[g] = static_cast<int>(p.givens.size());
        p.givens.push_back(draft_.givens[g]);
      }
    }
    const int n = static_cast<int>(p.givens.size());
    auto remap = [&](int ref) { return ref >= kNodeRef ? n + (ref - kNodeRef) : new_index[ref]; };
    for (const ChainNode& node : draft_.nodes)
      p.nodes.push_back({remap(node.lhs), remap(node.rhs), node.op, node.value});
    p.question = draft_.question;
    p.asked = draft_.asked;
    return p;
  }

  Rng& rng() { return rng_; }

 private:
  struct Draft {
    std::vector<ChainGiven> givens;
    std::vector<ChainNode> nodes;
    std::vector<Sentence> sentences;
    std::set<int64_t> used;  // every value so far: all are distinct
    std::vector<std::string> names;
    std::vector<std::string> things;
    std::string question;
    ChainRole asked = ChainRole::kCount;
  };

  template <typename T, size_t N>
  const T& pick_of(const T (&options)[N]) {
    return options[rng_.uniform(N)];
  }
  int variant(int n) { return static_cast<int>(rng_.uniform(n)); }
  int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng_.uniform(hi - lo + 1)); }

  std::string new_name_from(Rng& rng) {
    for (;;) {
      std::string name = kNames[rng.uniform(std::size(kNames))];
      if (std::find(draft_.names.begin(), draft_.names.end(), name) == draft_.names.end()) {
        draft_.names.push_back(name);
        return name;
      }
    }
  }
  std::string new_name() { return new_name_from(rng_); }
  // Something to buy that the story has not mentioned yet.
  std::string new_thing() {
    for (;;) {
      std::string thing = kThings[rng_.uniform(std::size(kThings))];
      if (std::find(draft_.things.begin(), draft_.things.end(), thing) == draft_.things.end()) {
        draft_.things.push_back(thing);
        return thing;
      }
    }
  }

  // A value in [lo, hi] not used yet, reserved; nullopt when a few draws all collide.
  std::optional<int64_t> fresh_from(Rng& rng, int64_t lo, int64_t hi) {
    if (hi < lo) return std::nullopt;
    for (int attempt = 0; attempt < 12; ++attempt) {
      const int64_t v = lo + static_cast<int64_t>(rng.uniform(hi - lo + 1));
      if (draft_.used.insert(v).second) return v;
    }
    return std::nullopt;
  }
  std::optional<int64_t> fresh(int64_t lo, int64_t hi) { return fresh_from(rng_, lo, hi); }

  int given(int64_t v, std::string label, ChainRole role, bool distractor = false) {
    draft_.used.insert(v);
    draft_.givens.push_back({v, std::move(label), role, distractor});
    return static_cast<int>(draft_.givens.size()) - 1;
  }
  int64_t value_of(int ref) const {
    return ref >= kNodeRef ? draft_.nodes[ref - kNodeRef].value : draft_.givens[ref].value;
  }
  // The node lhs op rhs, or nullopt when its value is not a new friendly positive integer.
  std::optional<int> node(int lhs, int rhs, int op) {
    const std::optional<int64_t> v = whole_op(value_of(lhs), value_of(rhs), op);
    if (!v || *v <= 1 || *v > kMaxNodeValue || !draft_.used.insert(*v).second) return std::nullopt;
    draft_.nodes.push_back({lhs, rhs, op, *v});
    return kNodeRef + static_cast<int>(draft_.nodes.size()) - 1;
  }
  void say(std::string text, std::vector<int> givens) {
    draft_.sentences.push_back({capitalized(std::move(text)), std::move(givens)});
  }

  // A divisor of v in [lo, hi] that is not used yet, or nullopt.
  std::optional<int64_t> fresh_divisor(int64_t v, int64_t lo, int64_t hi) {
    std::vector<int64_t> options;
    for (int64_t d = lo; d <= hi; ++d) {
      if (v % d == 0 && v / d > 1 && !draft_.used.count(d)) options.push_back(d);
    }
    if (options.empty()) return std::nullopt;
    const int64_t d = options[rng_.uniform(options.size())];
    draft_.used.insert(d);
    return d;
  }

  std::string items_question(const std::string& owner, const std::string& plural) {
    switch (variant(3)) {
      case 0:
        return "How many " + plural + " does " + owner + " have now?";
      case 1:
        return "How many " + plural + " does " + owner + " end up with?";
      default:
        return "In the end, how many " + plural + " does " + owner + " have?";
    }
  }
  std::string cash_question(const std::string& owner) {
    switch (variant(3)) {
      case 0:
        return "How much money does " + owner + " have now?";
      case 1:
        return "How many dollars does " + owner + " end up with?";
      default:
        return "In the end, how much money does " + owner + " have?";
    }
  }
  std::string cost_question(const std::string& owner) {
    switch (variant(3)) {
      case 0:
        return "How much does " + owner + " spend in all?";
      case 1:
        return "What is " + owner + "'s total bill in dollars?";
      default:
        return "How many dollars does " + owner + " pay altogether?";
    }
  }

  // --- Strands: a first operation on two givens, then one operation per new given. ------

  std::optional<Focus> strand(int ops, const std::string& owner, const Item& item, std::optional<Kind> want,
                              bool may_split) {
    std::optional<Focus> f;
    for (int attempt = 0; attempt < 8 && !f; ++attempt) {
      const Draft saved = draft_;
      f = start(owner, item);
      if (!f) draft_ = saved;
    }
    if (!f) return std::nullopt;
    for (int k = 1; k < ops; ++k) {
      const bool last = k == ops - 1;
      bool stepped = false;
      for (int attempt = 0; attempt < 16 && !stepped; ++attempt) {
        const Draft saved = draft_;
        Focus next = *f;
        stepped = transition(next, last && may_split);
        // The last step of a strand that must end as a `want` makes that kind.
        if (stepped && last && want && next.kind != *want) stepped = false;
        if (stepped) {
          *f = next;
        } else {
          draft_ = saved;
        }
      }
      if (!stepped) return std::nullopt;
    }
    if (want && f->kind != *want) return std::nullopt;
    return f;
  }

  std::optional<Focus> start(const std::string& p, const Item& item) {
    Focus f;
    f.owner = p;
    f.plural = item.plural;
    f.singular = item.singular;
    const std::string items = item.plural;
    switch (variant(6)) {
      case 0: {  // containers times things in each
        const Container& c = pick_of(kContainers);
        auto a = fresh(2, 9), b = fresh(3, 24);
        if (!a || !b) return std::nullopt;
        const int ia = given(*a, c.plural, ChainRole::kCount);
        const int ib = given(*b, items + " per " + c.singular, ChainRole::kPerGroup);
        auto n = node(ia, ib, kMul);
        if (!n) return std::nullopt;
        switch (variant(3)) {
          case 0:
            say(p + " buys " + num(*a) + " " + c.plural + " of " + num(*b) + " " + items + ".", {ia, ib});
            break;
          case 1:
            say("There are " + num(*b) + " " + items + " in each of " + p + "'s " + num(*a) + " " + c.plural +
                    ".",
                {ib, ia});
            break;
          default:
            say(p + " has " + num(*a) + " " + c.plural + " with " + num(*b) + " " + items + " in each.",
                {ia, ib});
        }
        f.kind = Kind::kItems, f.ref = *n;
        f.question = items_question(p, items);
        break;
      }
      case 1: {  // a rate times a time
        const TimeUnit& u = pick_of(kTimeUnits);
        auto r = fresh(3, 15), t = fresh(2, 8);
        if (!r || !t) return std::nullopt;
        const int ir = given(*r, items + " per " + u.singular, ChainRole::kRate);
        const int it = given(*t, u.plural, ChainRole::kTime);
        auto n = node(ir, it, kMul);
        if (!n) return std::nullopt;
        switch (variant(3)) {
          case 0:
            say(p + " " + item.verb3 + " " + num(*r) + " " + items + " every " + u.singular + " for " +
                    num(*t) + " " + u.plural + ".",
                {ir, it});
            break;
          case 1:
            say("For " + num(*t) + " " + u.plural + ", " + p + " " + item.verb3 + " " + num(*r) + " " +
                    items + " each " + u.singular + ".",
                {it, ir});
            break;
          default:
            say(p + " can " + item.verb + " " + num(*r) + " " + items + " in one " + u.singular +
                    " and keeps at it for " + num(*t) + " " + u.plural + ".",
                {ir, it});
        }
        f.kind = Kind::kItems, f.ref = *n;
        f.question = items_question(p, items);
        break;
      }
      case 2: {  // two amounts of things
        auto a = fresh(5, 40), b = fresh(3, 30);
        if (!a || !b) return std::nullopt;
        const int v = variant(3);
        const std::string q = v == 1 ? new_name() : "";
        const char* labels[3][2] = {
            {"in the morning", "in the afternoon"}, {"at first", "from "}, {"at first", "found"}};
        const int ia = given(*a, items + " " + labels[v][0], ChainRole::kCount);
        const int ib = given(*b, items + " " + labels[v][1] + q, ChainRole::kCount);
        auto n = node(ia, ib, kAdd);
        if (!n) return std::nullopt;
        if (v == 0) {
          say(p + " " + item.verb3 + " " + num(*a) + " " + items + " in the morning and " + num(*b) +
                  " more in the afternoon.",
              {ia, ib});
        } else if (v == 1) {
          say(p + " has " + num(*a) + " " + items + ", and " + q + " gives " + p + " another " + num(*b) +
                  ".",
              {ia, ib});
        } else {
          say(p + " starts with " + num(*a) + " " + items + " and then finds " + num(*b) + " more.",
              {ia, ib});
        }
        f.kind = Kind::kItems, f.ref = *n;
        f.question = items_question(p, items);
        break;
      }
      case 3: {  // a number of things at a price
        auto n_ = fresh(2, 12), price = fresh(2, 15);
        if (!n_ || !price) return std::nullopt;
        const int in = given(*n_, std::string(item.plural) + " bought", ChainRole::kCount);
        const int ip = given(*price, std::string("price per ") + item.singular + " ($)", ChainRole::kPrice);
        auto n = node(in, ip, kMul);
        if (!n) return std::nullopt;
        switch (variant(3)) {
          case 0:
            say(p + " buys " + num(*n_) + " " + items + " at " + usd(*price) + " each.", {in, ip});
            break;
          case 1:
            say("Each " + std::string(item.singular) + " costs " + usd(*price) + ", and " + p + " buys " +
                    num(*n_) + " of them.",
                {ip, in});
            break;
          default:
            say(p + " pays " + usd(*price) + " apiece for " + num(*n_) + " " + items + ".", {ip, in});
        }
        f.kind = Kind::kCost, f.ref = *n;
        f.question = cost_question(p);
        break;
      }
      case 4: {  // a wage times hours
        auto w = fresh(6, 20), h = fresh(2, 9);
        if (!w || !h) return std::nullopt;
        const int iw = given(*w, "pay per hour ($)", ChainRole::kRate);
        const int ih = given(*h, "hours worked", ChainRole::kTime);
        auto n = node(iw, ih, kMul);
        if (!n) return std::nullopt;
        switch (variant(3)) {
          case 0:
            say(p + " earns " + usd(*w) + " an hour and works " + num(*h) + " hours.", {iw, ih});
            break;
          case 1:
            say(p + " works " + num(*h) + " hours at " + usd(*w) + " per hour.", {ih, iw});
            break;
          default:
            say("For " + num(*h) + " hours of work, " + p + " is paid " + usd(*w) + " each hour.", {ih, iw});
        }
        f.kind = Kind::kCash, f.ref = *n;
        f.question = cash_question(p);
        break;
      }
      default: {  // money, less a purchase
        auto a = fresh(20, 120);
        if (!a) return std::nullopt;
        auto b = fresh(3, *a * 2 / 3);
        if (!b) return std::nullopt;
        const std::string thing = new_thing();
        const int ia = given(*a, p + "'s money at first ($)", ChainRole::kMoney);
        const int ib = given(*b, "price of the " + thing + " ($)", ChainRole::kPrice);
        auto n = node(ia, ib, kSub);
        if (!n) return std::nullopt;
        switch (variant(3)) {
          case 0:
            say(p + " has " + usd(*a) + " and spends " + usd(*b) + " on a " + thing + ".", {ia, ib});
            break;
          case 1:
            say(p + " starts the day with " + usd(*a) + ". A " + thing + " costs " + p + " " + usd(*b) + ".",
                {ia, ib});
            break;
          default:
            say(p + " takes " + usd(*a) + " to the market and pays " + usd(*b) + " for a " + thing + ".",
                {ia, ib});
        }
        f.kind = Kind::kCash, f.ref = *n;
        f.question = cash_question(p);
      }
    }
    f.value = value_of(f.ref);
    return f;
  }

  // One more operation on the focus with a new given; false when this draw does not fit.
  bool transition(Focus& f, bool may_split) {
    const std::string& p = f.owner;
    const int op = variant(4);
    std::optional<int> n;
    if (f.kind == Kind::kItems) {
      const std::string& items = f.plural;
      if (op == kAdd) {
        auto g = fresh(2, 30);
        if (!g) return false;
        const int v = variant(3);
        const std::string q = v == 0 ? new_name() : "";
        const int ig = given(*g,
                             v == 0   ? items + " from " + q
                             : v == 1 ? "more " + items
                                      : items + " found",
                             ChainRole::kCount);
        if (!(n = node(f.ref, ig, kAdd))) return false;
        if (v == 0) say(q + " gives " + p + " " + num(*g) + " more " + items + ".", {ig});
        if (v == 1) say("Later, " + p + " gets another " + num(*g) + " " + items + ".", {ig});
        if (v == 2) say(p + " finds " + num(*g) + " extra " + items + ".", {ig});
        f.question = items_question(p, items);
      } else if (op == kSub) {
        auto g = fresh(2, std::min<int64_t>(f.value - 2, std::max<int64_t>(2, f.value * 2 / 3)));
        if (!g) return false;
        const int v = variant(3);
        const std::string q = v == 0 ? new_name() : "";
        const int ig = given(*g,
                             v == 0   ? items + " given to " + q
                             : v == 1 ? items + " used"
                                      : items + " lost",
                             ChainRole::kCount);
        if (!(n = node(f.ref, ig, kSub))) return false;
        if (v == 0) say(p + " gives " + num(*g) + " " + items + " to " + q + ".", {ig});
        if (v == 1) say(p + " uses up " + num(*g) + " of the " + items + ".", {ig});
        if (v == 2) say(num(*g) + " of " + p + "'s " + items + " get lost.", {ig});
        f.question = items_question(p, items);
      } else if (op == kMul && variant(2) == 0) {  // sold at a price: money
        auto g = fresh(2, 9);
        if (!g) return false;
        const int ig = given(*g, "price per " + f.singular + " ($)", ChainRole::kPrice);
        if (!(n = node(f.ref, ig, kMul))) return false;
        const int v = variant(3);
        if (v == 0) say(p + " sells all the " + items + " for " + usd(*g) + " each.", {ig});
        if (v == 1)
          say("Each of the " + items + " sells for " + usd(*g) + ", and " + p + " sells every one.", {ig});
        if (v == 2) say("At " + usd(*g) + " per " + f.singular + ", " + p + " sells the whole lot.", {ig});
        f.kind = Kind::kCash;
        f.question = variant(2) == 0 ? "How much money does " + p + " make from the sale?"
                                     : "How many dollars does " + p + " earn by selling them?";
      } else if (op == kMul) {  // someone has so many times as many
        auto g = fresh(2, 5);
        if (!g) return false;
        const std::string q = new_name();
        const int ig = given(*g, "times as many " + items, ChainRole::kTimes);
        if (!(n = node(f.ref, ig, kMul))) return false;
        if (variant(2) == 0) {
          say(q + " has " + num(*g) + " times as many " + items + " as " + p + ".", {ig});
        } else {
          say(q + " owns " + num(*g) + " times the number of " + items + " that " + p + " has.", {ig});
        }
        f.owner = q;
        f.question = "How many " + items + " does " + q + " have?";
      } else {  // packed into containers
        const Container& c = pick_of(kContainers);
        if (f.plural == c.plural) return false;
        auto g = fresh_divisor(f.value, 2, 12);
        if (!g) return false;
        const int ig = given(*g, items + " per " + c.singular, ChainRole::kPerGroup);
        if (!(n = node(f.ref, ig, kDiv))) return false;
        const int v = variant(3);
        if (v == 0) say(p + " packs the " + items + " into " + c.plural + " of " + num(*g) + ".", {ig});
        if (v == 1)
          say(p + " puts " + num(*g) + " " + items + " in each " + c.singular + ", using them all.", {ig});
        if (v == 2) say("The " + items + " go into " + c.plural + " that hold " + num(*g) + " each.", {ig});
        f.plural = c.plural;
        f.singular = c.singular;
        f.question = variant(2) == 0 ? "How many " + f.plural + " does " + p + " fill?"
                                     : "How many full " + f.plural + " are there?";
      }
    } else if (f.kind == Kind::kCost) {
      if (op == kAdd) {
        auto g = fresh(2, 25);
        if (!g) return false;
        const std::string thing = new_thing();
        const int ig = given(*g, "price of the " + thing + " ($)", ChainRole::kPrice);
        if (!(n = node(f.ref, ig, kAdd))) return false;
        const int v = variant(3);
        if (v == 0) say(p + " also buys a " + thing + " for " + usd(*g) + ".", {ig});
        if (v == 1) say("A " + thing + " adds " + usd(*g) + " to " + p + "'s bill.", {ig});
        if (v == 2) say(p + " adds a " + usd(*g) + " " + thing + " to the order.", {ig});
        f.question = cost_question(p);
      } else if (op == kSub) {
        auto g = fresh(2, std::min<int64_t>(f.value - 2, std::max<int64_t>(2, f.value / 2)));
        if (!g) return false;
        const int ig = given(*g, "discount ($)", ChainRole::kMoney);
        if (!(n = node(f.ref, ig, kSub))) return false;
        const int v = variant(3);
        if (v == 0) say(p + " uses a coupon for " + usd(*g) + " off.", {ig});
        if (v == 1) say("The shop gives " + p + " a discount of " + usd(*g) + ".", {ig});
        if (v == 2) say(p + " gets " + usd(*g) + " off the total with a voucher.", {ig});
        f.question = cost_question(p);
      } else if (op == kMul) {
        auto g = fresh(2, 6);
        if (!g) return false;
        const int v = variant(2);
        const int ig = given(*g, v == 0 ? "weeks" : "times", v == 0 ? ChainRole::kTime : ChainRole::kTimes);
        if (!(n = node(f.ref, ig, kMul))) return false;
        if (v == 0) say(p + " buys exactly the same every week for " + num(*g) + " weeks.", {ig});
        if (v == 1) say(p + " ends up doing this same shopping " + num(*g) + " times.", {ig});
        f.question = cost_question(p);
      } else if (may_split && variant(2) == 0) {  // the bill shared: the last step only
        auto g = fresh_divisor(f.value, 2, 6);
        if (!g) return false;
        const int ig = given(*g, "people sharing the bill", ChainRole::kCount);
        if (!(n = node(f.ref, ig, kDiv))) return false;
        if (variant(2) == 0) {
          say(p + " and friends, " + num(*g) + " people in all, split the bill equally.", {ig});
          f.question = "How much does each of them pay?";
        } else {
          say("The bill is shared equally by " + num(*g) + " people, " + p + " among them.", {ig});
          f.question = "What is each person's share of the bill in dollars?";
        }
        f.owner = "each person";
      } else {  // paid with a larger amount: the change
        static constexpr int64_t kBills[] = {10,   20,   50,   100,   200,   500,
                                             1000, 2000, 5000, 10000, 20000, 50000};
        int64_t bill = 0;
        for (int64_t b : kBills) {
          if (b > f.value + 1 && !draft_.used.count(b)) {
            bill = b;
            break;
          }
        }
        if (bill == 0) return false;
        const int ig = given(bill, "money handed over ($)", ChainRole::kMoney);
        if (!(n = node(ig, f.ref, kSub))) return false;
        const int v = variant(3);
        if (v == 0) say(p + " pays with a " + usd(bill) + " bill.", {ig});
        if (v == 1) say(p + " hands the cashier " + usd(bill) + ".", {ig});
        if (v == 2) say("To pay, " + p + " gives the shop " + usd(bill) + ".", {ig});
        f.kind = Kind::kCash;
        f.question = variant(2) == 0 ? "How much change does " + p + " get?"
                                     : "How much money does " + p + " get back?";
      }
    } else {  // cash
      if (op == kAdd) {
        auto g = fresh(2, 50);
        if (!g) return false;
        const int v = variant(3);
        const std::string q = v == 1 ? new_name() : "";
        const int ig = given(*g,
                             v == 0   ? "more money earned ($)"
                             : v == 1 ? "money from " + q + " ($)"
                                      : "money found ($)",
                             ChainRole::kMoney);
        if (!(n = node(f.ref, ig, kAdd))) return false;
        if (v == 0) say(p + " earns another " + usd(*g) + ".", {ig});
        if (v == 1) say(q + " gives " + p + " " + usd(*g) + ".", {ig});
        if (v == 2) say(p + " finds " + usd(*g) + " in a coat pocket.", {ig});
        f.question = cash_question(p);
      } else if (op == kSub) {
        auto g = fresh(2, std::min<int64_t>(f.value - 2, std::max<int64_t>(2, f.value * 2 / 3)));
        if (!g) return false;
        const std::string thing = new_thing();
        const int ig = given(*g, "price of the " + thing + " ($)", ChainRole::kPrice);
        if (!(n = node(f.ref, ig, kSub))) return false;
        const int v = variant(3);
        if (v == 0) say(p + " spends " + usd(*g) + " on a " + thing + ".", {ig});
        if (v == 1) say("A " + thing + " costs " + p + " " + usd(*g) + ".", {ig});
        if (v == 2) say(p + " pays " + usd(*g) + " for a " + thing + ".", {ig});
        f.question = cash_question(p);
      } else if (op == kMul) {
        auto g = fresh(2, 5);
        if (!g) return false;
        const std::string q = new_name();
        const int ig = given(*g, "times as much money", ChainRole::kTimes);
        if (!(n = node(f.ref, ig, kMul))) return false;
        if (variant(2) == 0) {
          say(q + " has " + num(*g) + " times as much money as " + p + ".", {ig});
        } else {
          say(q + " has saved " + num(*g) + " times what " + p + " has.", {ig});
        }
        f.owner = q;
        f.question = "How much money does " + q + " have?";
      } else {  // all of it spent on things at a price
        const Item& item = pick_of(kItems);
        auto g = fresh_divisor(f.value, 2, 20);
        if (!g) return false;
        const int ig = given(*g, std::string("price per ") + item.singular + " ($)", ChainRole::kPrice);
        if (!(n = node(f.ref, ig, kDiv))) return false;
        if (variant(2) == 0) {
          say(p + " spends all of it on " + item.plural + " at " + usd(*g) + " each.", {ig});
        } else {
          say(std::string(item.plural) + " cost " + usd(*g) + " each, and " + p +
                  " spends every dollar on them.",
              {ig});
        }
        f.kind = Kind::kItems;
        f.plural = item.plural;
        f.singular = item.singular;
        f.question = variant(2) == 0 ? "How many " + f.plural + " does " + p + " buy?"
                                     : "How many " + f.plural + " can " + p + " get?";
      }
    }
    f.ref = *n;
    f.value = value_of(f.ref);
    return true;
  }

  // The last operation: the two strands' results added or compared.
  bool merge_focus(const Focus& a, const Focus& b) {
    const bool subtract = variant(2) == 0;
    const Focus& big = a.value > b.value ? a : b;
    const Focus& small = a.value > b.value ? b : a;
    std::optional<int> n = subtract ? node(big.ref, small.ref, kSub) : node(a.ref, b.ref, kAdd);
    if (!n) return false;
    const int v = variant(2);
    std::string q;
    if (a.kind == Kind::kItems) {
      if (subtract) {
        q = v == 0 ? "How many more " + a.plural + " does " + big.owner + " have than " + small.owner + "?"
                   : "How many fewer " + a.plural + " does " + small.owner + " have than " + big.owner + "?";
      } else {
        q = v == 0 ? "How many " + a.plural + " do " + a.owner + " and " + b.owner + " have together?"
                   : "Together, how many " + a.plural + " do " + a.owner + " and " + b.owner + " have?";
      }
    } else if (a.kind == Kind::kCash) {
      if (subtract) {
        q = v == 0 ? "How much more money does " + big.owner + " have than " + small.owner + "?"
                   : "How much less money does " + small.owner + " have than " + big.owner + "?";
      } else {
        q = v == 0 ? "How much money do " + a.owner + " and " + b.owner + " have together?"
                   : "How many dollars do " + a.owner + " and " + b.owner + " have between them?";
      }
    } else {
      if (subtract) {
        q = v == 0 ? "How much more does " + big.owner + " spend than " + small.owner + "?"
                   : "How many dollars less does " + small.owner + " spend than " + big.owner + "?";
      } else {
        q = v == 0 ? "How much do " + a.owner + " and " + b.owner + " spend altogether?"
                   : "What do " + a.owner + " and " + b.owner + " pay in total, in dollars?";
      }
    }
    draft_.question = q;
    draft_.asked = a.kind == Kind::kItems ? ChainRole::kCount : ChainRole::kMoney;
    return true;
  }

  Rng rng_;
  Draft draft_;
};

// The last resort if every draw failed (none does for the parameters tested): a chain of
// additions, which always fits.
ChainProblem fallback_problem(int ops) {
  ChainProblem p;
  p.text = "Mia has 3 apples.";
  p.givens.push_back({3, "apples at first", ChainRole::kCount, false});
  int64_t value = 3;
  for (int k = 0; k < ops; ++k) {
    const int64_t g = 10 * (k + 1) + 1;
    p.text += " A friend gives Mia " + num(g) + " more apples.";
    p.givens.push_back({g, "apples from a friend", ChainRole::kCount, false});
    value += g;
    const int lhs = k == 0 ? 0 : ops + 1 + k - 1;
    p.nodes.push_back({lhs, k + 1, kAdd, value});
  }
  p.question = "How many apples does Mia have now?";
  p.asked = ChainRole::kCount;
  return p;
}

// A step as written: "12*4", "12 x 4 = 48", "$40-$12".
struct ParsedStep {
  int64_t a;
  int op;
  int64_t b;
  std::optional<int64_t> claimed;
};

std::optional<ParsedStep> read_step(std::string_view s) {
  size_t pos = 0;
  auto skip = [&] {
    while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
  };
  auto number = [&]() -> std::optional<int64_t> {
    skip();
    if (pos < s.size() && s[pos] == '$') ++pos;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), v);
    if (ec != std::errc() || v < 0 || v > ArithmeticChain::kMaxValue) return std::nullopt;
    pos = end - s.data();
    return v;
  };
  ParsedStep step{};
  auto a = number();
  if (!a) return std::nullopt;
  skip();
  if (pos >= s.size()) return std::nullopt;
  char c = s[pos];
  if (c == 'x' || c == 'X') c = '*';
  const char* found = std::find(std::begin(kOpChars), std::end(kOpChars), c);
  if (found == std::end(kOpChars)) return std::nullopt;
  ++pos;
  auto b = number();
  if (!b) return std::nullopt;
  step = {*a, static_cast<int>(found - std::begin(kOpChars)), *b, std::nullopt};
  skip();
  if (pos < s.size() && s[pos] == '=') {
    ++pos;
    step.claimed = number();
    if (!step.claimed) return std::nullopt;
    skip();
  }
  if (pos != s.size()) return std::nullopt;
  return step;
}

}  // namespace

ChainProblem generate_chain_problem(int steps, uint64_t seed, int distractors) {
  ProblemBuilder builder(mix(seed, static_cast<uint64_t>(steps)));
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (!builder.build(steps)) continue;
    // Distractors come from their own stream, so the graph is the same for any number.
    Rng extra(mix(mix(seed, static_cast<uint64_t>(steps)), 1000 + static_cast<uint64_t>(distractors)));
    bool placed = true;
    ProblemBuilder with = builder;
    for (int d = 0; d < 20; ++d) {
      with = builder;
      placed = with.add_distractors(distractors, extra);
      if (placed) break;
    }
    if (placed) return with.finish();
  }
  return fallback_problem(steps);
}

// ---------------------------------------------------------------------------------------

ArithmeticChain::ArithmeticChain(GameType type, GameParams params, int steps, uint64_t seed, int distractors,
                                 ChainReward reward, ChainSplit split)
    : Game(std::move(type), std::move(params)),
      steps_(steps),
      seed_(seed),
      distractors_(distractors),
      reward_(reward),
      split_(split) {}

std::unique_ptr<State> ArithmeticChain::new_initial_state() const {
  return std::make_unique<ArithmeticChainState>(shared_from_this());
}

std::string ArithmeticChain::problem_spec(uint64_t seed) const {
  std::string spec = type().name + "(";
  if (steps_ != 3) spec += "steps=" + std::to_string(steps_) + ",";
  spec += "seed=" + std::to_string(seed);
  if (distractors_ != 1) spec += ",distractors=" + std::to_string(distractors_);
  if (reward_ == ChainReward::kOutcome) spec += ",reward=outcome";
  return spec + ")";
}

ArithmeticChainState::ArithmeticChainState(std::shared_ptr<const Game> game) : State(std::move(game)) {
  const auto& g = static_cast<const ArithmeticChain&>(this->game());
  if (g.seed() != 0) deal(g.seed());
}

void ArithmeticChainState::deal(uint64_t seed) {
  const auto& g = static_cast<const ArithmeticChain&>(game());
  problem_ = std::make_shared<const ChainProblem>(generate_chain_problem(g.steps(), seed, g.distractors()));
  seed_ = seed;
  known_.clear();
  for (const ChainGiven& given : problem_->givens) known_.push_back(given.value);
  produced_.assign(problem_->nodes.size(), false);
}

Player ArithmeticChainState::current_player() const {
  if (!problem_) return kChancePlayer;
  const auto& g = static_cast<const ArithmeticChain&>(game());
  if (solved_ || static_cast<int>(moves_.size()) >= g.step_limit()) return kTerminalPlayer;
  return 0;
}

int ArithmeticChainState::slot_of(int64_t value) const {
  auto it = std::find(known_.begin(), known_.end(), value);
  return it == known_.end() ? -1 : static_cast<int>(it - known_.begin());
}

std::optional<int64_t> ArithmeticChainState::combine(int i, int j, int op) const {
  const int n = static_cast<int>(known_.size());
  if (i == j || i < 0 || j < 0 || i >= n || j >= n) return std::nullopt;
  if (commutative(op) && j < i) return std::nullopt;                    // one action per unordered pair
  const std::optional<int64_t> v = whole_op(known_[i], known_[j], op);  // both at most kMaxValue
  if (!v || *v <= 0 || *v > ArithmeticChain::kMaxValue) return std::nullopt;
  return v;
}

std::vector<Action> ArithmeticChainState::legal_actions(Player player) const {
  if (player != 0 || current_player() != 0) return {};
  std::vector<Action> legal;
  const int n = static_cast<int>(known_.size());
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      for (int op = 0; op < ArithmeticChain::kOps; ++op) {
        if (combine(i, j, op)) legal.push_back(ArithmeticChain::encode(i, j, op));
      }
    }
  }
  return legal;  // ascending by construction
}

std::vector<std::pair<Action, double>> ArithmeticChainState::chance_outcomes() const {
  if (problem_) return {};
  const int n = static_cast<const ArithmeticChain&>(game()).dealt_seeds();
  const double p = 1.0 / n;
  std::vector<std::pair<Action, double>> outcomes;
  outcomes.reserve(n);
  for (Action a = 0; a < n; ++a) outcomes.emplace_back(a, p);
  return outcomes;
}

void ArithmeticChainState::do_apply(Action action) {
  const auto& g = static_cast<const ArithmeticChain&>(game());
  if (!problem_) {
    deal(g.first_dealt_seed() + static_cast<uint64_t>(action));
    last_reward_ = 0;
    return;
  }
  const int op = action % ArithmeticChain::kOps;
  const int j = (action / ArithmeticChain::kOps) % ArithmeticChain::kSlots;
  const int i = action / (ArithmeticChain::kOps * ArithmeticChain::kSlots);
  const std::string text = action_to_string(0, action);
  const int64_t result = *combine(i, j, op);
  Move move{text, Verdict::kOffPath, ArithmeticChain::kWrongStepReward};
  for (size_t k = 0; k < problem_->nodes.size(); ++k) {
    if (problem_->nodes[k].value == result && !produced_[k]) {
      produced_[k] = true;
      solved_ = result == problem_->answer();
      move.verdict = solved_ ? Verdict::kSolved : Verdict::kCorrect;
      move.reward = 1.0 / static_cast<double>(problem_->nodes.size());
    }
  }
  if (slot_of(result) < 0) known_.push_back(result);
  // The outcome signal keeps the verdicts (labels) but pays only for the solve.
  if (g.reward() == ChainReward::kOutcome) move.reward = solved_ ? 1.0 : 0.0;
  moves_.push_back(move);
  last_reward_ = move.reward;
  total_ += move.reward;
}

std::string ArithmeticChainState::action_to_string(Player player, Action action) const {
  if (player == kChancePlayer) {
    const auto& g = static_cast<const ArithmeticChain&>(game());
    return "seed " + std::to_string(static_cast<int64_t>(g.first_dealt_seed()) + action);
  }
  const int op = action % ArithmeticChain::kOps;
  const int j = (action / ArithmeticChain::kOps) % ArithmeticChain::kSlots;
  const int i = action / (ArithmeticChain::kOps * ArithmeticChain::kSlots);
  const auto result = action >= 0 ? combine(i, j, op) : std::nullopt;
  if (!result) return "step#" + std::to_string(action);  // not a step from this position
  return std::to_string(known_[i]) + kOpChars[op] + std::to_string(known_[j]) + "=" + std::to_string(*result);
}

Result<Action> ArithmeticChainState::do_parse_action(Player player, std::string_view text) const {
  auto fail = [&](const std::string& why) {
    return make_error("parse_error", "'" + std::string(text) + "': " + why);
  };
  if (player == kChancePlayer) {
    // "seed N", exactly as action_to_string writes it.
    const auto& g = static_cast<const ArithmeticChain&>(game());
    const auto first = static_cast<int64_t>(g.first_dealt_seed());
    const int64_t last = first + g.dealt_seeds() - 1;
    int64_t seed = 0;
    if (text.substr(0, 5) == "seed ") {
      auto [end, ec] = std::from_chars(text.data() + 5, text.data() + text.size(), seed);
      if (ec == std::errc() && end == text.data() + text.size() && seed >= first && seed <= last) {
        return static_cast<Action>(seed - first);
      }
    }
    return fail("expected 'seed N' with N from " + std::to_string(first) + " to " + std::to_string(last));
  }
  std::optional<ParsedStep> step = read_step(text);
  if (!step) return fail("expected a step such as 12*4 or 12*4=48 (two known quantities and + - * or /)");
  std::string have;
  for (int64_t v : known_) have += (have.empty() ? "" : " ") + std::to_string(v);
  const int i = slot_of(step->a), j = slot_of(step->b);
  if (i < 0 && j < 0) {
    return fail(std::to_string(step->a) + " and " + std::to_string(step->b) +
                " are not known quantities (known: " + have + ")");
  }
  if (i < 0 || j < 0) {
    return fail(std::to_string(i < 0 ? step->a : step->b) + " is not a known quantity (known: " + have + ")");
  }
  if (i == j)
    return fail("a step combines two different quantities, and " + std::to_string(step->a) + " is one");
  const std::string written = std::to_string(step->a) + kOpChars[step->op] + std::to_string(step->b);
  if (step->op == kSub && step->a <= step->b) {
    return fail(written + " is not positive: every quantity is a positive whole number");
  }
  if (step->op == kDiv && step->a % step->b != 0) return fail(written + " is not a whole number");
  const auto result =
      commutative(step->op) ? combine(std::min(i, j), std::max(i, j), step->op) : combine(i, j, step->op);
  if (!result) {
    return fail(written + " is over " + std::to_string(ArithmeticChain::kMaxValue) +
                ", the largest quantity allowed");
  }
  if (step->claimed && *step->claimed != *result) {
    return fail("the result is " + std::to_string(*result) + ", not " + std::to_string(*step->claimed));
  }
  return commutative(step->op) ? ArithmeticChain::encode(std::min(i, j), std::max(i, j), step->op)
                               : ArithmeticChain::encode(i, j, step->op);
}

// Row 0: the asked-for role (one-hot), the fraction of steps left, the number of operations
// and of distractors (both scaled). Row 1 + k, quantity slot k: present, log(1 + value) /
// log(1 + 10^6), given, computed, the given's role (one-hot; zeros for computed ones). Nothing
// tells which quantities are on the graph.
void ArithmeticChainState::observation_tensor(Player, std::span<float> out) const {
  assert(static_cast<int>(out.size()) == game().observation_size());
  std::fill(out.begin(), out.end(), 0.0f);
  if (!problem_) return;
  const auto& g = static_cast<const ArithmeticChain&>(game());
  constexpr int F = ArithmeticChain::kFeatures;
  out[static_cast<int>(problem_->asked)] = 1.0f;
  out[kChainRoles] = static_cast<float>(g.step_limit() - static_cast<int>(moves_.size())) /
                     static_cast<float>(g.step_limit());
  out[kChainRoles + 1] = static_cast<float>(g.steps()) / ArithmeticChain::kMaxSteps;
  out[kChainRoles + 2] = static_cast<float>(g.distractors()) / ArithmeticChain::kMaxDistractors;
  const size_t given = problem_->givens.size();
  for (size_t k = 0; k < known_.size() && k < ArithmeticChain::kSlots; ++k) {
    float* slot = out.data() + F * (k + 1);
    slot[0] = 1.0f;
    slot[1] = static_cast<float>(std::log1p(static_cast<double>(known_[k])) / std::log1p(1e6));
    slot[2] = k < given ? 1.0f : 0.0f;
    slot[3] = k < given ? 0.0f : 1.0f;
    if (k < given) slot[4 + static_cast<int>(problem_->givens[k].role)] = 1.0f;
  }
}

namespace {
const char* verdict_text(int verdict) {
  static const char* kTexts[] = {"correct step", "not on any solution path", "solved"};
  return kTexts[verdict];
}
std::string reward_text(double reward) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.4g", reward);
  return buf;
}
}  // namespace

Json ArithmeticChainState::do_view(Player) const {
  const auto& g = static_cast<const ArithmeticChain&>(game());
  Json quantities = Json::array();
  Json steps = Json::array();
  for (size_t k = 0; k < known_.size(); ++k) {
    const bool given = problem_ && k < problem_->givens.size();
    quantities.push_back({{"value", known_[k]}, {"label", given ? problem_->givens[k].label : "computed"}});
  }
  for (const Move& m : moves_) {
    steps.push_back(
        {{"step", m.text}, {"verdict", verdict_text(static_cast<int>(m.verdict))}, {"reward", m.reward}});
  }
  Json j = {{"text", problem_ ? problem_->text : ""},
            {"question", problem_ ? problem_->question : ""},
            {"quantities", quantities},
            {"steps", steps},
            {"solved", solved_},
            {"steps_left", g.step_limit() - static_cast<int>(moves_.size())}};
  j["seed"] = problem_ ? Json(seed_) : Json(nullptr);
  return j;
}

std::string ArithmeticChainState::to_string() const {
  if (!problem_) return "not dealt";
  std::string out = "seed " + std::to_string(seed_) + " | known:";
  for (int64_t v : known_) out += " " + std::to_string(v);
  out += " | steps:";
  for (const Move& m : moves_) out += " " + m.text + (m.verdict == Verdict::kOffPath ? "?" : "!");
  if (solved_) out += " | solved";
  return out;
}

std::optional<PuzzleInfo> ArithmeticChainState::puzzle() const {
  if (!problem_) return std::nullopt;
  const auto& g = static_cast<const ArithmeticChain&>(game());
  // Difficulty prior: the number of operations, plus half a point per distractor.
  // The attempt's answer: the quantity it computed last ("12*4=48": 48).
  const std::string last = moves_.empty() ? "" : moves_.back().text.substr(moves_.back().text.rfind('=') + 1);
  return PuzzleInfo{g.problem_spec(seed_), g.steps() + 0.5 * g.distractors(),
                    problem_->text + " " + problem_->question, std::to_string(problem_->answer()), last};
}

std::vector<PuzzleStep> ArithmeticChainState::puzzle_steps() const {
  std::vector<PuzzleStep> out;
  for (const Move& m : moves_) {
    out.push_back(
        {m.text, m.verdict == Verdict::kOffPath ? -1 : 1, verdict_text(static_cast<int>(m.verdict))});
  }
  return out;
}

std::optional<Action> ArithmeticChainState::solver_action() const {
  if (current_player() != 0) return std::nullopt;
  const int given = static_cast<int>(problem_->givens.size());
  auto value_of = [&](int ref) {
    return ref < given ? problem_->givens[ref].value : problem_->nodes[ref - given].value;
  };
  for (size_t k = 0; k < problem_->nodes.size(); ++k) {
    const ChainNode& node = problem_->nodes[k];
    if (slot_of(node.value) >= 0) continue;
    const int i = slot_of(value_of(node.lhs)), j = slot_of(value_of(node.rhs));
    if (i < 0 || j < 0) continue;
    return commutative(node.op) ? ArithmeticChain::encode(std::min(i, j), std::max(i, j), node.op)
                                : ArithmeticChain::encode(i, j, node.op);
  }
  return std::nullopt;
}

std::optional<ExportText> ArithmeticChainState::export_text(const ExportInfo& info) const {
  std::string out = "Problem: ";
  out += problem_ ? problem_->text + " " + problem_->question : "(not dealt)";
  if (problem_) out += "\nSpec: " + static_cast<const ArithmeticChain&>(game()).problem_spec(seed_);
  out += "\n";
  if (!info.players.empty()) out += "Solver: " + info.players[0] + "\n";
  for (size_t i = 0; i < moves_.size(); ++i) {
    out += std::to_string(i + 1) + ". " + moves_[i].text + "  " +
           verdict_text(static_cast<int>(moves_[i].verdict)) + " " + reward_text(moves_[i].reward) + "\n";
  }
  out += std::string("Result: ") + (solved_ ? "solved" : "not solved");
  if (problem_) out += " (answer " + std::to_string(problem_->answer()) + ")";
  if (!info.termination.empty() && info.termination != "normal") out += " (" + info.termination + ")";
  char total[32];
  std::snprintf(total, sizeof total, "%.4g", info.returns.empty() ? total_ : info.returns[0]);
  out += ", return " + std::string(total) + "\n";
  return ExportText{"puzzle-steps", "text/plain; charset=utf-8", out};
}

// ---------------------------------------------------------------------------------------

GameRegistration arithmetic_chain_registration() {
  GameType type;
  type.name = "arithmetic_chain";
  type.description =
      "Generated word problems: compute the asked-for quantity one operation at a time from the "
      "quantities in a short story; every step is verified against the hidden solution graph";
  type.perfect_information = true;
  type.has_chance = true;
  type.reward_model = RewardModel::kPerStep;
  type.params = {
      {"steps", int64_t{3}, "operations in the solution (2-8): the difficulty"},
      {"seed", int64_t{0}, "the problem (any positive number); 0 deals one of seeds 1-10000 at random"},
      {"distractors", int64_t{1}, "irrelevant quantities mentioned in the story (0-3)"},
      {"reward", std::string("process"),
       "process: 1/steps per correct step and -0.1 per wrong one; outcome: 1 when solved, else 0 (the "
       "verdicts stay as labels)"},
      {"split", std::string("all"),
       "the seeds a chance node deals: all (1-10000), train (1-9000) or test (9001-10000, held out)"},
  };
  GameFactory create = [type](const GameParams& params) -> Result<std::shared_ptr<const Game>> {
    const int64_t steps = params.get_int("steps");
    const int64_t seed = params.get_int("seed");
    const int64_t distractors = params.get_int("distractors");
    if (steps < ArithmeticChain::kMinSteps || steps > ArithmeticChain::kMaxSteps) {
      return make_error("bad_spec",
                        "arithmetic_chain: steps must be from 2 to 8, got " + std::to_string(steps));
    }
    if (distractors < 0 || distractors > ArithmeticChain::kMaxDistractors) {
      return make_error("bad_spec", "arithmetic_chain: distractors must be from 0 to 3, got " +
                                        std::to_string(distractors));
    }
    if (seed < 0) {
      return make_error(
          "bad_spec",
          "arithmetic_chain: seed must be positive (or 0 for a random problem), got " + std::to_string(seed));
    }
    const std::string& reward_text = params.get_string("reward");
    if (reward_text != "process" && reward_text != "outcome") {
      return make_error("bad_spec",
                        "arithmetic_chain: reward must be 'process' or 'outcome', got '" + reward_text + "'");
    }
    const std::string& split_text = params.get_string("split");
    if (split_text != "all" && split_text != "train" && split_text != "test") {
      return make_error("bad_spec",
                        "arithmetic_chain: split must be 'all', 'train' or 'test', got '" + split_text + "'");
    }
    const ChainSplit split = split_text == "train"  ? ChainSplit::kTrain
                             : split_text == "test" ? ChainSplit::kTest
                                                    : ChainSplit::kAll;
    if (split == ChainSplit::kTrain && seed > ArithmeticChain::kTrainSeeds) {
      return make_error("bad_spec", "arithmetic_chain: seed " + std::to_string(seed) +
                                        " is held out (split=train deals seeds 1-9000)");
    }
    if (split == ChainSplit::kTest && seed != 0 && seed <= ArithmeticChain::kTrainSeeds) {
      return make_error("bad_spec", "arithmetic_chain: seed " + std::to_string(seed) +
                                        " is a training seed (split=test deals seeds 9001-10000)");
    }
    return std::shared_ptr<const Game>(std::make_shared<ArithmeticChain>(
        type, params, static_cast<int>(steps), static_cast<uint64_t>(seed), static_cast<int>(distractors),
        reward_text == "outcome" ? ChainReward::kOutcome : ChainReward::kProcess, split));
  };
  return {type,
          create,
          {"arithmetic_chain", "arithmetic_chain(seed=17)", "arithmetic_chain(steps=8,seed=5,distractors=3)",
           "arithmetic_chain(steps=2,distractors=0)", "arithmetic_chain(steps=4,reward=outcome,split=test)"}};
}

}  // namespace arena
