#include "agents/nn/nn_agents.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>

#include "agents/cfr/cfr_agent.h"
#include "agents/cfr/cfr_search.h"
#include "agents/nn/checkpoint.h"
#include "agents/registry.h"
#include "core/prometheus.h"

namespace arena::nn {

namespace {

// The policy head alone. Perfect-information games: the legal action with the highest prior
// (ties: the lowest id). Hidden information: an action drawn with the head's probabilities,
// which it states exactly (an equilibrium mixes; its argmax is exploitable).
class PolicyAgent final : public Agent {
 public:
  PolicyAgent(std::shared_ptr<InferenceService> service, std::string name, uint64_t seed)
      : service_(std::move(service)), name_(std::move(name)), rng_(seed) {}
  std::string name() const override { return name_; }

  Result<std::vector<double>> action_probabilities(const State& state, Player seat) const override {
    if (state.game().type().perfect_information)
      return make_error("unsupported", name_ + " plays the argmax of its head in perfect-information games");
    Result<std::vector<float>> priors = head(state, seat);
    if (!priors.ok()) return priors.error();
    return std::vector<double>(priors->begin(), priors->end());
  }

 protected:
  Result<Decision> decide(const State& state, Player seat, Budget) override {
    Result<std::vector<float>> priors = head(state, seat);
    if (!priors.ok()) return priors.error();
    const std::vector<Action> legal = state.legal_actions();
    if (!state.game().type().perfect_information) {
      std::lock_guard lock(mutex_);
      return Decision{{legal[rng_.sample_index(std::vector<double>(priors->begin(), priors->end()))]}};
    }
    return Decision{{legal[std::max_element(priors->begin(), priors->end()) - priors->begin()]}};
  }

 private:
  // The head's probabilities over state.legal_actions().
  Result<std::vector<float>> head(const State& state, Player seat) const {
    if (state.current_player() != seat) return make_error("not_your_turn", "nn-policy: not this seat's turn");
    if (!service_->knows(state.game())) {
      return make_error("unsupported", "nn-policy: the network has no head for " + state.game().spec());
    }
    const std::vector<Action> legal = state.legal_actions();
    if (legal.empty()) return make_error("no_decision", "no legal action");
    EvalRequest request{&state, seat, legal};
    Evaluation evaluation;
    service_->evaluate({&request, 1}, {&evaluation, 1});
    return std::move(evaluation.priors);
  }

  std::shared_ptr<InferenceService> service_;
  std::string name_;
  std::mutex mutex_;  // guards rng_
  Rng rng_;
};

// "nn:<run>@<step>(params)" -> "nn(checkpoint='<runs>/<run>/checkpoints/step-<step>.pt',params)"
// (the shipped models' folder when the runs folder has no such file); "shared" -> the
// shared agent's.
std::optional<std::string> resolve_name(std::string_view name) {
  static const std::regex pattern(R"((nn|nn-policy):([A-Za-z0-9_.-]+)@([0-9]+)(?:\((.*)\))?)");
  std::match_results<std::string_view::const_iterator> m;
  if (name == "shared") {
    const std::optional<std::string> shared = latest_shared_agent();
    return shared ? resolve_name(*shared) : std::nullopt;
  }
  if (!std::regex_match(name.begin(), name.end(), m, pattern)) return std::nullopt;
  std::string spec = m[1].str() + "(checkpoint='" + checkpoint_file(m[2].str(), std::stoll(m[3].str())) + "'";
  if (m[4].matched && m[4].length() > 0) spec += "," + m[4].str();
  return spec + ")";
}

// A checkpoint's metadata and its shared service, for an agent `who` of `game`.
struct Loaded {
  CheckpointMeta meta;
  std::shared_ptr<InferenceService> service;
};
Result<Loaded> load_for(const std::string& who, const GameParams& params, const Game& game) {
  const std::string path = params.get_string("checkpoint");
  if (path.empty()) return make_error("bad_spec", who + ": give checkpoint='<file>'");
  Result<CheckpointMeta> meta = read_checkpoint_meta(path);
  if (!meta.ok()) return meta.error();
  Result<std::shared_ptr<InferenceService>> service = shared_service(path, params.get_string("device"));
  if (!service.ok()) return service.error();
  if (!(*service)->knows(game)) {
    return make_error("unsupported", who + ": checkpoint " + path + " has no head for " + game.spec());
  }
  return Loaded{std::move(*meta), std::move(*service)};
}

// Whether the checkpoint of an agent `who` has a head for `game`, read from its metadata
// alone (no weights loaded, no service started).
Status checkpoint_plays(const std::string& who, const GameParams& params, const Game& game) {
  const std::string path = params.get_string("checkpoint");
  if (path.empty()) return make_error("bad_spec", who + ": give checkpoint='<file>'");
  Result<CheckpointMeta> meta = read_checkpoint_meta(path);
  if (!meta.ok()) return meta.error();
  if (meta->net.index_of(game) < 0) {
    return make_error("unsupported", who + ": checkpoint " + path + " has no head for " + game.spec());
  }
  return ok_status();
}

// The search settings of an `nn` agent, checked: PUCT's and, for the games it plays, CFR+'s.
struct SearchConfig {
  MctsConfig puct;
  cfr::CfrSearchConfig cfr;
};
Result<SearchConfig> search_config(const GameParams& params, uint64_t seed) {
  SearchConfig config;
  config.puct.simulations = static_cast<int>(params.get_int("simulations"));
  config.puct.c_puct = params.get_double("c");
  config.puct.fpu_reduction = params.get_double("fpu");
  config.puct.seed = seed;
  config.cfr.iterations = static_cast<int>(params.get_int("cfr_iterations"));
  if (config.puct.simulations < 1) return make_error("bad_spec", "nn: simulations must be positive");
  if (config.puct.c_puct < 0) return make_error("bad_spec", "nn: c must not be negative");
  if (!(config.puct.fpu_reduction >= 0)) return make_error("bad_spec", "nn: fpu must not be negative");
  if (config.cfr.iterations < 0 || config.cfr.iterations > 100'000)
    return make_error("bad_spec", "nn: cfr_iterations must be in [0, 100000]");
  return config;
}

std::string format_double(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

}  // namespace

std::string runs_dir() {
  const char* env = std::getenv("ARENA_RUNS");
  return env && *env ? env : "runs";
}

std::string models_dir() {
  if (const char* env = std::getenv("ARENA_MODELS")) return env;  // set but empty: none
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "arena" / "models";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  const fs::path source = fs::path(ARENA_SOURCE_DIR) / "models";
  return fs::is_directory(source, ec) ? source.string() : "";
}

std::string checkpoint_file(const std::string& run, int64_t step) {
  // The runs folder first, then the shipped models.
  std::string path = checkpoint_path(runs_dir() + "/" + run, step);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !models_dir().empty()) {
    const std::string shipped = checkpoint_path(models_dir() + "/" + run, step);
    if (std::filesystem::exists(shipped, ec)) path = shipped;
  }
  return path;
}

std::optional<std::string> latest_shared_agent() {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::optional<std::string> best;
  fs::file_time_type best_time;
  bool best_shipped = false;
  for (const std::string& root : {runs_dir(), models_dir()}) {
    if (root.empty()) continue;
    const bool shipped = root == models_dir() && root != runs_dir();
    for (const fs::directory_entry& run : fs::directory_iterator(root, ec)) {
      // The run's last checkpoint: the largest step (the names sort by step).
      std::optional<fs::path> last;
      for (const fs::directory_entry& file : fs::directory_iterator(run.path() / "checkpoints", ec)) {
        const std::string name = file.path().filename().string();
        if (name.rfind("step-", 0) != 0 || file.path().extension() != ".pt") continue;
        if (!last || name > last->filename().string()) last = file.path();
      }
      if (!last) continue;
      Result<CheckpointMeta> meta = read_checkpoint_meta(last->string());
      if (!meta.ok() || meta->games.size() < 2 || !meta->init_from.empty()) continue;
      const fs::file_time_type time = fs::last_write_time(*last, ec);
      if (ec) continue;
      // A run of the runs folder takes over from the shipped model whatever the file times
      // (a fresh clone dates the shipped file now); among runs, the newest.
      const bool better =
          !best || (best_shipped && !shipped) || (best_shipped == shipped && time > best_time);
      if (better) {
        best = meta->player_name();
        best_time = time;
        best_shipped = shipped;
      }
    }
  }
  return best;
}

// The services shared_service() made, by (checkpoint, device).
struct Services {
  std::mutex mutex;
  std::map<std::pair<std::string, std::string>, std::weak_ptr<InferenceService>> by_key;
};
Services& services() {
  static Services s;
  return s;
}

Result<std::shared_ptr<InferenceService>> shared_service(const std::string& checkpoint_path,
                                                         const std::string& device) {
  Services& all = services();
  std::lock_guard lock(all.mutex);
  std::weak_ptr<InferenceService>& slot = all.by_key[{checkpoint_path, device}];
  if (std::shared_ptr<InferenceService> live = slot.lock()) return live;
  ServiceOptions options;
  options.device = device;
  Result<std::shared_ptr<InferenceService>> service = InferenceService::load(checkpoint_path, options);
  if (!service.ok()) return service.error();
  slot = *service;
  return *service;
}

void shutdown_services() {
  std::vector<std::shared_ptr<InferenceService>> live;
  {
    Services& all = services();
    std::lock_guard lock(all.mutex);
    for (auto& [key, slot] : all.by_key)
      if (std::shared_ptr<InferenceService> service = slot.lock()) live.push_back(std::move(service));
  }
  for (const std::shared_ptr<InferenceService>& service : live) service->shutdown();
}

std::string service_metrics() {
  std::vector<std::pair<std::string, ServiceStats>> live;
  {
    Services& all = services();
    std::lock_guard lock(all.mutex);
    for (const auto& [key, weak] : all.by_key) {
      if (std::shared_ptr<InferenceService> s = weak.lock()) live.emplace_back(key.first, s->stats());
    }
  }
  if (live.empty()) return "";
  PrometheusText out;
  auto per_service = [&](const char* name, const char* help, const char* type, auto value) {
    out.family(name, help, type);
    for (const auto& [c, s] : live) out.sample(name, PrometheusText::label("checkpoint", c), value(s));
  };
  per_service("arena_nn_positions_total", "Positions evaluated by the network.", "counter",
              [](const ServiceStats& s) { return s.positions; });
  per_service("arena_nn_batches_total", "Forward passes.", "counter",
              [](const ServiceStats& s) { return s.batches; });
  out.family("arena_nn_batch_size", "Forward passes by batch size (buckets: powers of two).", "histogram");
  for (const auto& [c, s] : live) {
    const std::string checkpoint = PrometheusText::label("checkpoint", c);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < s.batch_histogram.size(); ++b) {
      cumulative += s.batch_histogram[b];
      out.sample("arena_nn_batch_size_bucket",
                 checkpoint + "," + PrometheusText::label("le", std::to_string((uint64_t{2} << b) - 1)),
                 cumulative);
    }
    out.sample("arena_nn_batch_size_bucket", checkpoint + "," + PrometheusText::label("le", "+Inf"),
               s.batches);
    out.sample("arena_nn_batch_size_sum", checkpoint, s.positions);
    out.sample("arena_nn_batch_size_count", checkpoint, s.batches);
  }
  per_service("arena_nn_queue_wait_microseconds", "Mean wait of a position before its forward pass.", "gauge",
              [](const ServiceStats& s) { return s.mean_queue_wait_us; });
  per_service("arena_nn_forward_microseconds", "Mean time of a forward pass with its copies.", "gauge",
              [](const ServiceStats& s) { return s.mean_forward_us; });
  per_service("arena_nn_positions_per_second", "Positions per second since the service started.", "gauge",
              [](const ServiceStats& s) { return s.positions_per_second; });
  return out.text();
}

std::unique_ptr<Agent> make_nn_agent(std::shared_ptr<InferenceService> service, std::string name,
                                     const Game& game, MctsConfig puct, cfr::CfrSearchConfig cfr) {
  if (Result<std::shared_ptr<const cfr::GameTree>> tree = cfr::whole_tree(game); tree.ok()) {
    return std::make_unique<cfr::CfrSearchAgent>(std::move(name), std::move(tree).value(), std::move(service),
                                                 cfr, puct.seed);
  }
  return std::make_unique<MctsAgent>(std::move(name), puct, std::move(service));
}

std::unique_ptr<Agent> make_nn_policy_agent(std::shared_ptr<InferenceService> service, std::string name,
                                            uint64_t seed) {
  return std::make_unique<PolicyAgent>(std::move(service), std::move(name), seed);
}

void register_nn_agents() {
  static std::once_flag once;
  std::call_once(once, [] {
    const ParamSpec checkpoint{"checkpoint", std::string(),
                               "the checkpoint file (runs/<run>/checkpoints/step-N.pt)"};
    const ParamSpec device{"device", std::string("auto"), "auto (CUDA when available), cpu or cuda"};
    add_agent_registration(
        {"nn",
         "the shared network with search (named nn:<run>@<step> after its checkpoint): PUCT, or in "
         "Kuhn and Leduc poker CFR+ from the start of the hand warm-started by the network",
         {checkpoint,
          {"simulations", int64_t{100}, "PUCT simulations per decision (a time budget may end it sooner)"},
          {"c", 1.4, "PUCT exploration constant"},
          {"fpu", 0.25, "first-play urgency reduction (as in self-play)"},
          {"cfr_iterations", int64_t{30}, "CFR+ iterations after the network's warm start (Kuhn, Leduc)"},
          device},
         [](const GameParams& params, const Game& game, uint64_t seed) -> Result<std::unique_ptr<Agent>> {
           Result<SearchConfig> search = search_config(params, seed);
           if (!search.ok()) return search.error();
           const MctsConfig& config = search->puct;
           Result<Loaded> loaded = load_for("nn", params, game);
           if (!loaded.ok()) return loaded.error();
           std::string name = loaded->meta.player_name();
           std::string extra;
           if (config.simulations != 100) extra += "simulations=" + std::to_string(config.simulations);
           if (config.c_puct != 1.4)
             extra += (extra.empty() ? "" : ",") + std::string("c=") + format_double(config.c_puct);
           if (config.fpu_reduction != 0.25)
             extra += (extra.empty() ? "" : ",") + std::string("fpu=") + format_double(config.fpu_reduction);
           if (search->cfr.iterations != 30)
             extra += (extra.empty() ? "" : ",") + std::string("cfr_iterations=") +
                      std::to_string(search->cfr.iterations);
           if (!extra.empty()) name += "(" + extra + ")";
           return make_nn_agent(loaded->service, std::move(name), game, config, search->cfr);
         },
         [](const GameParams& params, const Game& game) -> Status {
           if (Result<SearchConfig> search = search_config(params, 0); !search.ok()) return search.error();
           return checkpoint_plays("nn", params, game);
         }});
    add_agent_registration(
        {"nn-policy",
         "the shared network's policy head alone, no search: its most likely legal action (hidden "
         "information: an action drawn with the head's probabilities)",
         {checkpoint, device},
         [](const GameParams& params, const Game& game, uint64_t seed) -> Result<std::unique_ptr<Agent>> {
           Result<Loaded> loaded = load_for("nn-policy", params, game);
           if (!loaded.ok()) return loaded.error();
           std::string name = loaded->meta.player_name();
           name.replace(0, 2, "nn-policy");
           return make_nn_policy_agent(loaded->service, std::move(name), seed);
         },
         [](const GameParams& params, const Game& game) {
           return checkpoint_plays("nn-policy", params, game);
         }});
    add_agent_name_resolver(resolve_name);
  });
}

}  // namespace arena::nn
