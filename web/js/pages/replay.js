// A finished match from the database, stepped move by move (buttons, the move list or the
// arrow keys), with its result and export link.

import { h, api, fmtResult, fmtTime } from '../util.js';
import { renderBoard } from '../boards.js';
import { replayViews } from '../replay.js';

export async function render(root, { id }) {
  const m = await api(`/api/matches/${id}`);
  const views = replayViews(m.game, m.moves);
  let at = m.moves.length;
  const boardEl = h('div', { class: 'board-area', id: 'replay-board' });
  const pos = h('span', { class: 'pos', id: 'replay-pos' });
  const list = h('ol', { class: 'move-list', id: 'replay-moves', start: 1 });
  m.moves.forEach((mv, k) => list.append(h('li', {}, h('button', { class: 'link', onclick: () => go(k + 1) },
    `${mv.seat >= 0 ? m.seats[mv.seat]?.name ?? `seat ${mv.seat + 1}` : 'chance'}: ${mv.action ?? '?'}`))));
  const go = (k) => {
    at = Math.max(0, Math.min(m.moves.length, k));
    pos.textContent = `ply ${at} of ${m.moves.length}`;
    const view = views ? views[at] : null;
    boardEl.replaceChildren(view ? renderBoard(m.game, view, { seats: m.seats }) : h('p', {}, 'This game has no replay board yet; the moves are listed.'));
    [...list.children].forEach((li, k2) => li.classList.toggle('current', k2 === at - 1));
  };
  const nav = h('div', { class: 'controls', role: 'toolbar', 'aria-label': 'replay' },
    h('button', { class: 'btn', id: 'replay-first', onclick: () => go(0), 'aria-label': 'first' }, '|◀'),
    h('button', { class: 'btn', id: 'replay-prev', onclick: () => go(at - 1), 'aria-label': 'previous' }, '◀'),
    pos,
    h('button', { class: 'btn', id: 'replay-next', onclick: () => go(at + 1), 'aria-label': 'next' }, '▶'),
    h('button', { class: 'btn', id: 'replay-last', onclick: () => go(m.moves.length), 'aria-label': 'last' }, '▶|'));
  const onKey = (e) => {
    if (e.target.closest('input, select, textarea')) return;
    if (e.key === 'ArrowLeft') go(at - 1);
    else if (e.key === 'ArrowRight') go(at + 1);
  };
  document.addEventListener('keydown', onKey);
  const live = m.status === 'active' || m.status === 'pending';
  root.append(h('h1', {}, `Replay · ${m.game} · match ${id}`),
    h('p', { class: 'meta' }, m.seats.map((s, i) => [i ? ' vs ' : '', h('a', { href: `#/player/${s.player_id}` }, s.name)]),
      ` · ${m.rated ? 'rated' : 'unrated'} · ${m.time_control} · ${fmtTime(m.started_at)}`),
    h('p', { class: 'result', id: 'replay-result' }, live ? h('a', { href: `#/match/${id}` }, 'Still being played: watch live')
      : `${m.status} · ${fmtResult(m.seats, m.result)} · ${m.termination}`),
    live ? null : h('p', {}, h('a', { href: `/api/matches/${id}/export`, id: 'export-link', target: '_blank', rel: 'noopener' }, 'Export (SGF, hand history, puzzle steps)')),
    nav, h('div', { class: 'replay-layout' }, boardEl, h('div', { class: 'side' }, list)));
  go(at);
  return () => document.removeEventListener('keydown', onKey);
}
