// Recent matches, newest first, paged with "before": finished ones link to their replay,
// live ones to the spectator view.

import { h, api, fmtTime } from '../util.js';

export async function render(root, { game, before }) {
  const q = new URLSearchParams({ limit: '50' });
  if (game) q.set('game', game);
  if (before) q.set('before', before);
  const { matches, next_before: next } = await api(`/api/matches?${q}`);
  root.append(h('h1', {}, game ? `Matches of ${game}` : 'Matches'),
    h('table', { class: 'data', id: 'match-table' },
      h('thead', {}, h('tr', {}, ['id', 'game', 'status', 'result', 'end', 'started'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, matches.map((m) => h('tr', { 'data-match': m.id },
        h('td', {}, h('a', { href: m.status === 'active' ? `#/match/${m.id}` : `#/replay/${m.id}` }, `#${m.id}`)),
        h('td', {}, m.game), h('td', {}, m.status), h('td', {}, (m.result ?? []).join(' : ')), h('td', {}, m.termination),
        h('td', {}, fmtTime(m.started_at)))))),
    next ? h('p', {}, h('a', { href: `#/matches?${new URLSearchParams({ ...(game ? { game } : {}), before: next })}` }, 'Older matches')) : '');
}
