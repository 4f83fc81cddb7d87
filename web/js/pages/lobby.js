// The lobby: live matches with small live boards (spectated over the socket), a form to
// play a house agent (the game's `opponents` from GET /api/games) or seek an opponent, the
// open seeks (GET /api/seeks, polled) to accept or cancel, and the games available. A named
// person plays rated; a guest unrated.

import { h, api, toast, fmtElo, gameName, displayName } from '../util.js';
import { socket } from '../socket.js';
import { renderBoard, loadBoard, games as gameList } from '../boards.js';

export const TIME_CONTROLS = [
  ['untimed', 'untimed'], ['60+1', '1 min + 1 s'], ['180+2', '3 min + 2 s'], ['300+5', '5 min + 5 s'], ['move:10000', '10 s a move'],
];
const playerCache = new Map();

// [value, label, disabled] options for the house agents in a game's `opponents` (GET /api/games).
export function opponentOptions(specs) {
  const label = (spec) => {
    if (spec === 'random') return 'Random (anchor)';
    if (/^mcts(\(|$)/.test(spec)) return 'Rollout MCTS';
    if (/^gtp:gnugo/.test(spec)) return 'GNU Go';
    if (spec.startsWith('nn:')) return `Shared agent (${spec} latest checkpoint)`;
    return spec;
  };
  const labels = specs.map(label);
  const out = specs.map((spec, i) => [spec, labels.indexOf(labels[i]) !== labels.lastIndexOf(labels[i]) ? `${labels[i]}: ${spec}` : labels[i], false]);
  if (!specs.some((spec) => spec.startsWith('nn:'))) out.push(['', 'Shared agent: no checkpoint yet (arena train)', true]);
  return out;
}

async function ratingOf(playerId, group) {
  if (!playerCache.has(playerId)) playerCache.set(playerId, api(`/api/players/${playerId}`).catch(() => null));
  const p = await playerCache.get(playerId);
  return p?.ratings?.find((r) => r.game === group) ?? null;
}

export async function render(root) {
  const ws = socket();
  const games = await gameList({ refresh: true });
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
      await loadBoard(m.game);  // before the first state arrives, so the card draws it at once
      if (!detail || closed || cards.has(m.id)) continue;
      const boardEl = h('div', { class: 'mini' });
      const moveCount = h('span', { class: 'moves' }, `${detail.moves.filter((x) => x.seat >= 0).length} moves`);
      const players = h('ul', { class: 'seats' });
      for (const seat of detail.seats) {
        const li = h('li', {}, h('a', { href: `#/player/${seat.player_id}`, title: seat.name }, displayName(seat.name)), ' ', h('span', { class: 'rating' }, ''));
        players.append(li);
        ratingOf(seat.player_id, detail.rating_group).then((r) => {
          li.querySelector('.rating').textContent = r ? `(${fmtElo(r.elo)}${r.provisional ? '?' : ''})` : '(no rating yet)';
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
  // Each game's showcase specs (GET /api/games), e.g. one per board size, else the game itself.
  const gameChoices = games.flatMap((g) => (g.showcase?.length
    ? g.showcase.map((c) => [c.spec, c.label ?? c.spec])
    : [[g.spec ?? g.name, g.name]]));
  const gameSel = h('select', { id: 'play-game', name: 'game' }, gameChoices.map(([v, label]) => h('option', { value: v }, label)));
  const agentSel = h('select', { id: 'play-agent', name: 'agent' });
  const tcSel = h('select', { id: 'play-tc', name: 'time_control' }, TIME_CONTROLS.map(([v, l]) => h('option', { value: v }, l)));
  const ratedBox = h('input', { type: 'checkbox', id: 'play-rated', name: 'rated' });
  const ratedNote = h('span', { class: 'rated-note', id: 'rated-note' });
  const seekStatus = h('p', { class: 'seek-status', id: 'seek-status', role: 'status' });
  const seekBtn = h('button', { type: 'button', class: 'btn', id: 'seek-start', onclick: () => (openSeek === null ? seek() : cancelSeek(openSeek)) }, 'Seek a human or bot');
  let openSeek = null;  // the id of the seek this page posted, while it is open

  // The house agents the server says accept challenges in the chosen game.
  function fillAgents() {
    const game = games.find((g) => g.name === gameName(gameSel.value));
    const specs = game?.opponents ?? ['random'];
    const options = opponentOptions(specs);
    agentSel.replaceChildren(...options.map(([v, label, disabled]) => h('option', { value: v, disabled, title: v || null }, label)));
  }
  gameSel.addEventListener('change', fillAgents);
  fillAgents();

  // A named person may play rated; a guest plays unrated (the server's rule).
  const named = () => ws.lastPlayer?.guest === false;
  let wasNamed = null;
  function showIdentity() {
    const now = named();
    if (now !== wasNamed) ratedBox.checked = now;
    wasNamed = now;
    ratedBox.disabled = !now;
    ratedNote.textContent = now ? '' : 'guests play unrated: choose a name (top right) to play rated';
  }
  showIdentity();

  const playBtn = h('button', { type: 'submit', class: 'btn primary', id: 'play-start' }, 'Play');
  const form = h('form', { class: 'play-form', 'aria-label': 'Play a house agent' },
    h('label', {}, 'Game ', gameSel), h('label', {}, 'Opponent ', agentSel), h('label', {}, 'Time ', tcSel),
    h('label', { class: 'check' }, ratedBox, ' Rated'), ratedNote, playBtn, seekBtn, seekStatus);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    playBtn.disabled = true;
    try {
      const ack = await ws.request({ type: 'challenge', to: agentSel.value, game: gameSel.value, time_control: tcSel.value, rated: ratedBox.checked && named() });
      if (ack.match_id) location.hash = `#/match/${ack.match_id}`;
      else seekStatus.textContent = `Challenge ${ack.challenge_id} sent; waiting for an answer…`;
    } catch (err) {
      toast(`${err.code}: ${err.message}`);
    } finally {
      playBtn.disabled = false;
    }
  });

  function seekClosed(text) {
    openSeek = null;
    seekBtn.textContent = 'Seek a human or bot';
    if (text !== undefined) seekStatus.textContent = text;
  }

  // Posts a seek: the form's (game, time control, rated), or an open seek's to accept it.
  async function seek(wanted = { game: gameSel.value, tc: tcSel.value, rated: ratedBox.checked && named() }) {
    try {
      const ack = await ws.request({ type: 'seek', games: [wanted.game], time_controls: [wanted.tc], rated: wanted.rated });
      // A pairing sends match_start (and takes us to the match); else our seek stays open.
      if (ack.seek_id !== undefined && ack.seek_id !== null && !ack.match_id) {
        openSeek = ack.seek_id;
        seekBtn.textContent = 'Cancel seek';
        seekStatus.textContent = `Seeking ${wanted.game} (${wanted.tc}, ${wanted.rated ? 'rated' : 'unrated'}); you will be taken to the match when paired.`;
      }
    } catch (err) {
      toast(`${err.code}: ${err.message}`);
    }
    await refreshSeeks();
  }

  async function cancelSeek(id) {
    try {
      await ws.request({ type: 'cancel_seek', seek_id: id });
      if (id === openSeek) seekClosed('Seek cancelled.');
    } catch (err) {
      if (err.code === 'unknown_seek' && id === openSeek) seekClosed('That seek is no longer open.');
      else toast(`${err.code}: ${err.message}`);
    }
    await refreshSeeks();
  }
  const offStart = ws.on('match_start', (m) => { location.hash = `#/match/${m.match_id}`; });

  // --- Open seeks (GET /api/seeks, polled) ----------------------------------------------
  const seekList = h('ul', { class: 'seek-list', id: 'open-seeks', 'aria-live': 'polite' }, h('li', { class: 'empty' }, 'Loading…'));
  let seekKey = '';
  async function refreshSeeks() {
    let list;
    try {
      list = (await api('/api/seeks')).seeks ?? [];
    } catch (e) {
      seekList.replaceChildren(h('li', { class: 'error' }, `Open seeks are not available: ${e.message}`));
      return;
    }
    if (closed) return;
    const meId = ws.lastPlayer?.id ?? null;
    if (openSeek !== null && !list.some((sk) => sk.id === openSeek)) seekClosed('');
    // Redraw only when something changed, so that keyboard focus stays where it is.
    const key = JSON.stringify([meId, named(), list]);
    if (key === seekKey) return;
    seekKey = key;
    if (list.length === 0) {
      seekList.replaceChildren(h('li', { class: 'empty' }, 'No open seeks. Seek one yourself, or play a house agent.'));
      return;
    }
    seekList.replaceChildren(...list.map((sk) => {
      const mine = meId !== null && sk.player_id === meId;
      const tcs = sk.time_controls?.length ? sk.time_controls : ['untimed'];
      const what = `${sk.games.join(' or ')} · ${tcs.join(' or ')} · ${sk.rated ? 'rated' : 'unrated'}`;
      const li = h('li', { 'data-seek': sk.id, class: mine ? 'mine' : '' },
        h('a', { href: `#/player/${sk.player_id}`, title: sk.name }, displayName(sk.name)), mine ? ' (you)' : '', ` · ${what} `);
      if (mine) {
        li.append(h('button', { type: 'button', class: 'btn cancel', onclick: () => cancelSeek(sk.id) }, 'Cancel'));
      } else if (sk.rated && !named()) {
        li.append(h('button', { type: 'button', class: 'btn accept', disabled: true }, 'Accept'),
          h('span', { class: 'note' }, ' rated: guests can only pair unrated seeks (choose a name to accept)'));
      } else {
        // The server pairs equal seeks: answer with one game and one time control of this one.
        for (const game of sk.games) {
          for (const tc of tcs) {
            li.append(h('button', { type: 'button', class: 'btn accept', 'data-game': game, 'data-tc': tc,
              'aria-label': `accept ${sk.name}'s seek: ${game}, ${tc}, ${sk.rated ? 'rated' : 'unrated'}`,
              onclick: () => seek({ game, tc, rated: sk.rated }) }, sk.games.length * tcs.length > 1 ? `Accept ${game} ${tc}` : 'Accept'), ' ');
          }
        }
      }
      return li;
    }));
  }
  const seekTimer = setInterval(refreshSeeks, 3000);
  const offIdentity = ws.on('reconnected', () => {
    showIdentity();
    refreshSeeks();  // a seek of ours that is gone from the list is closed there
  });

  root.append(
    h('h1', {}, 'Lobby'),
    h('section', { 'aria-labelledby': 'h-play' }, h('h2', { id: 'h-play' }, 'Play'), form),
    h('section', { 'aria-labelledby': 'h-seeks' }, h('h2', { id: 'h-seeks' }, 'Open seeks'), seekList),
    h('section', { 'aria-labelledby': 'h-live' }, h('h2', { id: 'h-live' }, 'Live matches'), liveList),
    h('section', { 'aria-labelledby': 'h-games' }, h('h2', { id: 'h-games' }, 'Games'),
      h('ul', { class: 'games' }, games.map((g) => h('li', {}, h('strong', {}, g.name), ` (${g.players} player${g.players > 1 ? 's' : ''}) — ${g.description} · `,
        // Ratings are kept per rating group (a canonical spec): the showcase's first one.
        h('a', { href: `#/leaderboard?game=${encodeURIComponent(g.showcase?.[0]?.spec ?? g.name)}` }, 'leaderboard'))))));
  await Promise.all([refresh(), refreshSeeks()]);
  return () => {
    closed = true;
    clearInterval(timer);
    clearInterval(seekTimer);
    offState(); offEnd(); offRe(); offStart(); offIdentity();
    // Leaving the lobby withdraws our seek; one a pairing used is gone already (unknown_seek).
    if (openSeek !== null) ws.request({ type: 'cancel_seek', seek_id: openSeek }).catch(() => {});
    for (const id of spectated) ws.send({ type: 'unspectate', match_id: id });
  };
}
