#!/usr/bin/env node
// A complete Arena bot that plays random legal moves in any game: the shortest working
// example of the WebSocket protocol (server/PROTOCOL.md). Node 18+; `npm install` gets `ws`.
//
//   node server/examples/random_bot.mjs --server http://127.0.0.1:8080 \
//       [--name NAME] [--token TOKEN] [--game kuhn_poker] [--matches N] [--seek] [--trace]
//
// Without --token it registers NAME (POST /api/bots) and prints the token once: keep it
// and pass --token next time. It then challenges the house agent "random" to --game (or,
// with --seek, waits for another player seeking the same two-player game) and plays N
// matches. stdout gets one JSON line per event: "registered", one "match" per finished
// match, then "summary". --trace prints every message on stderr ('>' sent, '<' received).
// Exit status: 0 when N matches are done, 1 on any failure.
//
// Simultaneous games (a phase where several seats act at once) take a move as `orders`,
// one per order group; `legal` does not say what the groups are, so a generic bot cannot
// build them. This bot sends `action`, gets `illegal_action` and resigns such a match.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values: opt } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://127.0.0.1:8080' },
    name: { type: 'string', default: `random-bot-${randomBytes(3).toString('hex')}` },
    token: { type: 'string' },
    game: { type: 'string', default: 'kuhn_poker' },
    matches: { type: 'string', default: '1' },
    seek: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
});
const wanted = Number(opt.matches);
const print = (obj) => console.log(JSON.stringify(obj));
const fail = (why) => {
  console.error(`random_bot: ${why}`);
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
  ws.on('error', (e) => console.error(`random_bot: connection error: ${e.message}`));
  ws.on('close', (code, reason) => {
    if (done) return;
    // 6. A dropped connection: come back once. Our seat waits for us for a grace period.
    if (reconnected) fail(`connection closed again (${code} ${reason})`);
    console.error(`random_bot: connection closed (${code} ${reason}); reconnecting`);
    reconnected = true;
    moved = null;  // a move in flight may be lost: answer the next state again
    setTimeout(connect, 500);
  });
}

function send(message) {
  if (opt.trace) console.error(`> ${JSON.stringify(message)}`);
  ws.send(JSON.stringify(message));
}

// 3. A new match: challenge the house agent (it accepts at once), or seek an opponent.
function nextMatch() {
  if (opt.seek) send({ type: 'seek', games: [opt.game], ref: 'seek' });
  else send({ type: 'challenge', to: 'random', game: opt.game, ref: 'challenge' });
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
      // 4. Our turn: any legal action, answering this state's ply.
      if (!live || msg.match_id !== live.id || !msg.to_act.includes(msg.seat) || msg.legal.length === 0) break;
      if (moved === `${msg.match_id}:${msg.ply}`) break;  // already answered (resync repeats a state)
      moved = `${msg.match_id}:${msg.ply}`;
      send({
        type: 'move',
        match_id: msg.match_id,
        ply: msg.ply,
        action: msg.legal[Math.floor(Math.random() * msg.legal.length)],
        ref: `move:${msg.match_id}:${msg.ply}`,
      });
      break;
    case 'error':
      console.error(`random_bot: error ${msg.code}: ${msg.message}${msg.ref ? ` (ref ${msg.ref})` : ''}`);
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
