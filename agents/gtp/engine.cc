#include "agents/gtp/engine.h"

namespace arena::gtp {
namespace {

constexpr auto kQuitGrace = std::chrono::milliseconds(500);

}  // namespace

Result<std::unique_ptr<GtpEngine>> GtpEngine::start(const std::vector<std::string>& argv,
                                                    const std::string& stderr_path) {
  Result<std::unique_ptr<process::ChildProcess>> child = process::ChildProcess::start(argv, stderr_path);
  if (!child.ok()) return child.error();
  return std::unique_ptr<GtpEngine>(new GtpEngine(std::move(child).value()));
}

GtpEngine::GtpEngine(std::unique_ptr<process::ChildProcess> process) : process_(std::move(process)) {}

GtpEngine::~GtpEngine() { process_->shutdown("quit\n", kQuitGrace); }

Result<std::string> GtpEngine::send(std::string_view command, Clock::time_point deadline) {
  if (failed())
    return make_error("engine_failed", "the engine has failed before '" + std::string(command) + "'");
  if (command.find('\n') != std::string_view::npos) {
    return make_error("bad_request", "a GTP command is one line");
  }
  const int id = next_id_++;
  if (Status s = process_->write(std::to_string(id) + " " + std::string(command) + "\n", deadline); !s.ok()) {
    return s.error();
  }
  const std::string waiting_for = "'" + std::string(command) + "'";
  for (;;) {
    if (std::optional<Result<Response>> r = reader_.next()) {
      if (!r->ok()) return process_->fail(make_error("engine_failed", (*r).error().message));
      Response& response = **r;
      if (response.id && *response.id != id) {
        return process_->fail(make_error("engine_failed", "response to command " +
                                                              std::to_string(*response.id) +
                                                              " while waiting for " + std::to_string(id)));
      }
      if (!response.success) return make_error("gtp_failure", std::string(command) + ": " + response.text);
      return std::move(response.text);
    }
    Result<std::string> line = process_->read_line(deadline, waiting_for);
    if (!line.ok()) return line.error();
    reader_.feed(*line + "\n");
  }
}

}  // namespace arena::gtp
