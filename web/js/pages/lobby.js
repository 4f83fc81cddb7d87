// The lobby: live matches with small live boards (spectated over the socket), a form to
// play a house agent or seek an opponent, and the games available.

import { h, api, toast, fmtElo, family } from '../util.js';
import { socket } from '../socket.js';
import { renderBoard } from '../boards.js';

export const TIME_CONTROLS = [
  ['untimed', 'untimed'], ['60+1', '1 min + 1 s'], ['180+2', '3 min + 2 s'], ['300+5', '5 min + 5 s'], ['move:10000', '10 s a move'],
];
const playerCache = new Map();

async function ratingOf(playerId, group) {
  if (!playerCache.has(playerId)) playerCache.set(playerId, api(`/api/players/${playerId}`).catch(() => null));
  const p = await playerCache.get(playerId);
  return p?.ratings?.find((r) => r.game === group) ?? null;
}

export async function render(root) {
  const ws = socket();
  const games = await api('/api/games');
  const liveList = h('div', { class: 'live-grid', id: 'live-matches' }, h('p', { class: 'empty' }, 'Loading…'));
  const cards = new Map();  // match id -> {el, boardEl, moves, game, seats}
  const spectated = new Set();

  // --- Live matches -------------------------------------------------------------------
  async function refresh() {
    let list;
    try {
      list = (await api('/api/matches?status=active&limit=12')).matches;
    } catch (e) {
      toast(`live matches: ${e.message}`);
      return;
    }
    const ids = new Set(list.map((m) => m.id));
    for (const [id, c] of cards) {
      if (!ids.has(id)) {
        c.el.remove();
        cards.delete(id);
        if (spectated.delete(id)) ws.send({ type: 'unspectate', match_id: id });
      }
    }
    for (const m of list) {
      if (cards.has(m.id)) continue;
      const detail = await api(`/api/matches/${m.id}`).catch(() => null);
      if (!detail || closed) continue;
      const boardEl = h('div', { class: 'mini' });
      const moveCount = h('span', { class: 'moves' }, `${detail.moves.filter((x) => x.seat >= 0).length} moves`);
      const players = h('ul', { class: 'seats' });
      for (const seat of detail.seats) {
        const li = h('li', {}, h('a', { href: `#/player/${seat.player_id}` }, seat.name), ' ', h('span', { class: 'rating' }, ''));
        players.append(li);
        ratingOf(seat.player_id, detail.rating_group).then((r) => {
          li.querySelector('.rating').textContent = r ? `(${fmtElo(r.elo)}${r.provisional ? '?' : ''})` : '(unrated)';
        });
      }
      const el = h('article', { class: 'live-card', 'data-match': m.id },
        h('header', {}, h('strong', {}, m.game), ' ', h('span', { class: 'tc' }, m.time_control)),
        players, boardEl, h('footer', {}, moveCount, ' · ', h('a', { href: `#/match/${m.id}`, class: 'watch' }, 'Watch')));
      cards.set(m.id, { el, boardEl, moveCount, game: m.game, seats: detail.seats });
      if (liveList.querySelector('.empty')) liveList.replaceChildren();
      liveList.append(el);
      if (!spectated.has(m.id)) {
        spectated.add(m.id);
        ws.request({ type: 'spectate', match_id: m.id }).catch(() => spectated.delete(m.id));
      }
    }
    if (cards.size === 0) liveList.replaceChildren(h('p', { class: 'empty' }, 'No live matches right now.'));
  }
  let closed = false;
  const offState = ws.on('state', (st) => {
    const c = cards.get(st.match_id);
    if (!c) return;
    c.boardEl.replaceChildren(renderBoard(c.game, st.state?.state, { small: true, seats: c.seats }));
    c.moveCount.textContent = `${st.last_move ? st.last_move.ply + 1 : st.ply} plies`;
  });
  const offEnd = ws.on('match_end', (e) => {
    const c = cards.get(e.match_id);
    if (c) c.el.classList.add('ended');
  });
  const offRe = ws.on('reconnected', () => {
    for (const id of spectated) ws.send({ type: 'spectate', match_id: id });
  });
  const timer = setInterval(refresh, 4000);

  // --- Play form ----------------------------------------------------------------------
  const gameChoices = games.flatMap((g) => (g.name === 'go'
    ? [['go(size=9)', 'Go 9×9'], ['go(size=5)', 'Go 5×5'], ['go(size=13)', 'Go 13×13'], ['go', 'Go 19×19']]
    : [[g.spec ?? g.name, g.name]]));
  const gameSel = h('select', { id: 'play-game', name: 'game' }, gameChoices.map(([v, label]) => h('option', { value: v }, label)));
  const agentSel = h('select', { id: 'play-agent', name: 'agent' });
  const tcSel = h('select', { id: 'play-tc', name: 'time_control' }, TIME_CONTROLS.map(([v, l]) => h('option', { value: v }, l)));
  const seekStatus = h('p', { class: 'seek-status', role: 'status' });
  let openSeek = null;

  async function fillAgents() {
    const spec = gameSel.value;
    const names = new Set(['random']);
    try {
      const lb = await api(`/api/leaderboard?game=${encodeURIComponent(spec)}`);
      for (const r of [...lb.bradley_terry, ...lb.live]) if (r.kind === 'agent' || r.kind === 'engine') names.add(r.name);
    } catch { /* a game nobody played yet */ }
    if (family(spec) === 'go') names.add('gtp:gnugo(level=1)');
    agentSel.replaceChildren(...[...names].map((n) => h('option', { value: n }, n)));
  }
  gameSel.addEventListener('change', fillAgents);
  await fillAgents();

  const playBtn = h('button', { type: 'submit', class: 'btn primary', id: 'play-start' }, 'Play');
  const form = h('form', { class: 'play-form', 'aria-label': 'Play a house agent' },
    h('label', {}, 'Game ', gameSel), h('label', {}, 'Opponent ', agentSel), h('label', {}, 'Time ', tcSel), playBtn,
    h('button', { type: 'button', class: 'btn', id: 'seek-start', onclick: seek }, 'Seek a human or bot'), seekStatus);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    playBtn.disabled = true;
    try {
      const ack = await ws.request({ type: 'challenge', to: agentSel.value, game: gameSel.value, time_control: tcSel.value, rated: false });
      if (ack.match_id) location.hash = `#/match/${ack.match_id}`;
      else seekStatus.textContent = `Challenge ${ack.challenge_id} sent; waiting for an answer…`;
    } catch (err) {
      toast(`${err.code}: ${err.message}`);
    } finally {
      playBtn.disabled = false;
    }
  });
  async function seek() {
    if (openSeek !== null) {
      await ws.request({ type: 'cancel_seek', seek_id: openSeek }).catch((err) => toast(err.message));
      openSeek = null;
      seekStatus.textContent = 'Seek cancelled.';
      form.querySelector('#seek-start').textContent = 'Seek a human or bot';
      return;
    }
    try {
      const ack = await ws.request({ type: 'seek', games: [gameSel.value], time_controls: [tcSel.value], rated: false });
      openSeek = ack.seek_id ?? null;
      if (openSeek !== null) {
        seekStatus.textContent = `Seeking ${gameSel.value} (${tcSel.value}); you will be taken to the match when paired.`;
        form.querySelector('#seek-start').textContent = 'Cancel seek';
      }
    } catch (err) {
      toast(`${err.code}: ${err.message}`);
    }
  }
  const offStart = ws.on('match_start', (m) => { location.hash = `#/match/${m.match_id}`; });

  root.append(
    h('h1', {}, 'Lobby'),
    h('section', { 'aria-labelledby': 'h-play' }, h('h2', { id: 'h-play' }, 'Play'), form),
    h('section', { 'aria-labelledby': 'h-live' }, h('h2', { id: 'h-live' }, 'Live matches'), liveList),
    h('section', { 'aria-labelledby': 'h-games' }, h('h2', { id: 'h-games' }, 'Games'),
      h('ul', { class: 'games' }, games.map((g) => h('li', {}, h('strong', {}, g.name), ` (${g.players} player${g.players > 1 ? 's' : ''}) — ${g.description} · `,
        h('a', { href: `#/leaderboard?game=${encodeURIComponent(g.name)}` }, 'leaderboard'))))));
  await refresh();
  return () => {
    closed = true;
    clearInterval(timer);
    offState(); offEnd(); offRe(); offStart();
    if (openSeek !== null) ws.send({ type: 'cancel_seek', seek_id: openSeek });
    for (const id of spectated) ws.send({ type: 'unspectate', match_id: id });
  };
}
