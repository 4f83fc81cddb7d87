// The cross-game generalization report (GET /api/reports/generalization): per rating group,
// the anchors and each run column (shared, specialist, transfer, scratch) as interval bars.

import { h, api } from '../util.js';
import { intervalBars } from '../charts.js';

export async function render(root) {
  root.append(h('h1', {}, 'Generalization'), h('p', { class: 'meta', id: 'report-status' }, 'Fitting ratings…'));
  const r = await api('/api/reports/generalization');
  root.querySelector('#report-status').textContent =
    `Bradley–Terry Elo with 95% bootstrap intervals (${r.bootstrap} resamples), random = 0 in each game. Columns: ${r.columns.join(', ')}.`;
  if (r.groups.length === 0) root.append(h('p', { class: 'empty', id: 'report-empty' }, 'No training runs have rated checkpoints yet.'));
  for (const g of r.groups) {
    const rows = [
      ...g.anchors.map((a) => ({ label: `anchor: ${a.player}`, value: a.elo, low: a.low, high: a.high, note: `${a.games} games` })),
      ...r.columns.flatMap((col) => (g.columns?.[col] ?? []).map((c) => ({ label: `${col}: ${c.run}`, value: c.elo, low: c.low, high: c.high, note: `step ${c.step}, ${c.games} games` }))),
    ];
    root.append(h('section', { class: 'report-group' }, h('h2', {}, g.rating_group), h('p', { class: 'meta' }, `${g.matches} matches · anchor ${g.anchor}`), intervalBars(rows)));
  }
  if (r.runs.length) {
    const keys = ['name', 'kind', 'games', 'init_from', 'frozen_trunk', 'budget_steps', 'steps', 'device'];
    root.append(h('h2', {}, 'Training runs'), h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, keys.map((k) => h('th', { scope: 'col' }, k)))),
      h('tbody', {}, r.runs.map((run) => h('tr', {}, keys.map((k) => h('td', {}, Array.isArray(run[k]) ? run[k].join(', ') : String(run[k] ?? ''))))))));
  }
}
