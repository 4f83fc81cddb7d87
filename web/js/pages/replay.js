// A finished match from the database, stepped move by move (buttons, the move list or the
// arrow keys), with its result and export link. The positions are the server's own views
// (GET /api/matches/<id>/views): views[k] after k stored steps, chance steps (deals)
// included, as the spectator or one seat sees them ("seen by").

import { h, api, fmtResult, fmtSimultaneous, fmtTime, displayName, SIMULTANEOUS } from '../util.js';
import { socket } from '../socket.js';
import { renderBoard, loadBoard } from '../boards.js';

// The game's own state inside a view ({game, ply, ..., state: {...}}), or the view itself.
const inner = (view) => (view && typeof view.state === 'object' && view.state !== null && 'game' in view ? view.state : view);

export async function render(root, { id, viewer: asked }) {
  const ws = socket();
  const m = await api(`/api/matches/${id}`);
  const live = m.status === 'active' || m.status === 'pending';
  // Who sees the replay: the URL's viewer, else our own seat when we played, else a spectator.
  await Promise.race([ws.whenOpen(), new Promise((r) => setTimeout(r, 1500))]);
  const mySeat = m.seats.findIndex((s) => ws.lastPlayer && s.player_id === ws.lastPlayer.id);
  let viewer = asked ?? (mySeat >= 0 ? String(mySeat) : 'spectator');
  let views = null;
  let viewsError = null;

  async function loadViews() {
    try {
      views = (await api(`/api/matches/${id}/views?viewer=${encodeURIComponent(viewer)}`)).views;
      viewsError = null;
    } catch (e) {
      views = null;
      viewsError = e.message;
    }
  }
  await Promise.all([live ? null : loadViews(), loadBoard(m.game)]);

  const last = () => (views ? views.length - 1 : m.moves.length);
  let at = last();
  const boardEl = h('div', { class: 'board-area', id: 'replay-board' });
  const pos = h('span', { class: 'pos', id: 'replay-pos', role: 'status' });
  const list = h('ol', { class: 'move-list', id: 'replay-moves', start: 1 });
  m.moves.forEach((mv, k) => list.append(h('li', {}, h('button', { class: 'link', onclick: () => show(k + 1) },
    mv.seat === SIMULTANEOUS ? `orders: ${fmtSimultaneous(m.seats, mv.action)}`
      : `${mv.seat >= 0 ? displayName(m.seats[mv.seat]?.name) ?? `seat ${mv.seat + 1}` : 'chance'}: ${mv.action ?? '?'}`))));
  const show = (k) => {
    at = Math.max(0, Math.min(last(), k));
    pos.textContent = `ply ${at} of ${last()}`;
    const view = views ? views[at] : null;
    boardEl.dataset.ply = at;
    boardEl.replaceChildren(view ? renderBoard(m.game, inner(view), { seats: m.seats, seat: viewer === 'spectator' ? null : Number(viewer) })
      : h('p', {}, live ? 'The positions are shown once the match has ended; the moves so far are listed.'
        : `No positions to show (${viewsError ?? 'none stored'}); the moves are listed.`));
    [...list.children].forEach((li, k2) => li.classList.toggle('current', k2 === at - 1));
  };

  const viewerSel = h('select', { id: 'replay-viewer', 'aria-label': 'seen by' },
    h('option', { value: 'spectator' }, 'a spectator'),
    m.seats.map((s, i) => h('option', { value: String(i) }, `${displayName(s.name)} (seat ${i + 1})`)));
  viewerSel.value = viewer;
  viewerSel.addEventListener('change', async () => {
    viewer = viewerSel.value;
    history.replaceState(null, '', `#/replay/${id}?viewer=${encodeURIComponent(viewer)}`);
    await loadViews();
    show(at);
  });

  const nav = h('div', { class: 'controls', role: 'toolbar', 'aria-label': 'replay' },
    h('button', { class: 'btn', id: 'replay-first', onclick: () => show(0), 'aria-label': 'first' }, '|◀'),
    h('button', { class: 'btn', id: 'replay-prev', onclick: () => show(at - 1), 'aria-label': 'previous' }, '◀'),
    pos,
    h('button', { class: 'btn', id: 'replay-next', onclick: () => show(at + 1), 'aria-label': 'next' }, '▶'),
    h('button', { class: 'btn', id: 'replay-last', onclick: () => show(last()), 'aria-label': 'last' }, '▶|'),
    live ? null : h('label', {}, 'Seen by ', viewerSel));
  const onKey = (e) => {
    if (e.target.closest('input, select, textarea, summary, .me')) return;
    if (e.key === 'ArrowLeft') show(at - 1);
    else if (e.key === 'ArrowRight') show(at + 1);
    else if (e.key === 'Home') show(0);
    else if (e.key === 'End') show(last());
    else return;
    e.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  root.append(h('h1', {}, `Replay · ${m.game} · match ${id}`),
    h('p', { class: 'meta' }, m.seats.map((s, i) => [i ? ' vs ' : '', h('a', { href: `#/player/${s.player_id}`, title: s.name }, displayName(s.name))]),
      ` · ${m.rated ? 'rated' : 'unrated'} · ${m.time_control} · ${fmtTime(m.started_at)}`),
    h('p', { class: 'result', id: 'replay-result' }, live ? h('a', { href: `#/match/${id}` }, 'Still being played: watch live')
      : `${m.status} · ${fmtResult(m.seats, m.result)} · ${m.termination}`),
    live ? '' : h('p', {}, h('a', { href: `/api/matches/${id}/export`, id: 'export-link', target: '_blank', rel: 'noopener' }, 'Export (in the game\'s own record format)')),
    nav, h('p', { class: 'meta hint' }, 'Keys: ← → step, Home / End jump.'),
    h('div', { class: 'replay-layout' }, boardEl, h('div', { class: 'side' }, list)));
  show(at);
  return () => document.removeEventListener('keydown', onKey);
}
