// Ratings of one game (or rating group): the Bradley–Terry fit drawn as 95% interval bars
// (random = 0), and the live Glicko-2 ratings in a table; our own row is marked, and our own
// matches of the game are listed beside the game's recent ones.

import { h, api, fmtElo, fmtTime } from '../util.js';
import { socket } from '../socket.js';
import { intervalBars } from '../charts.js';

const matchItem = (m) => h('li', { 'data-match': m.id },
  h('a', { href: m.status === 'active' ? `#/match/${m.id}` : `#/replay/${m.id}` }, `#${m.id} ${m.game}`),
  ` · ${m.status}${m.rated ? '' : ' · unrated'}${m.result?.length ? ` · ${m.result.join(' : ')}` : ''} · ${fmtTime(m.started_at)}`);

export async function render(root, { game }) {
  const games = await api('/api/games');
  // Rating groups (canonical specs, e.g. "name(size=9)") seen in recent matches and each
  // game's first showcase spec, beside the plain game names.
  const recent = await api('/api/matches?limit=200').catch(() => ({ matches: [] }));
  const groups = [...new Set([...games.map((g) => g.name), ...games.map((g) => g.showcase?.[0]?.spec).filter(Boolean),
    ...recent.matches.map((m) => m.rating_group)])].sort();
  const current = game ?? groups[0];
  const select = h('select', { id: 'lb-game', 'aria-label': 'game',
    onchange: (e) => { location.hash = `#/leaderboard?game=${encodeURIComponent(e.target.value)}`; } },
  groups.map((g) => h('option', { value: g, selected: g === current }, g)));
  root.append(h('h1', {}, 'Leaderboards'), h('label', {}, 'Game ', select));
  const lb = await api(`/api/leaderboard?game=${encodeURIComponent(current)}`);
  const bt = [...lb.bradley_terry].sort((a, b) => b.elo - a.elo);
  // Exploitability (chips per hand), a stored figure, shown where any row of the group has one.
  const withExpl = bt.some((r) => r.exploitability);
  const fmtExpl = (e) => (!e ? '—' : e.method === 'exact' ? e.value.toPrecision(4)
    : `${e.value.toPrecision(3)} (${e.low.toPrecision(3)} – ${e.high.toPrecision(3)}, ${e.samples} samples)`);
  const recentOfGame = await api(`/api/matches?game=${encodeURIComponent(current)}&limit=10`).catch(() => ({ matches: [] }));
  const ws = socket();
  await Promise.race([ws.whenOpen(), new Promise((r) => setTimeout(r, 1500))]);
  const meId = ws.lastPlayer?.id ?? null;
  const mine = meId === null ? { matches: [] }
    : await api(`/api/matches?game=${encodeURIComponent(current)}&player=${meId}&limit=10`).catch(() => ({ matches: [] }));
  root.append(
    h('h2', {}, `${lb.game}: Bradley–Terry, 95% bootstrap intervals`),
    h('p', { class: 'meta' }, `${lb.matches} rated matches · anchor ${lb.anchor || '—'} = 0 · ${lb.bootstrap} resamples`),
    h('div', { id: 'lb-chart' }, intervalBars(bt.map((r) => ({ label: r.name, value: r.elo, low: r.low, high: r.high, href: `#/player/${r.player_id}`,
      note: `${r.games} games`, mark: r.player_id === meId })))),
    h('table', { class: 'data', id: 'lb-table' },
      h('thead', {}, h('tr', {}, ['#', 'player', 'kind', 'Elo (BT)', '95% interval', 'games', 'live Glicko-2', '±',
        ...(withExpl ? ['exploitability (chips/hand)'] : [])].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, bt.map((r, i) => h('tr', { class: r.player_id === meId ? 'me' : null, 'data-player': r.player_id },
        h('td', {}, i + 1), h('td', {}, h('a', { href: `#/player/${r.player_id}` }, r.name)), h('td', {}, r.kind),
        h('td', { class: 'num' }, fmtElo(r.elo)), h('td', { class: 'num' }, `${fmtElo(r.low)} – ${fmtElo(r.high)}`),
        h('td', { class: 'num' }, r.games), h('td', { class: 'num' }, fmtElo(r.live?.elo)),
        h('td', { class: 'num' }, r.live ? `${fmtElo(2 * r.live.deviation)}${r.live.provisional ? ' (provisional)' : ''}` : ''),
        withExpl ? h('td', { class: 'num lb-expl', title: r.exploitability ? `computed ${r.exploitability.computed_at}` : null },
          fmtExpl(r.exploitability)) : null)))),
    lb.live.length ? h('p', { class: 'meta' }, `Live ratings last updated ${fmtTime(lb.live.map((r) => r.updated_at).sort().at(-1))}.`) : '',
    ...(mine.matches.length ? [h('h2', {}, `Your matches (${ws.lastPlayer.name})`),
      h('ul', { class: 'match-list', id: 'lb-my-matches' }, mine.matches.map(matchItem))] : []),
    h('h2', {}, 'Recent matches'),
    h('ul', { class: 'match-list', id: 'lb-matches' }, recentOfGame.matches.map(matchItem)),
    h('p', {}, h('a', { href: `#/matches?game=${encodeURIComponent(current)}` }, `All matches of ${current}`)));
}
