#include "server/net/cluster_link.h"

#include <iostream>

namespace arena::net {
namespace {

Json error_json(const Error& e) { return {{"code", e.code}, {"message", e.message}}; }

Error unknown_match(int64_t id) { return make_error("unknown_match", "no live match " + std::to_string(id)); }

Error unavailable() { return make_error("unavailable", "the node holding it did not answer; try again"); }

// A field of an envelope, or `fallback` when it is absent or of another type.
int64_t int_field(const Json& j, const char* key, int64_t fallback = 0) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

std::string text_field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json seat_request_json(const SeatRequest& s) {
  return {{"id", s.player_id}, {"name", s.name}, {"kind", db::to_string(s.kind)}, {"guest", s.guest}};
}

SeatRequest seat_request_from(const Json& j) {
  SeatRequest s;
  s.player_id = int_field(j, "id");
  s.name = text_field(j, "name");
  s.kind = db::player_kind_from_string(text_field(j, "kind")).value_or(db::PlayerKind::kBot);
  auto guest = j.find("guest");
  s.guest = guest != j.end() && guest->is_boolean() && guest->get<bool>();
  return s;
}

}  // namespace

ClusterLink::ClusterLink(asio::io_context& io, cluster::Broker& broker, int64_t node, std::string arena_name,
                         Arena& arena, db::Store& store, ThreadPool& workers, Hub& hub)
    : broker_(broker),
      node_(node),
      prefix_(std::move(arena_name) + ":"),
      arena_(arena),
      store_(store),
      workers_(workers),
      hub_(hub),
      strand_(asio::make_strand(io)),
      sweep_(strand_),
      thread_([this] { outbox_loop(); }) {}

ClusterLink::~ClusterLink() {
  {
    std::lock_guard lock(outbox_mutex_);
    stopping_ = true;
  }
  outbox_ready_.notify_one();
  thread_.join();
}

std::string ClusterLink::player_channel(int64_t id) const { return prefix_ + "player:" + std::to_string(id); }
std::string ClusterLink::match_channel(int64_t id) const { return prefix_ + "match:" + std::to_string(id); }
std::string ClusterLink::node_channel(int64_t id) const { return prefix_ + "node:" + std::to_string(id); }
std::string ClusterLink::nodes_channel() const { return prefix_ + "nodes"; }

Status ClusterLink::start() {
  for (const std::string& channel : {node_channel(node_), nodes_channel()}) {
    if (Status s = broker_.subscribe(channel); !s.ok()) return s;
  }
  publish(nodes_channel(), {{"op", "hello"}});
  asio::post(strand_, [this] { expire_requests(); });
  return ok_status();
}

// --- Outgoing ------------------------------------------------------------------------------

void ClusterLink::send(Outgoing::Kind kind, std::string channel, std::string payload) {
  {
    std::lock_guard lock(outbox_mutex_);
    outbox_.push_back({kind, std::move(channel), std::move(payload)});
  }
  outbox_ready_.notify_one();
}

void ClusterLink::publish(const std::string& channel, Json envelope) {
  envelope["from"] = node_;
  send(Outgoing::Kind::kPublish, channel, envelope.dump());
}

void ClusterLink::outbox_loop() {
  std::unique_lock lock(outbox_mutex_);
  for (;;) {
    outbox_ready_.wait(lock, [this] { return stopping_ || !outbox_.empty(); });
    if (outbox_.empty()) return;  // stopping, everything sent
    Outgoing out = std::move(outbox_.front());
    outbox_.pop_front();
    lock.unlock();
    Status s;
    switch (out.kind) {
      case Outgoing::Kind::kPublish:
        s = broker_.publish(out.channel, out.payload);
        break;
      case Outgoing::Kind::kSubscribe:
        s = broker_.subscribe(out.channel);
        break;
      case Outgoing::Kind::kUnsubscribe:
        s = broker_.unsubscribe(out.channel);
        break;
    }
    // What did not go out is missed by other nodes' clients, who resync; the node goes on.
    if (!s.ok())
      std::cerr << "arena: node " << node_ << ": " << out.channel << ": " << s.error().message << "\n";
    lock.lock();
  }
}

void ClusterLink::joined(int64_t player_id, bool first) {
  if (first) {
    {
      std::lock_guard lock(mutex_);
      here_.insert(player_id);
    }
    send(Outgoing::Kind::kSubscribe, player_channel(player_id));  // before anyone answers the news
  }
  publish(nodes_channel(), {{"op", "joined"}, {"player", player_id}});
}

void ClusterLink::left(int64_t player_id) {
  {
    std::lock_guard lock(mutex_);
    here_.erase(player_id);
  }
  publish(nodes_channel(), {{"op", "left"}, {"player", player_id}});
  send(Outgoing::Kind::kUnsubscribe, player_channel(player_id));
}

bool ClusterLink::connected_elsewhere(int64_t player_id) const {
  std::lock_guard lock(mutex_);
  return players_.contains(player_id);
}

bool ClusterLink::watched_elsewhere(int64_t match_id) const {
  std::lock_guard lock(mutex_);
  return watchers_.contains(match_id);
}

void ClusterLink::to_player(int64_t player_id, const Message& m, int64_t match_id, int64_t only) {
  Json envelope = {{"text", *m}};
  if (match_id != 0) envelope["match"] = match_id;
  if (only != 0) envelope["only"] = only;
  publish(player_channel(player_id), std::move(envelope));
}

void ClusterLink::to_spectators(int64_t match_id, const Message& m, bool end) {
  publish(match_channel(match_id), {{"text", *m}, {"end", end}});
}

void ClusterLink::watch(int64_t match_id) {
  {
    std::lock_guard lock(mutex_);
    if (!watching_.insert(match_id).second) return;
  }
  send(Outgoing::Kind::kSubscribe, match_channel(match_id));
  publish(nodes_channel(), {{"op", "watch"}, {"match", match_id}});
}

void ClusterLink::unwatch(int64_t match_id) {
  {
    std::lock_guard lock(mutex_);
    if (watching_.erase(match_id) == 0) return;
  }
  publish(nodes_channel(), {{"op", "unwatch"}, {"match", match_id}});
  send(Outgoing::Kind::kUnsubscribe, match_channel(match_id));
}

void ClusterLink::become_lobby() {
  lobby_ = node_;
  publish(nodes_channel(), {{"op", "lobby"}});
}

void ClusterLink::node_down(int64_t dead) {
  asio::post(strand_, [this, dead] { forget_node(dead); });
  publish(nodes_channel(), {{"op", "down"}, {"node", dead}});
}

// --- Requests ------------------------------------------------------------------------------

void ClusterLink::request(int64_t to, Json body, Answer answer) {
  int64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_request_++;
    pending_[id] = Pending{to, std::chrono::steady_clock::now() + kRequestTimeout, std::move(answer)};
  }
  body["req"] = id;
  publish(node_channel(to), std::move(body));
}

void ClusterLink::expire_requests() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<Answer> late;
  {
    std::lock_guard lock(mutex_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      late.push_back(std::move(it->second.answer));
      it = pending_.erase(it);
    }
  }
  for (Answer& a : late) a(unavailable());
  sweep_.expires_after(std::chrono::seconds(1));
  sweep_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) expire_requests();
  });
}

void ClusterLink::with_host(int64_t match_id, std::function<void(Result<int64_t>)> then) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = hosts_.find(match_id); it != hosts_.end()) {
      const int64_t host = it->second;
      return asio::post(strand_, [then = std::move(then), host] { then(host); });
    }
  }
  // Store reads block: on the workers.
  workers_.post([this, match_id, then = std::move(then)] {
    Result<std::optional<db::MatchRecord>> record = store_.match(match_id);
    if (!record.ok()) return then(record.error());
    if (!*record) return then(unknown_match(match_id));
    const db::MatchRow& row = (*record)->match;
    if ((row.status != "pending" && row.status != "active") || row.node == node_) {
      return then(unknown_match(match_id));
    }
    {
      std::lock_guard lock(mutex_);
      hosts_[match_id] = row.node;
    }
    then(row.node);
  });
}

void ClusterLink::act(int64_t player_id, int64_t match_id, const SeatAction& action,
                      std::function<void(Status)> done) {
  with_host(match_id, [this, player_id, match_id, body = action.to_json(), done](Result<int64_t> host) {
    if (!host.ok()) return done(host.error());
    request(*host, {{"op", "act"}, {"match", match_id}, {"player", player_id}, {"action", body}},
            [done](Result<Json> r) { done(r.ok() ? ok_status() : Status(r.error())); });
  });
}

void ClusterLink::snapshot(int64_t player_id, int64_t match_id, std::function<void(Result<Message>)> done) {
  with_host(match_id, [this, player_id, match_id, done](Result<int64_t> host) {
    if (!host.ok()) return done(host.error());
    request(*host, {{"op", "snapshot"}, {"match", match_id}, {"player", player_id}}, [done](Result<Json> r) {
      if (!r.ok()) return done(r.error());
      done(std::make_shared<const std::string>(text_field(*r, "text")));
    });
  });
}

void ClusterLink::accept_challenge(int64_t challenge_id, const SeatRequest& by, MatchDone done) {
  request(node_of_id(challenge_id),
          {{"op", "accept"}, {"challenge", challenge_id}, {"by", seat_request_json(by)}},
          [done](Result<Json> r) {
            if (!r.ok()) return done(r.error());
            done(int_field(*r, "match_id"));
          });
}

void ClusterLink::decline_challenge(int64_t challenge_id, int64_t player_id,
                                    std::function<void(Status)> done) {
  request(node_of_id(challenge_id), {{"op", "decline"}, {"challenge", challenge_id}, {"player", player_id}},
          [done](Result<Json> r) { done(r.ok() ? ok_status() : Status(r.error())); });
}

void ClusterLink::seek(const SeatRequest& who, const Seek& seek, std::function<void(Result<int64_t>)> done) {
  const int64_t lobby = lobby_;
  Json time_controls = Json::array();
  for (const TimeControl& tc : seek.time_controls) time_controls.push_back(tc.to_string());
  request(lobby,
          {{"op", "seek"},
           {"by", seat_request_json(who)},
           {"games", seek.games},
           {"time_controls", time_controls},
           {"rated", seek.rated}},
          [done](Result<Json> r) {
            if (!r.ok()) return done(r.error());
            done(int_field(*r, "seek_id"));
          });
}

void ClusterLink::cancel_seek(int64_t seek_id, std::function<void(Status)> done) {
  request(node_of_id(seek_id), {{"op", "cancel_seek"}, {"seek", seek_id}}, [done](Result<Json> r) {
    if (done) done(r.ok() ? ok_status() : Status(r.error()));
  });
}

// --- Incoming ------------------------------------------------------------------------------

void ClusterLink::on_message(const std::string& channel, const std::string& payload) {
  asio::post(strand_, [this, channel, payload] { handle(channel, payload); });
}

void ClusterLink::handle(const std::string& channel, const std::string& payload) {
  std::optional<Json> parsed = parse_json(payload);
  if (!parsed || !parsed->is_object()) {
    std::cerr << "arena: node " << node_ << ": not an envelope on " << channel << "\n";
    return;
  }
  const Json& m = *parsed;
  const int64_t from = int_field(m, "from");
  if (from == node_ || channel.rfind(prefix_, 0) != 0) return;  // its own, delivered here already
  const std::string name = channel.substr(prefix_.size());      // player:7, match:12, node:2, nodes
  const size_t colon = name.find(':');
  const std::string kind = name.substr(0, colon);
  const int64_t id = colon == std::string::npos ? 0 : std::atoll(name.c_str() + colon + 1);
  if (kind == "player") {
    const int64_t only = int_field(m, "only");
    if (only != 0 && only != node_) return;
    const int64_t match_id = int_field(m, "match");
    if (match_id != 0) {
      std::lock_guard lock(mutex_);
      hosts_[match_id] = from;
    }
    hub_.deliver_to_player(id, std::make_shared<const std::string>(text_field(m, "text")), match_id != 0);
  } else if (kind == "match") {
    auto end = m.find("end");
    hub_.deliver_to_spectators(id, std::make_shared<const std::string>(text_field(m, "text")),
                               end != m.end() && end->is_boolean() && end->get<bool>());
  } else if (kind == "node") {
    on_node_message(m);
  } else if (kind == "nodes") {
    on_nodes_message(m);
  }
}

void ClusterLink::answer_request(const Json& m, Result<Json> result) {
  Json reply = {{"op", "reply"}, {"req", int_field(m, "req")}};
  if (result.ok()) {
    reply["result"] = std::move(result).value();
  } else {
    reply["error"] = error_json(result.error());
  }
  publish(node_channel(int_field(m, "from")), std::move(reply));
}

void ClusterLink::on_node_message(const Json& m) {
  const std::string op = text_field(m, "op");
  if (op == "reply") {
    Answer answer;
    {
      std::lock_guard lock(mutex_);
      auto it = pending_.find(int_field(m, "req"));
      if (it == pending_.end()) return;  // answered late: it said "unavailable" already
      answer = std::move(it->second.answer);
      pending_.erase(it);
    }
    auto error = m.find("error");
    if (error != m.end() && error->is_object()) {
      return answer(make_error(text_field(*error, "code"), text_field(*error, "message")));
    }
    auto result = m.find("result");
    return answer(result != m.end() ? *result : Json::object());
  }
  const int64_t match_id = int_field(m, "match");
  if (op == "act") {
    std::shared_ptr<Match> match = arena_.find(match_id);
    if (!match) return answer_request(m, unknown_match(match_id));
    Result<SeatAction> action = SeatAction::from_json(m.contains("action") ? m["action"] : Json());
    if (!action.ok()) return answer_request(m, action.error());
    act_as(match, int_field(m, "player"), std::move(action).value(), [this, m](Status s) {
      answer_request(m, s.ok() ? Result<Json>(Json::object()) : Result<Json>(s.error()));
    });
  } else if (op == "snapshot") {
    std::shared_ptr<Match> match = arena_.find(match_id);
    if (!match) return answer_request(m, unknown_match(match_id));
    const int64_t player = int_field(m, "player");
    hub_.snapshot_message(*match, player != 0 ? seats_of(*match, player) : std::vector<int>{},
                          [this, m](Message text) {
                            answer_request(m, Json{{"text", *text}});
                          });
  } else if (op == "accept") {
    arena_.accept_challenge(int_field(m, "challenge"), seat_request_from(m.contains("by") ? m["by"] : Json()),
                            [this, m](Result<int64_t> id) {
                              if (!id.ok()) return answer_request(m, id.error());
                              answer_request(m, Json{{"match_id", *id}});
                            });
  } else if (op == "decline") {
    Status s = arena_.decline_challenge(int_field(m, "challenge"), int_field(m, "player"));
    answer_request(m, s.ok() ? Result<Json>(Json::object()) : Result<Json>(s.error()));
  } else if (op == "seek") {
    // Placing a seek resolves its games' specs: on the workers.
    workers_.post([this, m] {
      const SeatRequest who = seat_request_from(m.contains("by") ? m["by"] : Json());
      Seek seek;
      seek.player_id = who.player_id;
      auto rated = m.find("rated");
      seek.rated = rated == m.end() || !rated->is_boolean() || rated->get<bool>();
      for (const Json& g : m.value("games", Json::array())) {
        if (g.is_string()) seek.games.push_back(g.get<std::string>());
      }
      for (const Json& t : m.value("time_controls", Json::array())) {
        Result<TimeControl> tc = TimeControl::parse(t.is_string() ? t.get<std::string>() : "");
        if (!tc.ok()) return answer_request(m, tc.error());
        seek.time_controls.push_back(*tc);
      }
      Result<int64_t> id = arena_.seek(who, std::move(seek));
      if (!id.ok()) return answer_request(m, id.error());
      answer_request(m, Json{{"seek_id", *id}});
    });
  } else if (op == "cancel_seek") {
    const int64_t id = int_field(m, "seek");
    if (!arena_.cancel_seek(id))
      return answer_request(m, make_error("unknown_seek", "no open seek " + std::to_string(id)));
    answer_request(m, Json::object());
  } else {
    answer_request(m, make_error("bad_request", "unknown request '" + op + "'"));
  }
}

void ClusterLink::on_nodes_message(const Json& m) {
  const std::string op = text_field(m, "op");
  const int64_t from = int_field(m, "from");
  const int64_t player = int_field(m, "player");
  const int64_t match_id = int_field(m, "match");
  if (op == "joined") {
    {
      std::lock_guard lock(mutex_);
      players_[player].insert(from);
    }
    hub_.player_joined_elsewhere(player, from);
  } else if (op == "left") {
    bool gone = false;
    {
      std::lock_guard lock(mutex_);
      auto it = players_.find(player);
      if (it != players_.end() && it->second.erase(from) && it->second.empty()) {
        players_.erase(it);
        gone = true;
      }
    }
    if (gone) hub_.player_gone_elsewhere(player);
  } else if (op == "watch") {
    std::lock_guard lock(mutex_);
    watchers_[match_id].insert(from);
  } else if (op == "unwatch") {
    std::lock_guard lock(mutex_);
    auto it = watchers_.find(match_id);
    if (it != watchers_.end() && it->second.erase(from) && it->second.empty()) watchers_.erase(it);
  } else if (op == "hello" || op == "present") {
    // A node (re)started: what it had before is gone. Answered with what is here, so it
    // starts knowing who is connected and watching where.
    if (op == "hello") {
      forget_node(from);
      Json players = Json::array(), watched = Json::array();
      {
        std::lock_guard lock(mutex_);
        for (int64_t p : here_) players.push_back(p);
        for (int64_t w : watching_) watched.push_back(w);
      }
      return publish(
          nodes_channel(),
          {{"op", "present"}, {"players", players}, {"watching", watched}, {"lobby", lobby_ == node_}});
    }
    if (auto lobby = m.find("lobby"); lobby != m.end() && lobby->is_boolean() && lobby->get<bool>())
      lobby_ = from;
    std::lock_guard lock(mutex_);
    for (const Json& p : m.value("players", Json::array())) {
      if (p.is_number_integer()) players_[p.get<int64_t>()].insert(from);
    }
    for (const Json& w : m.value("watching", Json::array())) {
      if (w.is_number_integer()) watchers_[w.get<int64_t>()].insert(from);
    }
  } else if (op == "lobby") {
    lobby_ = from;
  } else if (op == "down") {
    forget_node(int_field(m, "node"));
  }
}

void ClusterLink::forget_node(int64_t n) {
  std::vector<int64_t> gone;
  std::vector<Answer> unanswered;
  {
    std::lock_guard lock(mutex_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.to != n) {
        ++it;
        continue;
      }
      unanswered.push_back(std::move(it->second.answer));
      it = pending_.erase(it);
    }
    for (auto it = players_.begin(); it != players_.end();) {
      if (it->second.erase(n) && it->second.empty()) {
        gone.push_back(it->first);
        it = players_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = watchers_.begin(); it != watchers_.end();) {
      it = it->second.erase(n) && it->second.empty() ? watchers_.erase(it) : std::next(it);
    }
    std::erase_if(hosts_, [n](const auto& entry) { return entry.second == n; });
  }
  int64_t lobby = n;
  lobby_.compare_exchange_strong(lobby, 0);  // until the next one says so
  for (Answer& a : unanswered) a(unavailable());
  for (int64_t player : gone) hub_.player_gone_elsewhere(player);
}

}  // namespace arena::net
