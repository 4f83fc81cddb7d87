// One live match, as a player (when the server says we hold a seat) or as a spectator (the
// public view only): board, clocks counting down, last move, resign/draw/abort, the result.
// Every `state` is complete, so a reconnect just asks for a `resync` (or spectates again).

import { h, api, toast, fmtClock, fmtResult, fmtSimultaneous, displayName, SIMULTANEOUS } from '../util.js';
import { socket } from '../socket.js';
import { renderBoard, loadBoard, games as gameList, gameInfo } from '../boards.js';

export async function render(root, { id }) {
  const ws = socket();
  const info = await api(`/api/matches/${id}`);
  if (info.status === 'finished' || info.status === 'aborted') {
    location.replace(`#/replay/${id}`);
    return null;
  }
  await gameList().catch(() => []);
  await loadBoard(info.game);  // the game's board module, before the first state is drawn
  const game = gameInfo(info.game);
  const drawOffers = game?.draw_offers === true;
  const seats = info.seats;
  const marks = game?.seats ?? [];  // the game's seats by colour: [{label, mark}] or []

  let mode = null;      // 'player' | 'spectator' (null until the first state)
  let last = null;      // the latest state message
  let pick = null;      // a board's in-progress selection (a move of several clicks), kept across redraws
  let sentPly = null;   // the ply we answered, so a repeated state is answered once
  let ended = null;     // match_end
  let clockBase = { at: performance.now(), clocks: [] };

  const title = h('h1', {}, `${info.game} · match ${id}`);
  const roleEl = h('p', { class: 'role', id: 'role' });
  const seatEls = seats.map((s, i) => h('div', { class: 'seat-bar', 'data-seat': i },
    marks[i] ? h('span', { class: 'color', role: 'img', 'aria-label': String(marks[i].label ?? '').toLowerCase(), title: marks[i].label ?? null }, `${marks[i].mark ?? ''} `) : null,
    h('a', { href: `#/player/${s.player_id}`, class: 'name', title: s.name }, displayName(s.name)), h('span', { class: 'kind' }, ` ${s.kind}`),
    h('span', { class: 'clock', 'aria-label': `clock of ${displayName(s.name)}` }, '')));
  const boardEl = h('div', { class: 'board-area', id: 'board' });
  const statusEl = h('p', { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite', tabindex: -1 });
  const lastEl = h('p', { class: 'last-move', id: 'last-move' });
  const controls = h('div', { class: 'controls' });
  const resignBtn = h('button', { class: 'btn danger', id: 'resign', onclick: () => act('resign') }, 'Resign');
  const drawBtn = drawOffers ? h('button', { class: 'btn', id: 'offer-draw', onclick: () => act('offer_draw') }, 'Offer draw') : null;
  const abortBtn = h('button', { class: 'btn', id: 'abort', onclick: () => act('abort') }, 'Abort');
  controls.append(resignBtn, drawBtn ?? '', abortBtn);
  const resultEl = h('div', { class: 'result', id: 'result', hidden: true });

  root.append(title, roleEl, h('div', { class: 'match-layout' },
    h('div', { class: 'seats-col' }, seatEls), boardEl, h('div', { class: 'side' }, statusEl, lastEl, controls, resultEl)));

  async function act(type) {
    if (type === 'resign' && !confirm('Resign this match?')) return;
    try {
      await ws.request({ type, match_id: id });
    } catch (e) {
      toast(`${e.code}: ${e.message}`);
    }
  }

  // One action, or in a simultaneous phase the seat's orders (one per order group, in group
  // order, as the board lists them): the server acks orders once every seat has given its
  // own, so waiting past the request's timeout is no refusal.
  async function move(action, orders = null) {
    if (!last || sentPly === last.ply) return;
    sentPly = last.ply;
    if (orders) draw();  // the board shows the orders as sent while the others order
    statusEl.textContent = orders ? `Sending ${orders.length} orders…` : `Sending ${action}…`;
    try {
      await ws.request({ type: 'move', match_id: id, ply: last.ply, ...(orders ? { orders } : { action }) });
    } catch (e) {
      if (orders && e.code === 'timeout') return;
      sentPly = null;
      toast(`${e.code}: ${e.message}`);
      statusEl.textContent = `Move refused: ${e.message}`;
      if (e.code === 'stale_ply' || e.code === 'disconnected') ws.send({ type: 'resync', match_id: id });
      draw();
    }
  }

  function draw() {
    if (!last) return;
    const mine = mode === 'player' && !ended && last.to_act.includes(last.seat) && last.legal.length > 0 && sentPly !== last.ply;
    if (!pick || pick.ply !== last.ply) pick = { ply: last.ply };
    // Keyboard focus survives the redraw: on the same control if it is still there, else on
    // the first one when it is our move and the focus was on the board or nowhere.
    const active = document.activeElement;
    const focusWasHere = boardEl.contains(active);
    const focusLost = !active || active === document.body || active === root || active === statusEl;
    const focusKey = focusWasHere ? active.dataset?.action ?? null : null;
    boardEl.dataset.ply = last.ply;  // which state is drawn (for tests and styling)
    boardEl.replaceChildren(renderBoard(info.game, last.state?.state, {
      seat: last.seat, seats, legal: mine ? last.legal : [], onMove: mine ? (a) => move(a) : null,
      onOrders: mine ? (list) => move(null, list) : null, pick,
    }));
    if (mine && (focusWasHere || focusLost)) {
      const same = focusKey ? [...boardEl.querySelectorAll('[data-action]')].find((el) => el.dataset.action === focusKey) : null;
      (same ?? boardEl.querySelector('button:not([disabled]), [tabindex="0"]'))?.focus();
    } else if (focusWasHere && !boardEl.contains(document.activeElement)) {
      statusEl.focus();
    }
    seatEls.forEach((el, i) => {
      el.classList.toggle('to-act', !ended && last.to_act.includes(i));
      el.classList.toggle('me', mode === 'player' && last.seat === i);
    });
    const lm = last.last_move;
    const what = !lm ? '' : lm.seat === SIMULTANEOUS ? `orders (${fmtSimultaneous(seats, lm.action)})`
      : `${lm.seat >= 0 ? displayName(seats[lm.seat]?.name) ?? `seat ${lm.seat + 1}` : 'chance'} ${lm.action ?? '(hidden chance outcome)'}`;
    lastEl.textContent = lm ? `Last move: ${what}${lm.think_ms ? ` in ${(lm.think_ms / 1000).toFixed(1)} s` : ''}` : 'No move yet.';
    if (ended) {
      statusEl.textContent = `Match over (${ended.reason}).`;
    } else if (mode === 'spectator') {
      statusEl.textContent = `Spectating · ply ${last.ply}`;
    } else if (mine) {
      statusEl.textContent = 'Your move.';
    } else if (sentPly === last.ply) {
      statusEl.textContent = 'Move sent.';
    } else {
      statusEl.textContent = last.to_act.length ? `Waiting for ${last.to_act.map((i) => displayName(seats[i]?.name)).join(', ')}…` : 'Dealing…';
    }
    const playing = mode === 'player' && !ended;
    resignBtn.hidden = !playing;
    abortBtn.hidden = !playing || last.ply > 2;
    if (drawBtn) drawBtn.hidden = !playing;
    tick();
  }

  function tick() {
    if (!last) return;
    const elapsed = performance.now() - clockBase.at;
    seatEls.forEach((el, i) => {
      const base = clockBase.clocks[i];
      const running = !ended && last.to_act.includes(i) && base >= 0;
      const ms = running ? base - elapsed : base;
      const c = el.querySelector('.clock');
      c.textContent = ` ${fmtClock(ms)}`;
      c.classList.toggle('low', base >= 0 && ms < 10000);
    });
  }
  const clockTimer = setInterval(tick, 100);

  function showResult(e) {
    ended = e;
    resultEl.hidden = false;
    const me = mode === 'player' && last ? last.seat : null;
    let headline = e.status === 'aborted' ? 'Aborted' : 'Finished';
    if (me !== null && e.result?.length) {
      const mine = e.result[me];
      const best = Math.max(...e.result);
      headline = e.result.length === 1 ? (mine > 0 ? 'Solved!' : 'Not solved') : mine === best && e.result.some((r) => r < best) ? 'You won' : mine < best ? 'You lost' : 'Draw';
    }
    const active = document.activeElement;
    const focusHere = !active || active === document.body || active === root || boardEl.contains(active) || active === statusEl;
    resultEl.replaceChildren(h('h2', { tabindex: -1 }, headline), h('p', {}, `${fmtResult(seats, e.result)} · ${e.reason}`),
      h('p', {}, h('a', { href: `#/replay/${id}`, id: 'to-replay' }, 'Replay this match'), ' · ', h('a', { href: '#/' }, 'Back to the lobby')));
    draw();
    if (focusHere) resultEl.querySelector('h2').focus();  // then Tab reaches the replay link
  }

  const offs = [
    ws.on('state', (st) => {
      if (st.match_id !== id) return;
      if (mode === null) {
        mode = st.seat === null || st.seat === undefined ? 'spectator' : 'player';
        roleEl.textContent = mode === 'player'
          ? `You play ${displayName(seats[st.seat]?.name)} (seat ${st.seat + 1}) · ${info.rated ? 'rated' : 'unrated'}.`
          : `You are watching (${info.rated ? 'rated' : 'unrated'}): hidden information stays hidden.`;
        if (mode === 'spectator') ws.request({ type: 'spectate', match_id: id }).catch((e) => { if (e.code === 'unknown_match') location.replace(`#/replay/${id}`); });
      }
      if (mode === 'spectator' && st.seat !== null && st.seat !== undefined) return;
      if (last && st.ply < last.ply) return;
      last = st;
      clockBase = { at: performance.now(), clocks: st.clocks_ms ?? [] };
      draw();
    }),
    ws.on('match_end', (e) => { if (e.match_id === id) showResult(e); }),
    ws.on('error', (e) => { if (e.code === 'unknown_match' && !last) location.replace(`#/replay/${id}`); }),
    ws.on('reconnected', () => {
      if (ended) return;
      if (mode === 'spectator') ws.request({ type: 'spectate', match_id: id }).catch(() => {});
      else ws.send({ type: 'resync', match_id: id });
      // A match that ended while we were away is not announced again: ask the REST API.
      setTimeout(async () => {
        const m = await api(`/api/matches/${id}`).catch(() => null);
        if (m && !ended && (m.status === 'finished' || m.status === 'aborted')) showResult({ match_id: id, status: m.status, result: m.result, reason: m.termination });
      }, 1500);
    }),
  ];
  ws.send({ type: 'resync', match_id: id });

  return () => {
    clearInterval(clockTimer);
    offs.forEach((off) => off());
    if (mode === 'spectator' && !ended) ws.send({ type: 'unspectate', match_id: id });
  };
}
