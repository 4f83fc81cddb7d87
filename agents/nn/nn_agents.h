// The shared network as players: `nn` (search guided by the network: PUCT, or CFR+ in small
// hidden-information games) and `nn-policy` (the policy head alone, no search), registered with the agent
// registry so that matches, the command line and the server make them by spec:
//   nn(checkpoint='runs/r/checkpoints/step-00000400.pt',simulations=100,c=1.4,cfr_iterations=30,device=auto)
//   nn-policy(checkpoint='...')
// A checkpoint's agent is named after it: "nn:<run>@<step>" ("nn-policy:<run>@<step>"),
// with its non-default parameters in parentheses; those names are also specs (resolved in
// the runs folder, $ARENA_RUNS or ./runs), so a stored player can be made again.
//
// Every agent of one checkpoint in a process shares one InferenceService, so concurrent
// searches fill the same batches.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agents/agent.h"
#include "agents/cfr/cfr_search.h"
#include "agents/nn/inference_service.h"
#include "agents/search/mcts.h"

namespace arena::nn {

// Adds `nn` and `nn-policy` and their name resolver to the agent registry. Call once at
// start-up (the arena executable and tests that make them by spec); idempotent.
void register_nn_agents();

// The process's service for a checkpoint file on a device, loaded on first use and shared
// while any agent holds it. Thread-safe.
Result<std::shared_ptr<InferenceService>> shared_service(const std::string& checkpoint_path,
                                                         const std::string& device = "auto");

// The runs folder checkpoint names are resolved in: $ARENA_RUNS, else ./runs.
std::string runs_dir();

// The folder of the shipped models (models/ of the source tree, laid out as a runs folder):
// $ARENA_MODELS (set but empty: none), else the installed share/arena/models, else the
// source tree's models/. Checkpoint names not found in runs_dir() are looked for there.
std::string models_dir();

// The file of the checkpoint named nn:<run>@<step>: in runs_dir(), else in models_dir() (the
// runs folder's path when neither has it).
std::string checkpoint_file(const std::string& run, int64_t step);

// The shared agent's checkpoint as a spec ("nn:<run>@<step>"): the newest (by file time)
// last checkpoint of the runs in runs_dir() that train on several games from nothing, else
// the shipped model's (models_dir()). nullopt when there is none; unreadable files are
// skipped. The agent spec "shared" resolves to it.
std::optional<std::string> latest_shared_agent();

// Shuts down every service shared_service() made that is still alive: what waits is
// answered (uniform priors, zero values) and their threads are joined, so that no forward
// pass runs while the process exits (a search still running on a pool thread then ends at
// once). For a server's last moments; later evaluations are answered the same way.
void shutdown_services();

// Prometheus text with the counters of every service alive in the process (one series per
// checkpoint): positions, batches, batch-size histogram, mean queue wait and forward time.
std::string service_metrics();

// Agents over a given service (the trainer's evaluation matches use its own service). The
// `nn` agent searches with CFR+ (agents/cfr/cfr_search.h) in games cfr::whole_tree() takes,
// with PUCT in all others.
std::unique_ptr<Agent> make_nn_agent(std::shared_ptr<InferenceService> service, std::string name,
                                     const Game& game, MctsConfig puct, cfr::CfrSearchConfig cfr = {});
std::unique_ptr<Agent> make_nn_policy_agent(std::shared_ptr<InferenceService> service, std::string name,
                                            uint64_t seed = 0);

}  // namespace arena::nn
