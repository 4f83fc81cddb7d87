// The session loop every example bot shares: register (or use a token), connect to /ws,
// say hello, challenge a house agent (opt.opponent, default "random") to a game (or seek an opponent), answer each
// state that asks for our move with `choose(msg)`, resync after a dropped connection, and
// print one JSON line per finished match and a summary. The bots (random_bot.mjs,
// puzzle_bot.mjs) only decide moves. The protocol: server/PROTOCOL.md. Node 18+, `ws`.
import WebSocket from 'ws';

// opt: { server, name, token, game, opponent, matches, seek, trace }; tag: the bot's name in messages;
// choose(msg): the action (notation) for a `state` message that asks for our move.
export async function playMatches(opt, tag, choose) {
  const wanted = Number(opt.matches);
  const print = (obj) => console.log(JSON.stringify(obj));
  const fail = (why) => {
    console.error(`${tag}: ${why}`);
    process.exit(1);
  };
  if (!Number.isInteger(wanted) || wanted < 1) fail('--matches is a positive integer');
  if (!URL.canParse(opt.server)) fail(`--server ${opt.server} is not a URL (http://HOST:PORT)`);

  // 1. A token: the one given, or a new bot's (the server shows it only this once).
  let token = opt.token;
  if (!token) {
    const res = await fetch(new URL('/api/bots', opt.server), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: opt.name }),
    }).catch((e) => fail(`cannot reach ${opt.server}: ${e.message}`));
    const body = await res.json();
    if (res.status !== 201) fail(`registering '${opt.name}' failed: ${JSON.stringify(body.error ?? body)}`);
    token = body.token;
    print({ event: 'registered', name: body.name, player_id: body.player_id, token });
  }

  // What the bot keeps between messages.
  const finished = [];  // one record per ended match
  let me = opt.name;    // our name, as the server knows it (from `welcome`)
  let live = null;      // the match we sit in: { id, game, seat }
  let moved = null;     // "match:ply" of the move sent and not yet answered by a new state
  let reconnected = false;
  let done = false;
  let ws;

  // 2. Connect to /ws with the token; the server answers the upgrade with `welcome`.
  function connect() {
    const url = new URL('/ws', opt.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    ws.on('open', () => send({ type: 'hello', protocol: 1, ref: 'hello' }));
    ws.on('message', (data) => {
      if (opt.trace) console.error(`< ${data}`);
      handle(JSON.parse(data));
    });
    ws.on('unexpected-response', (_req, res) => fail(`the server refused the connection: HTTP ${res.statusCode}`));
    ws.on('error', (e) => console.error(`${tag}: connection error: ${e.message}`));
    ws.on('close', (code, reason) => {
      if (done) return;
      // 6. A dropped connection: come back once. Our seat waits for us for a grace period.
      if (reconnected) fail(`connection closed again (${code} ${reason})`);
      console.error(`${tag}: connection closed (${code} ${reason}); reconnecting`);
      reconnected = true;
      moved = null;  // a move in flight may be lost: answer the next state again
      setTimeout(connect, 500);
    });
  }

  function send(message) {
    if (opt.trace) console.error(`> ${JSON.stringify(message)}`);
    ws.send(JSON.stringify(message));
  }

  // 3. A new match: challenge a house agent (opt.opponent, default random; it accepts at
  // once), or seek an opponent.
  function nextMatch() {
    if (opt.seek) send({ type: 'seek', games: [opt.game], ref: 'seek' });
    else send({ type: 'challenge', to: opt.opponent ?? 'random', game: opt.game, ref: 'challenge' });
  }

  // 5. A match ended: print it, then play the next one or stop.
  function ended(id, status, reason, result) {
    const record = { event: 'match', match_id: id, game: live.game, seat: live.seat, status, reason, result,
                     return: result[live.seat] };
    finished.push(record);
    print(record);
    live = null;
    moved = null;
    if (finished.length < wanted) return nextMatch();
    done = true;
    print({ event: 'summary', name: me, game: opt.game, matches: finished.length,
            total_return: finished.reduce((sum, m) => sum + (m.return ?? 0), 0) });
    ws.close(1000, 'done');
  }

  // The live match ended while we were away: the store has its result.
  async function endedWhileAway(id) {
    const res = await fetch(new URL(`/api/matches/${id}`, opt.server));
    if (res.status !== 200) fail(`match ${id} is gone: HTTP ${res.status}`);
    const match = await res.json();
    ended(id, match.status, match.termination, match.result);
  }

  function handle(msg) {
    switch (msg.type) {
      case 'welcome':  // who the token says we are
        me = msg.player.name;
        break;
      case 'ack':
        // After hello: resume the live match after a reconnect, or start one.
        if (msg.ref === 'hello') {
          if (live) send({ type: 'resync', match_id: live.id, ref: 'resync' });
          else nextMatch();
        }
        break;  // other acks (challenge, seek, move) need nothing: the states drive the play
      case 'match_start':  // also sent again for each live match when we reconnect
        live = { id: msg.match_id, game: msg.game, seat: msg.seat };
        break;
      case 'state':
        // 4. Our turn: the bot's choice, answering this state's ply.
        if (!live || msg.match_id !== live.id || !msg.to_act.includes(msg.seat) || msg.legal.length === 0) break;
        if (moved === `${msg.match_id}:${msg.ply}`) break;  // already answered (resync repeats a state)
        moved = `${msg.match_id}:${msg.ply}`;
        send({
          type: 'move',
          match_id: msg.match_id,
          ply: msg.ply,
          action: choose(msg),
          ref: `move:${msg.match_id}:${msg.ply}`,
        });
        break;
      case 'error':
        console.error(`${tag}: error ${msg.code}: ${msg.message}${msg.ref ? ` (ref ${msg.ref})` : ''}`);
        if (String(msg.ref).startsWith('move:')) {
          // stale_ply: a state crossed our move; the next state asks again. Anything else
          // (say a simultaneous phase that wants orders) the bot cannot fix: it resigns.
          const matchId = Number(msg.ref.split(':')[1]);
          if (msg.code !== 'stale_ply' && live?.id === matchId) send({ type: 'resign', match_id: matchId, ref: 'resign' });
        } else if (msg.ref === 'resync' && msg.code === 'unknown_match' && live) {
          endedWhileAway(live.id).catch((e) => fail(e.message));
        } else if (['hello', 'challenge', 'seek'].includes(msg.ref)) {
          fail(`the server refused '${msg.ref}'`);
        }
        break;
      case 'match_end':
        if (live && msg.match_id === live.id) ended(msg.match_id, msg.status, msg.reason, msg.result);
        break;
      default:  // pong, challenge (we never accept), challenge_declined
        break;
    }
  }

  connect();
}
