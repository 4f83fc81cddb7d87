#!/usr/bin/env node
// A complete Arena bot that plays random legal moves in any game: the shortest working
// example of the WebSocket protocol (server/PROTOCOL.md), whose session loop it shares with
// the other example bots (bot_session.mjs). Node 18+; `npm install` gets `ws`.
//
//   node server/examples/random_bot.mjs --server http://127.0.0.1:8080 \
//       [--name NAME] [--token TOKEN] [--game kuhn_poker] [--opponent random] [--matches N]
//       [--seek] [--trace]
//
// Without --token it registers NAME (POST /api/bots) and prints the token once: keep it
// and pass --token next time. It then challenges the house agent --opponent (default
// "random"; `GET /api/games` lists each game's `opponents`, such as "shared" or
// "uci:stockfish(skill=0,nodes=1000)" in chess) to --game (or,
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
import { playMatches } from './bot_session.mjs';

const { values: opt } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://127.0.0.1:8080' },
    name: { type: 'string', default: `random-bot-${randomBytes(3).toString('hex')}` },
    token: { type: 'string' },
    game: { type: 'string', default: 'kuhn_poker' },
    opponent: { type: 'string', default: 'random' },
    matches: { type: 'string', default: '1' },
    seek: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
});

// Any legal action, uniformly.
await playMatches(opt, 'random_bot', (msg) => msg.legal[Math.floor(Math.random() * msg.legal.length)]);
