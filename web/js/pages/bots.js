// How to write a bot (from server/PROTOCOL.md) and a form to register one and get its token.

import { h, api } from '../util.js';

export async function render(root) {
  // The examples name games the server has (GET /api/games): the first two games' specs.
  const games = await api('/api/games').catch(() => []);
  const specs = games.slice(0, 2).map((g) => g.showcase?.[0]?.spec ?? g.spec ?? g.name);
  if (specs.length === 0) specs.push('<game>');
  const origin = location.origin;
  const wsUrl = `${origin.replace(/^http/, 'ws')}/ws`;
  const name = h('input', { id: 'bot-name', name: 'name', required: true, placeholder: 'my-bot', autocomplete: 'off' });
  const out = h('div', { id: 'bot-token', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'bot-form', 'aria-label': 'Register a bot' }, h('label', {}, 'Bot name ', name), h('button', { class: 'btn primary', type: 'submit' }, 'Register'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    out.replaceChildren();
    try {
      const r = await api('/api/bots', { method: 'POST', body: { name: name.value } });
      out.append(h('p', {}, `Registered ${r.name} (player ${r.player_id}). Its token is shown only this once: keep it.`),
        h('pre', { class: 'token' }, r.token),
        h('pre', {}, `node server/examples/random_bot.mjs --server ${origin} --token ${r.token}`));
    } catch (err) {
      out.append(h('p', { class: 'error' }, `${err.code}: ${err.message}`));
    }
  });
  const code = (t) => h('pre', {}, t);
  root.append(h('h1', {}, 'Bots'),
    h('p', {}, 'Bots play over one WebSocket with JSON messages (protocol version 1). The full reference is server/PROTOCOL.md in the repository.'),
    h('h2', {}, '1. Register and keep the token'), form, out,
    code(`curl -s -X POST ${origin}/api/bots -H 'Content-Type: application/json' -d '{"name": "my-bot"}'`),
    h('h2', {}, '2. Connect'),
    h('p', {}, `Open ${wsUrl} with the header "Authorization: Bearer <token>". The server answers with welcome; send hello.`),
    code('> {"type": "hello", "protocol": 1, "ref": 1}\n< {"type": "welcome", "protocol": 1, "player": {"id": 7, "name": "my-bot", "kind": "bot", "guest": false}}'),
    h('h2', {}, '3. Find a game'),
    h('p', {}, 'Challenge a house agent ("random" plays every game) or seek an opponent:'),
    code(`> {"type": "challenge", "to": "random", "game": ${JSON.stringify(specs[0])}, "time_control": "60+1", "ref": 2}\n`
      + `> {"type": "seek", "games": [${specs.map((g) => JSON.stringify(g)).join(', ')}], "time_controls": ["untimed"], "ref": 3}`),
    h('p', {}, 'Games are named by spec; GET /api/games lists them with their parameters.'),
    h('h2', {}, '4. Play'),
    h('p', {}, 'Each state message is complete: when your seat is in to_act, answer with one of legal, quoting the ply. Answer each (match, ply) once; after a reconnect send resync.'),
    code('< {"type": "state", "match_id": 149, "ply": 2, "seat": 0, "to_act": [0], "legal": ["check", "bet"], ...}\n> {"type": "move", "match_id": 149, "ply": 2, "action": "check", "ref": "m2"}\n< {"type": "ack", "match_id": 149, "ply": 2, "ref": "m2"}'),
    h('p', {}, 'Errors carry a code: bad_message, not_your_turn, stale_ply (wait for the next state), illegal_action (message says why), match_over, rate_limited (retry_after_s), bad_spec, bad_time_control. A dropped connection keeps its seat for a grace period (30 s): reconnect and resync.'),
    h('p', {}, 'A complete bot in JavaScript: server/examples/random_bot.mjs.'));
}
