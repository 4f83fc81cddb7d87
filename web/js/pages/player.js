// A player: ratings per game, rating history plotted over time (±2 deviations shaded), and
// recent matches with replay links.

import { h, api, fmtElo, fmtResult, fmtTime, displayName } from '../util.js';
import { timeChart } from '../charts.js';

export async function render(root, { id }) {
  const p = await api(`/api/players/${id}`);
  const ms = await api(`/api/matches?player=${id}&limit=30`).catch(() => ({ matches: [] }));
  const series = Object.entries(p.history ?? {}).map(([game, points]) => ({
    name: game,
    points: points.map((q) => ({ t: new Date(q.at), y: q.elo, lo: q.elo - 2 * q.deviation, hi: q.elo + 2 * q.deviation })),
  }));
  root.append(
    h('h1', { title: p.name }, displayName(p.name)), h('p', { class: 'meta' }, `${p.kind} · since ${fmtTime(p.created_at)}`),
    h('h2', {}, 'Ratings'),
    h('table', { class: 'data', id: 'player-ratings' },
      h('thead', {}, h('tr', {}, ['game', 'Glicko-2', '±2σ', 'games', 'updated'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (p.ratings ?? []).map((r) => h('tr', {},
        h('td', {}, h('a', { href: `#/leaderboard?game=${encodeURIComponent(r.game)}` }, r.game)),
        h('td', { class: 'num' }, `${fmtElo(r.elo)}${r.provisional ? '?' : ''}`), h('td', { class: 'num' }, fmtElo(2 * r.deviation)),
        h('td', { class: 'num' }, r.games), h('td', {}, fmtTime(r.updated_at)))))),
    h('h2', {}, 'Rating history'), h('div', { id: 'player-history' }, timeChart(series)),
    h('h2', {}, 'Recent matches'),
    h('ul', { class: 'match-list', id: 'player-matches' }, ms.matches.map((m) => h('li', {},
      h('a', { href: m.status === 'active' ? `#/match/${m.id}` : `#/replay/${m.id}` }, `#${m.id} ${m.game}`),
      ` · ${m.status}${m.result?.length ? ` · ${fmtResult(null, m.result)}` : ''} · ${fmtTime(m.started_at)}`))));
}
