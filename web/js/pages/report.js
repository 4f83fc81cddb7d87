// The cross-game generalization report (GET /api/reports/generalization): per rating group,
// the anchors and each run column (shared, specialist, transfer, scratch) as interval bars;
// the step-scorer report (GET /api/reports/steps): per game and difficulty, the AUC of each
// checkpoint's value as a judge of puzzle steps, as bars with 95% whiskers; each run's
// training metrics by learner step (GET /api/reports/training); and the figures the runs'
// experiments drew (GET /api/reports/figures), shown as images; and the shared agent, with
// the promotion gates of `arena serve --learn` (GET /api/reports/shared).

import { h, api, ApiError } from '../util.js';
import { intervalBars, lineChart, probabilityBars, timeChart } from '../charts.js';

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
  await renderShared(root);
  await renderSteps(root);
  await renderTraining(root);
  await renderFigures(root);
}

// A section of what the runs folder holds, appended to `root`; with no `items`, it says
// `empty` and gives null.
function runsSection(root, id, title, items, empty) {
  const section = h('section', { class: 'report-group', id }, h('h1', {}, title));
  root.append(section);
  if (items.length) return section;
  section.append(h('p', { class: 'empty' }, empty));
  return null;
}

// Per run, by learner step: each game's policy and value losses, then its policy's KL to
// the search's and its entropy (what arena train wrote to <run>/metrics.jsonl).
async function renderTraining(root) {
  const { runs } = await api('/api/reports/training');
  const section = runsSection(root, 'training', 'Training', runs,
    'No run has written metrics yet (arena train writes <runs>/<run>/metrics.jsonl).');
  if (!section) return;
  const options = (label) => ({ label, xText: (x) => `step ${Math.round(x)}`, yText: (v) => v.toFixed(3), minSpan: 1e-6, yPad: 0.1 });
  for (const run of runs) {
    const games = [...new Set(run.points.flatMap((p) => Object.keys(p.per_game ?? {})))];
    const series = (metric, what) => games.map((g) => ({
      name: `${g}: ${what}`,
      points: run.points.filter((p) => Number.isFinite(p.per_game?.[g]?.[metric])).map((p) => ({ x: p.step, y: p.per_game[g][metric] })),
    })).filter((se) => se.points.length > 0);
    const last = run.points[run.points.length - 1] ?? {};
    section.append(h('h2', {}, run.run),
      h('p', { class: 'meta' }, `${run.lines} progress lines; step ${last.step ?? 0} after ${Math.round((last.elapsed_s ?? 0) / 60)} min, ` +
        `${Math.round(last.positions_per_s ?? 0)} self-play positions/s`),
      lineChart([...series('policy_loss', 'policy loss'), ...series('value_loss', 'value loss')], options('losses by learner step')),
      lineChart([...series('policy_kl', 'policy KL'), ...series('policy_entropy', 'policy entropy')], options('policy KL and entropy by learner step')));
  }
}

// Which checkpoint the shared agent is now; the learning run's gates (score by learner step, a
// table), and each shared agent's live rating per game, placed at the time it was promoted
// (the checkpoint the run started from at its first gate's).
async function renderShared(root) {
  const r = await api('/api/reports/shared');
  const section = h('section', { class: 'report-group', id: 'shared' }, h('h1', {}, 'The shared agent'),
    h('p', { class: 'meta', id: 'shared-now' }, r.shared ? `The shared agent is ${r.shared}.` : 'There is no shared agent.'));
  root.append(section);
  if (r.gates.length === 0) {
    section.append(h('p', { class: 'empty' }, 'No learning run has gated a checkpoint yet (arena serve --learn).'));
    return;
  }
  const last = r.gates[r.gates.length - 1];
  section.append(h('p', { class: 'meta' }, `Run ${r.run}, from ${r.start?.player ?? 'its first checkpoint'}: a checkpoint ` +
    `becomes the shared agent when it scores ${last.gate_score} or more against it (a win 1, a draw 0.5).`),
  lineChart([{ name: 'gate score', points: r.gates.map((g) => ({ x: g.step, y: g.score })) }],
    { label: 'gate score by learner step', xText: (x) => `step ${Math.round(x)}`, yText: (v) => v.toFixed(2), minSpan: 0.1, yPad: 0.05 }));
  const shared = [...(r.start ? [{ ...r.start, at: r.gates[0].at }] : []), ...r.gates.filter((g) => g.promoted)];
  const games = [...new Set(shared.flatMap((p) => p.ratings.map((x) => x.game)))];
  const series = games.map((game) => ({
    name: game,
    points: shared.flatMap((p) => p.ratings.filter((x) => x.game === game)
      .map((x) => ({ t: new Date(p.at), y: x.elo, lo: x.elo - 2 * x.deviation, hi: x.elo + 2 * x.deviation }))),
  }));
  section.append(h('h2', {}, 'Ratings of the shared agents, by promotion'), timeChart(series),
    h('table', { class: 'data', id: 'shared-gates' },
      h('thead', {}, h('tr', {}, ['step', 'checkpoint', 'score', 'matches', 'promoted', 'at'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, [...r.gates].reverse().map((g) => h('tr', {},
        h('td', { class: 'num' }, g.step), h('td', {}, g.player), h('td', { class: 'num' }, g.score.toFixed(3)),
        h('td', { class: 'num' }, g.matches), h('td', {}, g.promoted ? 'yes' : 'no'), h('td', {}, g.at))))));
}

// Each SVG as an image (an <img> runs no script the file may hold), with its run and name.
async function renderFigures(root) {
  const { figures } = await api('/api/reports/figures');
  const section = runsSection(root, 'figures', 'Figures from the runs', figures,
    'No run has drawn a figure yet (an experiment writes <runs>/<run>/*.svg).');
  if (!section) return;
  for (const f of figures) {
    section.append(h('figure', { class: 'run-figure' },
      f.svg ? h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(f.svg)}`, alt: `${f.run}: ${f.name}` })
        : h('p', { class: 'empty' }, `${f.name} is too large to show here (${f.bytes} bytes).`),
      h('figcaption', {}, `${f.run} / ${f.name}`)));
  }
}

// Whatever games and difficulties the file lists, in its order; one chart per game for the
// AUC over every step and one for the AUC among the steps tried at one position.
async function renderSteps(root) {
  const section = h('section', { class: 'report-group', id: 'steps-report' }, h('h1', {}, 'Steps: the value head as a process reward'));
  root.append(section);
  let r;
  try {
    r = await api('/api/reports/steps');
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    section.append(h('p', { class: 'empty', id: 'steps-empty' }, e.message));
    return;
  }
  const scorers = r.scorers ?? [];
  section.append(h('p', { class: 'meta', id: 'steps-status' },
    `Run ${r.run}: AUC of the network's value after a step for "this step is on a solution path" (the exact verifier), ` +
    `${r.problems} held-out problems per difficulty, the solver's path and ${r.random_paths} random paths each; ` +
    `95% intervals from ${r.bootstrap} bootstrap resamples of the problems; 0.5 is chance.`));
  const games = [];
  for (const sc of scorers) for (const row of sc.rows) if (!games.includes(row.game)) games.push(row.game);
  const names = scorers.map((sc) => sc.scorer);
  for (const game of games) {
    const difficulties = [];
    for (const sc of scorers) for (const row of sc.rows) if (row.game === game && !difficulties.includes(row.difficulty)) difficulties.push(row.difficulty);
    const groupsOf = (pick) => difficulties.map((d) => ({
      label: d,
      bars: scorers.map((sc) => {
        const row = sc.rows.find((x) => x.game === game && x.difficulty === d);
        return row ? pick(row) : null;
      }),
    }));
    const all = groupsOf((row) => ({ value: row.auc, low: row.low, high: row.high, note: `${row.positive_steps} positive, ${row.negative_steps} negative steps` }));
    const within = groupsOf((row) => ({ value: row.within_position.auc, low: row.within_position.low, high: row.within_position.high,
      note: `${row.within_position.positions} positions with both kinds of step` }));
    section.append(h('h2', {}, game),
      h('p', { class: 'meta' }, 'Every scored step against every other:'), probabilityBars(all, names),
      h('p', { class: 'meta' }, 'Only steps tried at the same position (what a search choosing a step sees):'), probabilityBars(within, names));
  }
}
