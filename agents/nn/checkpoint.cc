#include "agents/nn/checkpoint.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "agents/nn/network.h"
#include "games/registry.h"

namespace arena::nn {
namespace {

// The archive's keys. The format tag lets a later layout be told apart.
constexpr const char* kFormat = "arena-nn-1";
constexpr const char* kMetaKey = "arena_meta";
constexpr const char* kModelKey = "model";
constexpr const char* kOptimizerKey = "optimizer";

Error bad_checkpoint(const std::string& path, const std::string& why) {
  return make_error("bad_checkpoint", "checkpoint " + path + ": " + why);
}

std::string describe_shape(const GameHead& h) {
  return std::to_string(h.planes) + "x" + std::to_string(h.height) + "x" + std::to_string(h.width) +
         " observation, " + std::to_string(h.num_actions) + " actions, " + std::to_string(h.num_players) +
         " players";
}

// Opens the archive at `path`; LibTorch's errors become "io" (no file) or "bad_checkpoint".
// Module::load, except that each stored tensor is copied into the module's (so converted to
// its type: a shipped checkpoint stores half precision; Module::load would alias the stored
// tensor instead, and a half tensor aliased into a float parameter reads past its storage).
Status read_module(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                   const std::string& path) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.named_parameters(/*recurse=*/false)) {
    torch::Tensor stored;
    if (!archive.try_read(p.key(), stored) || stored.sizes() != p.value().sizes())
      return bad_checkpoint(path, "parameter " + p.key() + " missing or of another shape");
    p.value().copy_(stored);
  }
  for (auto& b : module.named_buffers(/*recurse=*/false)) {
    torch::Tensor stored;
    if (!archive.try_read(b.key(), stored, /*is_buffer=*/true) || stored.sizes() != b.value().sizes())
      return bad_checkpoint(path, "buffer " + b.key() + " missing or of another shape");
    b.value().copy_(stored);
  }
  for (auto& child : module.named_children()) {
    torch::serialize::InputArchive sub;
    if (!archive.try_read(child.key(), sub))
      return bad_checkpoint(path, "module " + child.key() + " missing");
    if (Status s = read_module(*child.value(), sub, path); !s.ok()) return s;
  }
  return ok_status();
}

Result<torch::serialize::InputArchive> open_archive(const std::string& path, torch::Device device) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error("io", "checkpoint " + path + ": no such file");
  }
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, device);
    return archive;
  } catch (const std::exception& e) {
    return bad_checkpoint(path, std::string("not a checkpoint file (") + e.what() + ")");
  }
}

Result<CheckpointMeta> read_meta(torch::serialize::InputArchive& archive, const std::string& path) {
  try {
    c10::IValue value;
    if (!archive.try_read(kMetaKey, value) || !value.isString()) return bad_checkpoint(path, "no metadata");
    std::optional<Json> json = parse_json(value.toStringRef());
    if (!json) return bad_checkpoint(path, "the metadata is not JSON");
    Result<CheckpointMeta> meta = CheckpointMeta::from_json(*json);
    if (!meta.ok()) return bad_checkpoint(path, meta.error().message);
    return meta;
  } catch (const std::exception& e) {
    return bad_checkpoint(path, e.what());
  }
}

}  // namespace

Json CheckpointMeta::to_json() const {
  return Json{
      {"format", kFormat},      {"net", net.to_json()},        {"run", run}, {"step", step}, {"games", games},
      {"init_from", init_from}, {"frozen_trunk", frozen_trunk}};
}

Result<CheckpointMeta> CheckpointMeta::from_json(const Json& json) {
  if (!json.is_object()) return make_error("bad_checkpoint", "the metadata is not a JSON object");
  if (json.value("format", std::string()) != kFormat) {
    return make_error("bad_checkpoint", std::string("the metadata's format is not \"") + kFormat + "\"");
  }
  CheckpointMeta meta;
  const auto net = json.find("net");
  if (net == json.end()) return make_error("bad_checkpoint", "the metadata has no \"net\"");
  Result<NetConfig> config = NetConfig::from_json(*net);
  if (!config.ok()) return make_error("bad_checkpoint", config.error().message);
  meta.net = std::move(*config);
  const auto string_field = [&](const char* name, std::string& out) -> bool {
    const auto it = json.find(name);
    if (it == json.end()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  if (!string_field("run", meta.run) || !string_field("init_from", meta.init_from)) {
    return make_error("bad_checkpoint", "\"run\" and \"init_from\" must be strings");
  }
  if (const auto it = json.find("step"); it != json.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0) {
      return make_error("bad_checkpoint", "\"step\" must be a non-negative integer");
    }
    meta.step = it->get<int64_t>();
  }
  if (const auto it = json.find("games"); it != json.end()) {
    if (!it->is_array()) return make_error("bad_checkpoint", "\"games\" must be an array of specs");
    for (const Json& g : *it) {
      if (!g.is_string()) return make_error("bad_checkpoint", "\"games\" must be an array of specs");
      meta.games.push_back(g.get<std::string>());
    }
  }
  if (const auto it = json.find("frozen_trunk"); it != json.end()) {
    if (!it->is_boolean()) return make_error("bad_checkpoint", "\"frozen_trunk\" must be a boolean");
    meta.frozen_trunk = it->get<bool>();
  }
  return meta;
}

std::string CheckpointMeta::player_name() const { return "nn:" + run + "@" + std::to_string(step); }

Result<CheckpointMeta> read_checkpoint_meta(const std::string& path) {
  Result<torch::serialize::InputArchive> archive = open_archive(path, torch::kCPU);
  if (!archive.ok()) return archive.error();
  return read_meta(*archive, path);
}

Status check_against_registry(const CheckpointMeta& meta) {
  for (const GameHead& recorded : meta.net.games) {
    Result<std::shared_ptr<const Game>> game = make_game(recorded.spec);
    if (!game.ok()) {
      return make_error("shape_mismatch", "the checkpoint's game " + recorded.spec +
                                              " no longer exists here: " + game.error().message);
    }
    GameHead now = game_head(**game);
    now.spec = recorded.spec;  // a spec written differently names the same game
    if (!(now == recorded)) {
      return make_error("shape_mismatch", "game " + recorded.spec +
                                              " has changed shape: the checkpoint has " + recorded.key +
                                              " (" + describe_shape(recorded) + "), this build has " +
                                              now.key + " (" + describe_shape(now) + ")");
    }
  }
  return ok_status();
}

Status check_held_out(const CheckpointMeta& start, const std::vector<std::string>& games) {
  for (const std::string& spec : games) {
    Result<std::shared_ptr<const Game>> game = make_game(spec);
    if (!game.ok()) return make_error("bad_config", game.error().message);
    const std::string key = head_key(**game);
    for (const GameHead& trained : start.net.games) {
      if (trained.key == key) {
        return make_error("not_held_out", "the starting checkpoint (run " + start.run + ") trained on " +
                                              trained.spec + ", the same game as " + spec);
      }
    }
  }
  return ok_status();
}

std::string checkpoint_path(const std::string& run_dir, int64_t step) {
  char name[64];
  std::snprintf(name, sizeof name, "step-%08lld.pt", static_cast<long long>(step));
  return (std::filesystem::path(run_dir) / "checkpoints" / name).string();
}

Status save_checkpoint(const std::string& path, const CheckpointMeta& meta, SharedNet& net,
                       torch::optim::Optimizer* optimizer) {
  if (!(meta.net == net->config())) {
    return make_error("bad_config", "checkpoint " + path + ": the metadata's network is not the module's");
  }
  const std::filesystem::path target(path);
  const std::string temp = path + ".tmp";
  try {
    std::error_code ec;
    if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
    torch::serialize::OutputArchive archive;
    archive.write(kMetaKey, c10::IValue(meta.to_json().dump()));
    torch::serialize::OutputArchive model;
    net->save(model);
    archive.write(kModelKey, model);
    if (optimizer != nullptr) {
      torch::serialize::OutputArchive opt;
      optimizer->save(opt);
      archive.write(kOptimizerKey, opt);
    }
    archive.save_to(temp);
    std::filesystem::rename(temp, target, ec);
    if (ec) {
      std::filesystem::remove(temp, ec);
      return make_error("io", "checkpoint " + path + ": cannot write it (" + ec.message() + ")");
    }
    return ok_status();
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    return make_error("io", "checkpoint " + path + ": cannot write it (" + e.what() + ")");
  }
}

Result<CheckpointMeta> load_checkpoint(const std::string& path, SharedNet& net,
                                       torch::optim::Optimizer* optimizer) {
  const torch::Device device =
      net->parameters().empty() ? torch::Device(torch::kCPU) : net->parameters()[0].device();
  Result<torch::serialize::InputArchive> archive = open_archive(path, device);
  if (!archive.ok()) return archive.error();
  Result<CheckpointMeta> meta = read_meta(*archive, path);
  if (!meta.ok()) return meta.error();
  if (Status s = check_against_registry(*meta); !s.ok()) return s.error();
  if (!(meta->net == net->config())) {
    return make_error("bad_config", "checkpoint " + path + " holds another network (" +
                                        meta->net.to_json().dump() + ") than this one (" +
                                        net->config().to_json().dump() + ")");
  }
  // Read into a scratch copy first, so that a damaged file leaves `net` as it was.
  try {
    SharedNet scratch(meta->net);
    torch::serialize::InputArchive model;
    if (!archive->try_read(kModelKey, model)) return bad_checkpoint(path, "no weights");
    if (Status s = read_module(*scratch, model, path); !s.ok()) return s.error();
    if (Status s = copy_weights(scratch, net); !s.ok()) return s.error();
    if (optimizer != nullptr) {
      torch::serialize::InputArchive opt;
      if (archive->try_read(kOptimizerKey, opt)) optimizer->load(opt);
    }
  } catch (const std::exception& e) {
    return bad_checkpoint(path, std::string("cannot read the weights (") + e.what() + ")");
  }
  return meta;
}

Result<LoadedNet> load_network(const std::string& path, torch::Device device) {
  Result<CheckpointMeta> meta = read_checkpoint_meta(path);
  if (!meta.ok()) return meta.error();
  LoadedNet loaded;
  try {
    loaded.net = SharedNet(meta->net);
    loaded.net->to(device);
  } catch (const std::exception& e) {
    return bad_checkpoint(path, std::string("cannot build its network (") + e.what() + ")");
  }
  Result<CheckpointMeta> read = load_checkpoint(path, loaded.net, nullptr);
  if (!read.ok()) return read.error();
  loaded.meta = std::move(*read);
  loaded.net->eval();
  return loaded;
}

Result<std::string> ship_checkpoint(const std::string& from, const std::string& models_dir) {
  Result<LoadedNet> loaded = load_network(from, torch::Device(torch::kCPU));
  if (!loaded.ok()) return loaded.error();
  const std::string to = checkpoint_path(models_dir + "/" + loaded->meta.run, loaded->meta.step);
  try {
    loaded->net->to(torch::kHalf);
  } catch (const std::exception& e) {
    return make_error("io",
                      "checkpoint " + from + ": cannot convert it to half precision (" + e.what() + ")");
  }
  if (Status s = save_checkpoint(to, loaded->meta, loaded->net, nullptr); !s.ok()) return s.error();
  return to;
}

}  // namespace arena::nn
