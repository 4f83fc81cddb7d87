// REST: the registered games, their leaderboards, the cross-game generalization report, the
// step-scorer report of the newest run that has one, and the runs' figures.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <sstream>

#include "games/registry.h"
#include "server/arena/generalization.h"
#include "server/arena/leaderboard.h"
#include "server/net/rest.h"
#include "server/net/rest_internal.h"
#include "server/net/wire.h"

namespace arena::net {
namespace {

constexpr int kLeaderboardBootstrap = 200;
constexpr int kMaxReportBootstrap = 2000;  // a request may not ask for minutes of fitting

}  // namespace

HttpResponse RestApi::games(const Call&) {
  std::vector<GameListing> listings;
  for (const Json& description : describe_all_games()) {
    GameListing g;
    g.description = description;
    g.opponents = arena_.opponents(description.at("name").get<std::string>());
    // The family's browser board, when it has one (the UI draws the raw view otherwise).
    const std::string family = description.at("family").get<std::string>();
    std::error_code ec;
    if (!family.empty() && std::filesystem::is_regular_file(games_root_ / family / "web" / "board.js", ec)) {
      g.board = "/games/" + family + "/board.js";
    }
    listings.push_back(std::move(g));
  }
  return rest::json_response(200, games_json(listings));
}

HttpResponse RestApi::leaderboard(const Call& call) {
  auto it = call.query.find("game");
  if (it == call.query.end() || it->second.empty())
    return error_response(400, "bad_request", "?game= is required");
  Result<RatingGroupQuery> named = resolve_rating_group(store_, it->second);
  if (!named.ok()) return error_response(named.error().code == "bad_spec" ? 400u : 500u, named.error());
  const std::string& group = named->group;
  std::optional<db::PlayerKind> kind;
  if (auto k = call.query.find("kind"); k != call.query.end() && !k->second.empty()) {
    // Plural forms read naturally in a URL: ?kind=bots.
    std::string name = k->second;
    if (name.size() > 1 && name.back() == 's') name.pop_back();
    kind = db::player_kind_from_string(name);
    if (!kind) return error_response(400, "bad_request", "kind is one of human, bot, agent, engine, puzzle");
  }
  // A family's name names no group: it answers with its games' groups only.
  Result<Leaderboard> board =
      group.empty() ? Result<Leaderboard>(Leaderboard{})
                    : compute_leaderboard(store_, group, kLeaderboardBootstrap, 1, arena_.rating_periods());
  if (!board.ok()) return error_response(500, board.error());
  std::vector<db::RatingRow> live;
  if (!group.empty()) {
    Result<std::vector<db::RatingRow>> all = store_.ratings(group);
    if (!all.ok()) return error_response(500, all.error());
    live = std::move(all).value();
    const auto now = std::chrono::system_clock::now();
    for (db::RatingRow& row : live) row = rating_as_of(row, arena_.rating_periods(), now);
  }
  if (kind) {
    std::erase_if(board->entries, [&](const LeaderboardEntry& e) { return e.kind != *kind; });
    std::erase_if(live, [&](const db::RatingRow& r) { return r.player_kind != *kind; });
  }
  return rest::json_response(200, leaderboard_json(*named, *board, live, kLeaderboardBootstrap));
}

// GET /api/reports/generalization[?bootstrap=N]: like the leaderboard it reads the store and
// fits ratings, so it runs on a worker (as every handler does), never on a network thread.
HttpResponse RestApi::generalization_report(const Call& call) {
  int bootstrap = kLeaderboardBootstrap;
  if (auto it = call.query.find("bootstrap"); it != call.query.end()) {
    int v = -1;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || end != it->second.data() + it->second.size() || v < 0 ||
        v > kMaxReportBootstrap) {
      return error_response(400, "bad_request",
                            "bootstrap is an integer from 0 to " + std::to_string(kMaxReportBootstrap));
    }
    bootstrap = v;
  }
  Result<GeneralizationReport> report = compute_generalization(store_, bootstrap);
  if (!report.ok()) return error_response(report.error());
  return rest::json_response(200, generalization_json(*report));
}

namespace {

// The files of the runs folder's runs (<runs>/<run>/<file>) that `wanted` takes by name,
// newest first; an unreadable entry is passed over.
struct RunFile {
  std::filesystem::path path;
  std::filesystem::file_time_type modified;
};
std::vector<RunFile> run_files(const std::filesystem::path& runs_root,
                               const std::function<bool(const std::string& name)>& wanted) {
  namespace fs = std::filesystem;
  std::vector<RunFile> out;
  std::error_code ec;
  if (runs_root.empty()) return out;
  for (const fs::directory_entry& run : fs::directory_iterator(runs_root, ec)) {
    std::error_code rec;
    if (!run.is_directory(rec)) continue;
    for (const fs::directory_entry& file : fs::directory_iterator(run.path(), rec)) {
      std::error_code fec;
      if (!wanted(file.path().filename().string()) || !file.is_regular_file(fec)) continue;
      const fs::file_time_type time = fs::last_write_time(file.path(), fec);
      if (!fec) out.push_back({file.path(), time});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const RunFile& a, const RunFile& b) { return a.modified > b.modified; });
  return out;
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return std::nullopt;
  return text.str();
}

}  // namespace

// GET /api/reports/steps: the newest <run>/step_auc.json under the runs folder (written by
// `arena report steps --out`), as it is; the command computes it, since scoring thousands of
// steps with the network is no request's work. 404 when no run has one.
HttpResponse RestApi::steps_report(const Call&) {
  const std::vector<RunFile> files =
      run_files(runs_root_, [](const std::string& name) { return name == "step_auc.json"; });
  if (files.empty()) {
    return error_response(404, "no_report",
                          "no step report in the runs folder yet: run arena report steps --checkpoint ... "
                          "--out <runs>/<run>/step_auc.json");
  }
  const std::filesystem::path& newest = files.front().path;
  std::optional<std::string> text = read_file(newest);
  std::optional<Json> doc = text ? parse_json(*text) : std::nullopt;
  if (!doc || !doc->is_object() || !doc->contains("scorers")) {
    return error_response(500, "internal",
                          "the step report " + newest.filename().string() + " of run " +
                              newest.parent_path().filename().string() + " is not readable");
  }
  (*doc)["run"] = newest.parent_path().filename().string();
  return rest::json_response(200, *doc);
}

// GET /api/reports/figures: the SVG figures the runs' experiments wrote (<run>/*.svg, such as
// scripts/process-vs-outcome's), newest first, at most kMaxFigures, each inline; a file over
// kMaxFigureBytes is listed without its text. The page shows them as images, which run no
// script an SVG may hold.
HttpResponse RestApi::figures_report(const Call&) {
  constexpr size_t kMaxFigures = 8;
  constexpr uintmax_t kMaxFigureBytes = 1 << 20;
  std::vector<RunFile> files = run_files(runs_root_, [](const std::string& name) {
    return name.size() > 4 && name.compare(name.size() - 4, 4, ".svg") == 0;
  });
  if (files.size() > kMaxFigures) files.resize(kMaxFigures);
  Json figures = Json::array();
  for (const RunFile& f : files) {
    std::error_code ec;
    const uintmax_t bytes = std::filesystem::file_size(f.path, ec);
    std::optional<std::string> svg = !ec && bytes <= kMaxFigureBytes ? read_file(f.path) : std::nullopt;
    figures.push_back({{"run", f.path.parent_path().filename().string()},
                       {"name", f.path.filename().string()},
                       {"bytes", ec ? 0 : bytes},
                       {"svg", svg ? Json(*svg) : Json(nullptr)}});
  }
  return rest::json_response(200, {{"figures", figures}});
}

// GET /api/reports/training: what `arena train` wrote to <run>/metrics.jsonl at each progress
// interval, for the newest kMaxRuns runs (newest first), each thinned evenly to at most
// kMaxPoints lines (the last always kept): the step, elapsed seconds, positions/s, the
// learning rate and, per game, the losses, the policy's entropy and KL and the mean game
// length. A line that does not parse (one cut short by a crash) is passed over.
HttpResponse RestApi::training_report(const Call&) {
  constexpr size_t kMaxRuns = 4;
  constexpr size_t kMaxPoints = 200;
  std::vector<RunFile> files =
      run_files(runs_root_, [](const std::string& name) { return name == "metrics.jsonl"; });
  if (files.size() > kMaxRuns) files.resize(kMaxRuns);
  Json runs = Json::array();
  for (const RunFile& f : files) {
    std::vector<Json> lines;
    std::ifstream in(f.path);
    for (std::string text; std::getline(in, text);) {
      std::optional<Json> line = parse_json(text);
      if (line && line->is_object() && line->contains("step")) lines.push_back(std::move(*line));
    }
    Json points = Json::array();
    // Every stride-th line and the last: at most kMaxPoints.
    const size_t stride =
        lines.size() <= kMaxPoints ? 1 : (lines.size() - 1 + kMaxPoints - 2) / (kMaxPoints - 1);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i % stride != 0 && i + 1 != lines.size()) continue;
      const Json& line = lines[i];
      Json point = Json::object();
      for (const char* key : {"step", "elapsed_s", "positions_per_s", "learning_rate"}) {
        if (line.contains(key)) point[key] = line[key];
      }
      Json games = Json::object();
      if (line.contains("per_game") && line["per_game"].is_object()) {
        for (const auto& [game, g] : line["per_game"].items()) {
          Json kept = Json::object();
          for (const char* key :
               {"policy_loss", "value_loss", "policy_entropy", "policy_kl", "mean_length"}) {
            if (g.is_object() && g.contains(key)) kept[key] = g[key];
          }
          games[game] = std::move(kept);
        }
      }
      point["per_game"] = std::move(games);
      points.push_back(std::move(point));
    }
    runs.push_back({{"run", f.path.parent_path().filename().string()},
                    {"lines", lines.size()},
                    {"points", std::move(points)}});
  }
  return rest::json_response(200, {{"runs", runs}});
}

// GET /api/reports/shared: the shared agent now (what the alias "shared" stands for), and the
// promotion gates of the newest learning run (`arena serve --learn` writes a line per gate to
// <run>/promotions.jsonl), the last kMaxGates of them, each with its checkpoint's live
// ratings now, and the same for the checkpoint the first of them faced (`start`).
HttpResponse RestApi::shared_report(const Call&) {
  constexpr size_t kMaxGates = 200;
  const std::string shared = arena_.resolve_agent("shared");
  Json out = {{"shared", shared == "shared" ? Json(nullptr) : Json(shared)},
              {"run", nullptr},
              {"start", nullptr},
              {"gates", Json::array()}};
  const std::vector<RunFile> files =
      run_files(runs_root_, [](const std::string& name) { return name == "promotions.jsonl"; });
  if (files.empty()) return rest::json_response(200, out);
  std::deque<Json> gates;
  std::ifstream in(files.front().path);
  for (std::string text; std::getline(in, text);) {
    std::optional<Json> line = parse_json(text);
    if (!line || !line->is_object() || !line->contains("player") || !(*line)["player"].is_string()) continue;
    gates.push_back(std::move(*line));
    if (gates.size() > kMaxGates) gates.pop_front();
  }
  const auto now = std::chrono::system_clock::now();
  auto ratings_of = [&](const std::string& name) {
    Json rows = Json::array();
    Result<std::optional<db::PlayerRow>> player = store_.find_player(name);
    if (!player.ok() || !*player) return rows;
    Result<std::vector<db::RatingRow>> ratings = store_.player_ratings((*player)->id);
    if (!ratings.ok()) return rows;
    for (const db::RatingRow& r : *ratings)
      rows.push_back(rating_json(rating_as_of(r, arena_.rating_periods(), now)));
    return rows;
  };
  if (!gates.empty() && gates.front().contains("previous") && gates.front()["previous"].is_string()) {
    const std::string first = gates.front()["previous"];
    out["start"] = {{"player", first}, {"ratings", ratings_of(first)}};
  }
  Json list = Json::array();
  for (Json& gate : gates) {
    gate["ratings"] = ratings_of(gate["player"]);
    list.push_back(std::move(gate));
  }
  out["run"] = files.front().path.parent_path().filename().string();
  out["gates"] = std::move(list);
  return rest::json_response(200, out);
}

}  // namespace arena::net
