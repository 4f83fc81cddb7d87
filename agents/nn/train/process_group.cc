#include "agents/nn/train/process_group.h"

// The backends compiled in (agents/nn/train/CMakeLists.txt): Gloo where its headers are
// (Debian's libgloo-dev), NCCL in a build against a CUDA LibTorch with nccl.h.
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef ARENA_HAVE_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef ARENA_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>
#include <thread>

namespace arena::nn {
namespace {

using Milliseconds = std::chrono::milliseconds;

c10d::ReduceOp reduce_op(LearnerGroup::Op op) {
  switch (op) {
    case LearnerGroup::Op::max:
      return c10d::ReduceOp::MAX;
    case LearnerGroup::Op::min:
      return c10d::ReduceOp::MIN;
    case LearnerGroup::Op::sum:
      break;
  }
  return c10d::ReduceOp::SUM;
}

// One c10d backend (ProcessGroupGloo, ProcessGroupNCCL: the same calls in LibTorch 1.13,
// where they are ProcessGroups, and in 2.x, where they are Backends).
template <class Backend>
class C10dGroup final : public LearnerGroup {
 public:
  C10dGroup(int rank, int size, torch::Device device, c10::intrusive_ptr<c10d::Store> store,
            c10::intrusive_ptr<Backend> backend)
      : LearnerGroup(rank, size, device), store_(std::move(store)), backend_(std::move(backend)) {}

  void all_reduce(torch::Tensor& t, Op op) override {
    std::vector<at::Tensor> tensors = {t};
    c10d::AllreduceOptions options;
    options.reduceOp = reduce_op(op);
    backend_->allreduce(tensors, options)->wait();
  }

  void broadcast(torch::Tensor& t, int root) override {
    std::vector<at::Tensor> tensors = {t};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    backend_->broadcast(tensors, options)->wait();
  }

 private:
  c10::intrusive_ptr<c10d::Store> store_;  // the rendezvous (rank 0 serves it while it lives)
  c10::intrusive_ptr<Backend> backend_;
};

#ifdef ARENA_HAVE_GLOO
bool loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

// Gloo's network device: the interface GLOO_SOCKET_IFNAME names (as PyTorch reads it), the
// loopback when the master is on this machine's loopback, else the address this machine's
// hostname resolves to.
std::shared_ptr<::gloo::transport::Device> gloo_device(const std::string& master_host) {
  if (const char* name = std::getenv("GLOO_SOCKET_IFNAME"); name != nullptr && *name != '\0')
    return c10d::ProcessGroupGloo::createDeviceForInterface(name);
  if (loopback(master_host))
    return c10d::ProcessGroupGloo::createDeviceForHostname(master_host == "::1" ? "::1" : "127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

std::string first_line(const std::string& what) { return what.substr(0, what.find('\n')); }

}  // namespace

Result<std::shared_ptr<LearnerGroup>> LearnerGroup::join(const DataParallelConfig& config,
                                                         torch::Device device,
                                                         Milliseconds collective_timeout) {
  if (Status s = validate(config); !s.ok()) return s.error();
  if (!config.enabled()) return make_error("bad_config", "a learner group needs at least two nodes");
  const HostPort master = *parse_host_port(config.master);
  const Milliseconds timeout(static_cast<int64_t>(config.timeout_s * 1000));
  const std::string where = "rank " + std::to_string(config.rank) + " of " + std::to_string(config.nodes);
#ifndef ARENA_HAVE_NCCL
  if (device.is_cuda()) {
    return make_error("bad_device",
                      "data parallelism on " + device.str() +
                          ": this build has no NCCL (a CPU LibTorch, or no nccl.h); use --device cpu");
  }
#endif
#ifndef ARENA_HAVE_GLOO
  if (!device.is_cuda()) {
    return make_error("bad_device",
                      "data parallelism on the CPU needs Gloo's headers at build time (Debian: libgloo-dev)");
  }
#endif
  c10::intrusive_ptr<c10d::Store> store;
  try {
    c10d::TCPStoreOptions options;
    options.port = master.port;
    options.isServer = config.rank == 0;
    options.numWorkers = static_cast<size_t>(config.nodes);
    options.waitWorkers = false;  // the wait below says which ranks are missing
    options.timeout = timeout;
    store = c10::make_intrusive<c10d::TCPStore>(master.host, options);
  } catch (const std::exception& e) {
    return make_error("rendezvous",
                      where + ": " + (config.rank == 0 ? "cannot serve the store at " : "no store at ") +
                          config.master + " within " + std::to_string(config.timeout_s) + " s (" +
                          (config.rank == 0 ? "is the port taken?" : "is rank 0 running?") +
                          "): " + first_line(e.what()));
  }
  auto arena = c10::make_intrusive<c10d::PrefixStore>("arena", store);
  try {
    // The number of nodes, as rank 0 has it; a rank given another number stops here.
    if (config.rank == 0) {
      const std::string n = std::to_string(config.nodes);
      arena->set("nodes", std::vector<uint8_t>(n.begin(), n.end()));
    }
    arena->wait({"nodes"}, timeout);
    const std::vector<uint8_t> got = arena->get("nodes");
    const std::string nodes(got.begin(), got.end());
    if (nodes != std::to_string(config.nodes)) {
      return make_error("rendezvous", where + ": rank 0 runs with --nodes " + nodes +
                                          ", this rank with --nodes " + std::to_string(config.nodes));
    }
    if (arena->add("rank-" + std::to_string(config.rank), 1) != 1)
      return make_error("rendezvous", where + ": another process joined " + config.master + " as rank " +
                                          std::to_string(config.rank));
    arena->add("joined", 1);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const int64_t joined = arena->add("joined", 0);
      if (joined >= config.nodes) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        return make_error("rendezvous", where + ": only " + std::to_string(joined) + " of " +
                                            std::to_string(config.nodes) + " ranks joined " + config.master +
                                            " within " + std::to_string(config.timeout_s) + " s");
      }
      std::this_thread::sleep_for(Milliseconds(20));
    }
  } catch (const std::exception& e) {
    return make_error("rendezvous",
                      where + ": the store at " + config.master + " failed: " + first_line(e.what()));
  }
  try {
    auto backend_store = c10::make_intrusive<c10d::PrefixStore>("backend", store);
#ifdef ARENA_HAVE_NCCL
    if (device.is_cuda()) {
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = collective_timeout;
      auto nccl =
          c10::make_intrusive<c10d::ProcessGroupNCCL>(backend_store, config.rank, config.nodes, options);
      return std::shared_ptr<LearnerGroup>(
          new C10dGroup<c10d::ProcessGroupNCCL>(config.rank, config.nodes, device, store, nccl));
    }
#endif
#ifdef ARENA_HAVE_GLOO
    auto options = c10d::ProcessGroupGloo::Options::create(collective_timeout);
    options->devices.push_back(gloo_device(master.host));
    options->threads = 2;
    auto gloo =
        c10::make_intrusive<c10d::ProcessGroupGloo>(backend_store, config.rank, config.nodes, options);
    return std::shared_ptr<LearnerGroup>(
        new C10dGroup<c10d::ProcessGroupGloo>(config.rank, config.nodes, device, store, gloo));
#else
    return make_error("bad_device", "no c10d backend for " + device.str());
#endif
  } catch (const std::exception& e) {
    return make_error("rendezvous",
                      where + ": the process group at " + config.master + " failed: " + first_line(e.what()));
  }
}

bool LearnerGroup::any(bool flag) { return reduce(flag ? 1 : 0, Op::max) > 0; }

double LearnerGroup::reduce(double value, Op op) {
  torch::Tensor t = torch::full({1}, value, torch::TensorOptions().dtype(torch::kDouble).device(device_));
  all_reduce(t, op);
  return t.item<double>();
}

}  // namespace arena::nn
