// Browser tests of the web UI (issue 7): a real `arena serve` on an ephemeral port, driven
// by Debian's chromium headless through playwright-core. Run from the repository root:
//   ARENA_BINARY=build/arena node --test tests/web/ui.test.mjs   (or: npm run test:web)
// Env: ARENA_BINARY (default build/arena), CHROMIUM (default /usr/bin/chromium),
// ARENA_ARTIFACTS (screenshots; default build/web-artifacts). Shared pieces: harness.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as harness from './harness.mjs';

let server;
let context;       // the main browser profile: a guest, later a named person
let otherBrowser;  // a second browser (its own cookies) for seeks and signing in elsewhere
let other;
let base;
let dir;
const consoleErrors = [];  // "page: message" for every console error or uncaught exception
const person = {};         // the name chosen in the main profile: {name, token, id}

// The step report the server finds in its runs folder (what `arena report steps --out` writes):
// two scorers over two difficulties of one game, one AUC undefined (no bar is drawn for it).
const stepRow = (difficulty, auc, within) => ({
  game: 'game24', difficulty, problems: 4, positions: 9, positive_steps: auc === null ? 0 : 5, negative_steps: 30,
  auc, low: auc === null ? null : auc - 0.1, high: auc === null ? null : Math.min(1, auc + 0.1),
  within_position: { auc: within, low: within - 0.1, high: within + 0.1, positive: 4, negative: 20, positions: 3 },
  terminal_steps_skipped: 12, neutral_steps_skipped: 0, bootstrap: 100,
});
const stepReport = {
  report: 'steps', problems: 4, random_paths: 2, seed: 1, bootstrap: 100,
  scorers: [
    { scorer: 'nn:demo@100', checkpoint: 'x.pt', rows: [stepRow('rank 1-340', 0.8, 0.7), stepRow('rank 341-681', 0.75, 0.65)] },
    { scorer: 'nn:demo@0', checkpoint: 'y.pt', rows: [stepRow('rank 1-340', 0.5, 0.45), stepRow('rank 341-681', null, 0.5)] },
  ],
};

before(async () => {
  dir = harness.makeTempDir();
  mkdirSync(join(dir, 'runs', 'demo'), { recursive: true });
  writeFileSync(join(dir, 'runs', 'demo', 'step_auc.json'), JSON.stringify(stepReport));
  // Three progress lines of arena train's metrics (two games), then a line cut short.
  const metric = (step, loss) => JSON.stringify({ step, elapsed_s: step, positions_per_s: 50, learning_rate: 1e-3, per_game: {
    kuhn_poker: { policy_loss: loss, value_loss: loss / 2, policy_entropy: 0.6, policy_kl: loss / 4 },
    game24: { policy_loss: 2 * loss, value_loss: loss, policy_entropy: 1.5, policy_kl: loss / 3 } } });
  writeFileSync(join(dir, 'runs', 'demo', 'metrics.jsonl'), [metric(10, 1.2), metric(20, 0.9), metric(30, 0.7), '{"step": 4'].join('\n'));
  // Two promotion gates of arena serve --learn: one promoted, one kept (their checkpoints
  // are not players of this server's database: no ratings).
  const gate = (step, score, promoted) => JSON.stringify({ at: `2026-12-01T10:0${step / 100}:00Z`, step, player: `nn:demo@${step}`,
    previous: 'nn:demo@0', score, matches: 40, failed: 0, promoted, gate_score: 0.55, per_game: { kuhn_poker: score } });
  writeFileSync(join(dir, 'runs', 'demo', 'promotions.jsonl'), [gate(100, 0.6, true), gate(200, 0.5, false), 'not json'].join('\n'));
  writeFileSync(join(dir, 'runs', 'demo', 'curve.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#cde"/></svg>');
  // House matches in the three games the pages below look for (a random chess game would
  // hold a slot for about 45 s).
  server = harness.startServer(dir, [...harness.HOUSE_ARGS, '--house-games', 'go(size=9);kuhn_poker;game24',
                                     '--runs', join(dir, 'runs')]);
  base = await server.url;
  context = await harness.launchContext(dir);
  otherBrowser = await harness.launchBrowser();
  other = await otherBrowser.newContext({ viewport: { width: 1000, height: 800 } });
  other.setDefaultTimeout(15000);
});

after(async () => {
  await context?.close();
  await otherBrowser?.close();
  server?.child.kill('SIGTERM');
  harness.removeDir(dir);
});

// A new tab (in the main profile, or `ctx`) that records console errors and page
// exceptions under `name`, accepts dialogs.
const newPage = (name, ctx = context) => harness.newPage(ctx, name, consoleErrors);
const shot = harness.shot;
const api = (path) => harness.getJson(base, path);
const sleep = harness.sleep;

// GET /api/me as the page's browser (its cookies).
const meIn = (page) => page.evaluate(() => fetch('/api/me').then((r) => r.json()));

// Presses Tab until the focused element matches `selector` (keyboard only).
async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

// The stones drawn in a Go board as "black@c,r" / "white@c,r", sorted.
const drawnStones = (page, sel) => page.$$eval(sel, (els) => els.map((e) => {
  const svg = e.ownerSVGElement;
  const n = Number(svg.getAttribute('aria-label').match(/(\d+)×/)[1]);
  const size = Number(svg.getAttribute('viewBox').split(' ')[2]);
  const pad = (size - 30 * (n - 1)) / 2;
  const col = Math.round((Number(e.getAttribute('cx')) - pad) / 30);
  const row = Math.round((Number(e.getAttribute('cy')) - pad) / 30);
  return `${e.classList.contains('black') ? 'black' : 'white'}@${col},${row}`;
}).sort());

// The stones of a Go view's board rows ("X.O..", top row first), in drawnStones' form.
const viewStones = (view) => {
  const v = view?.state && typeof view.state === 'object' && 'game' in view ? view.state : view;
  return v.board.flatMap((row, r) => [...row].flatMap((ch, c) => (ch === 'X' ? [`black@${c},${r}`] : ch === 'O' ? [`white@${c},${r}`] : []))).sort();
};

// Challenges the house random agent from the lobby's form; resolves the match id.
async function startFromLobby(page, game) {
  await page.goto(`${base}/#/`);
  await page.selectOption('#play-game', game);
  await page.waitForSelector('#play-agent option[value="random"]', { state: 'attached' });
  await page.selectOption('#play-agent', 'random');
  await page.selectOption('#play-tc', 'untimed');
  await page.click('#play-start');
  await page.waitForURL(/#\/match\/\d+$/);
  return Number(page.url().match(/#\/match\/(\d+)$/)[1]);
}

// Plays the match in `page` to its end: `move(page)` makes one move by clicking when the
// board offers one. Returns the number of moves made.
async function playToEnd(page, move, limit = 80, hook = null) {
  let made = 0;
  for (let i = 0; i < 400; i++) {
    if (await page.locator('#result:not([hidden])').count()) return made;
    const acted = await move(page).catch(() => false);  // the board may redraw under the click
    if (acted) {
      made++;
      if (hook) await hook(made);
    } else await page.waitForTimeout(50);
    assert.ok(made <= limit, `more than ${limit} moves`);
  }
  throw new Error('the match did not end');
}

// Waits until the board draws a state after `ply` (or the match ends).
const plyAfter = (page, ply) => page.waitForFunction(
  (p) => Number(document.querySelector('#board')?.dataset.ply) > p || !!document.querySelector('#result:not([hidden])'),
  ply, { timeout: 5000 });
const boardPly = async (page) => Number(await page.getAttribute('#board', 'data-ply'));

const kuhnMove = async (page) => {
  const b = page.locator('#board .actions button').first();
  if (!(await b.count())) return false;
  const ply = await boardPly(page);
  await b.click({ timeout: 1000 });
  await plyAfter(page, ply);
  return true;
};

const game24Move = async (page) => {
  const first = page.locator('#board .tile.legal:not([disabled])').first();
  if (!(await first.count())) return false;
  await first.click({ timeout: 1000 });
  await page.locator('#board .op.legal:not([disabled])').first().click({ timeout: 1000 });
  const second = page.locator('#board .tile.legal:not([disabled]):not(.picked)').first();
  const ply = await boardPly(page);
  await second.click({ timeout: 1000 });
  await plyAfter(page, ply);
  return true;
};

const goMove = async (page) => {
  const targets = page.locator('#board .go-target');
  const n = await targets.count();
  const ply = await boardPly(page);
  const pass = page.locator('#board button[data-action="pass"]');
  if (n) await targets.nth(Math.floor(Math.random() * n)).click({ timeout: 1000 });
  else if (await pass.count()) await pass.click({ timeout: 1000 });  // no point left to play
  else return false;
  await plyAfter(page, ply);
  return true;
};

test('the lobby lists live house matches with small boards and the games', async () => {
  const page = await newPage('lobby');
  await page.goto(`${base}/`);
  await page.waitForSelector('#live-matches .live-card .mini svg, #live-matches .live-card .mini .g24, #live-matches .live-card .mini .kuhn');
  const games = await page.locator('.games li').allTextContents();
  for (const g of ['go', 'kuhn_poker', 'game24']) assert.ok(games.some((t) => t.startsWith(g)), `games list has ${g}`);
  await page.waitForFunction(() => /^guest-/.test(document.querySelector('#me-name')?.textContent ?? ''));
  assert.equal(await page.textContent('#conn'), 'online');
  assert.equal((await meIn(page)).guest, true);
  // A guest plays unrated: the rated box is off and says why.
  assert.equal(await page.isChecked('#play-rated'), false);
  assert.equal(await page.isDisabled('#play-rated'), true);
  assert.match(await page.textContent('#rated-note'), /guests play unrated/);
  await page.waitForSelector('#open-seeks li');
  await shot(page, 'lobby');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'lobby-phone');
  await page.close();
});

test('Kuhn poker against the house random agent, played to the end by clicking, then replay, player page, leaderboard', async () => {
  const page = await newPage('kuhn');
  const id = await startFromLobby(page, 'kuhn_poker');
  await page.waitForSelector('#board .kuhn');
  assert.match(await page.textContent('#role'), /You play/);
  // Our card is shown, the opponent's is hidden until a showdown.
  assert.equal(await page.locator('#board .card[aria-label="hidden card"]').count(), 1);
  const moves = await playToEnd(page, kuhnMove, 3);
  assert.ok(moves >= 1);
  const headline = await page.textContent('#result h2');
  assert.match(headline, /You won|You lost|Draw/);
  await shot(page, 'play-kuhn');
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  assert.equal(stored.moves.filter((m) => m.seat >= 0 && stored.seats[m.seat].kind === 'human').length, moves);
  assert.equal(stored.rated, false, 'a guest plays unrated');
  const me = stored.seats.find((s) => s.kind === 'human');

  // The replay draws the server's views (GET /api/matches/<id>/views), as our seat saw them.
  const viewsAsked = page.waitForResponse((r) => r.url().includes(`/api/matches/${id}/views?viewer=${me.seat}`));
  await page.click('#to-replay');
  await viewsAsked;
  await page.waitForSelector('#replay-board .kuhn');
  assert.match(await page.textContent('#replay-pos'), new RegExp(`ply ${stored.moves.length} of ${stored.moves.length}`));
  assert.equal(await page.inputValue('#replay-viewer'), String(me.seat));
  await page.click('#replay-first');
  assert.match(await page.textContent('#replay-pos'), /ply 0 of/);
  const hidden = () => page.locator('#replay-board .card[aria-label="hidden card"]').count();
  assert.equal(await hidden(), 2);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');  // both cards dealt: ours shows, the other's does not
  assert.equal(await hidden(), 1);
  // Seen by a spectator, both cards stay hidden until a showdown.
  await page.selectOption('#replay-viewer', 'spectator');
  await page.waitForFunction(() => document.querySelectorAll('#replay-board .card[aria-label="hidden card"]').length === 2);
  assert.match(await page.textContent('#replay-pos'), /ply 2 of/);
  assert.match(page.url(), /viewer=spectator/);
  const spectatorViews = await api(`/api/matches/${id}/views`);
  assert.equal(spectatorViews.views.length, stored.moves.length + 1);
  const href = await page.getAttribute('#export-link', 'href');
  const exported = await (await fetch(base + href)).text();
  assert.match(exported, /Kuhn poker hand/);
  await shot(page, 'replay-kuhn');

  // The guest's own page lists the match; the leaderboard shows the house agent's rating.
  await page.goto(`${base}/#/player/${me.player_id}`);
  await page.waitForSelector(`#player-matches a[href="#/replay/${id}"]`);
  await shot(page, 'player-guest');
  // Guests play unrated, so the match is in the leaderboard page's recent matches, not
  // in its ratings; the ratings drawn are the server's fit, row for row.
  await page.goto(`${base}/#/leaderboard?game=kuhn_poker`);
  await page.waitForSelector(`#lb-matches a[href="#/replay/${id}"]`);
  const lb = await api('/api/leaderboard?game=kuhn_poker');
  assert.equal(await page.locator('#lb-table tbody tr').count(), lb.bradley_terry.length);
  assert.equal(await page.locator('#lb-chart svg .bar-row').count(), lb.bradley_terry.length);
  await shot(page, 'leaderboard-kuhn');
  await page.close();
});

test('a timed Kuhn poker match: the clock runs, a bad move gets a clear error, resign ends it', async () => {
  const page = await newPage('kuhn-timed');
  await page.goto(`${base}/#/`);
  await page.selectOption('#play-game', 'kuhn_poker');
  await page.selectOption('#play-tc', '60+1');
  await page.click('#play-start');
  await page.waitForURL(/#\/match\/\d+$/);
  const id = Number(page.url().match(/#\/match\/(\d+)$/)[1]);
  await page.waitForSelector('#board .actions button');
  const mine = page.locator('.seat-bar.me .clock');
  const before = await mine.textContent();
  assert.match(before, /\d:\d\d/);
  await page.waitForFunction((b) => document.querySelector('.seat-bar.me .clock')?.textContent !== b, before, { timeout: 3000 });
  // A move the game does not allow, sent as the page sends moves: the server's message is shown.
  const ply = await boardPly(page);
  await page.evaluate(([m, p]) => window.arenaSocket.send({ type: 'move', match_id: m, ply: p, action: 'raise 300' }), [id, ply]);
  await page.waitForSelector('#toast:not([hidden])');
  assert.match(await page.textContent('#toast'), /illegal_action: .*raise 300/);
  await page.click('#resign');
  await page.waitForSelector('#result:not([hidden])');
  assert.match(await page.textContent('#result'), /resign/);
  assert.match(await page.textContent('#result h2'), /You lost/);
  await shot(page, 'play-kuhn-resigned');
  assert.equal((await api(`/api/matches/${id}`)).termination, 'resign');
  await page.close();
});

test('the 24 game, played to the end by clicking numbers and operators', async () => {
  const page = await newPage('game24');
  const id = await startFromLobby(page, 'game24');
  await page.waitForSelector('#board .g24 .tile');
  assert.equal(await page.locator('#board .tile').count(), 4);
  const moves = await playToEnd(page, game24Move, 3);
  assert.equal(moves, 3);
  assert.match(await page.textContent('#result h2'), /Solved!|Not solved/);
  assert.equal(await page.locator('#board .g24-steps li').count(), 3);
  await shot(page, 'play-game24');
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  await page.click('#to-replay');
  await page.waitForSelector('#replay-board .g24');
  await page.click('#replay-prev');
  assert.equal(await page.locator('#replay-board .tile').count(), 2);
  await page.close();
});

test('Go 5x5 against the house random agent: clicks, a dropped connection, the end', async () => {
  const page = await newPage('go');
  const id = await startFromLobby(page, 'go(size=5)');
  await page.waitForSelector('#board svg.board.go');
  let dropped = false;
  const moves = await playToEnd(page, goMove, 40, async (made) => {
    if (made === 2 && !dropped) {
      dropped = true;
      // Drop the socket: the page must reconnect, resync and let us go on in the same match.
      await page.evaluate(() => window.arenaSocket.drop());
      await page.waitForFunction(() => document.querySelector('#conn')?.dataset.state === 'online');
    }
  });
  assert.ok(dropped, 'the connection was dropped mid-game');
  assert.ok(moves >= 3, `made ${moves} moves`);
  await shot(page, 'play-go');
  const finalBoard = await drawnStones(page, '#board .stone');  // the last live state's view
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  assert.notEqual(stored.termination, 'disconnect');
  const served = await api(`/api/matches/${id}/views?viewer=spectator`);
  assert.equal(served.views.length, stored.moves.length + 1);
  assert.deepEqual(viewStones(served.views.at(-1)), finalBoard, 'the server\'s final view is the final live board');
  const viewsAsked = page.waitForResponse((r) => r.url().includes(`/api/matches/${id}/views`));
  await page.click('#to-replay');
  await viewsAsked;
  await page.waitForSelector('#replay-board svg.board.go');
  await page.click('#replay-first');
  assert.equal(await page.locator('#replay-board .stone').count(), 0);
  assert.deepEqual(await drawnStones(page, '#replay-board .stone'), viewStones(served.views[0]));
  await page.click('#replay-last');
  assert.ok(await page.locator('#replay-board .stone').count() > 0);
  assert.deepEqual(await drawnStones(page, '#replay-board .stone'), viewStones(served.views.at(-1)), 'the replay draws the server\'s final view');
  // Step back and forth: every position drawn is the server's view of that step.
  await page.click('#replay-prev');
  assert.deepEqual(await drawnStones(page, '#replay-board .stone'), viewStones(served.views.at(-2)));
  await shot(page, 'replay-go');
  await page.close();
});

test('a spectator sees the moves of a live house match arrive', async () => {
  const page = await newPage('spectate');
  let live;
  for (let i = 0; i < 100 && !live; i++) {
    live = (await api('/api/matches?status=active')).matches.find((m) => m.game.startsWith('go'));
    if (!live) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(live, 'a live Go house match');
  await page.goto(`${base}/#/match/${live.id}`);
  await page.waitForSelector('#board svg.board.go');
  assert.match(await page.textContent('#role'), /watching/);
  const first = await page.textContent('#last-move');
  await page.waitForFunction((t) => document.querySelector('#last-move')?.textContent !== t, first);
  assert.equal(await page.locator('#resign:not([hidden])').count(), 0);
  assert.equal(await page.locator('#board .go-target').count(), 0);
  await shot(page, 'spectate-go');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'spectate-go-phone');
  await page.close();
});

test('the matches, player, generalization and bots pages load; a bot registers from the form', async () => {
  const page = await newPage('pages');
  await page.goto(`${base}/#/matches`);
  await page.waitForSelector('#match-table tbody tr');
  await shot(page, 'matches');
  // A finished rated match that moved a rating: the house agent "random" playing itself
  // changes none, so it is one against another player or a puzzle (the 24 game).
  let rated, seat;
  for (let i = 0; i < 100 && !rated; i++) {
    for (const m of (await api('/api/matches?status=finished&limit=50')).matches.filter((m) => m.rated)) {
      const record = await api(`/api/matches/${m.id}`);
      if (record.puzzle_player_id !== null || new Set(record.seats.map((s) => s.player_id)).size > 1) {
        [rated, seat] = [m, record.seats[0]];
        break;
      }
    }
    if (!rated) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(rated, 'a finished rated house match that moved a rating');
  let rec;  // the rating update is stored a moment after the match ends
  for (let i = 0; i < 100 && !(rec?.ratings?.length && Object.keys(rec.history ?? {}).length); i++) {
    rec = await api(`/api/players/${seat.player_id}`);
    if (!rec.ratings?.length) await new Promise((r) => setTimeout(r, 100));
  }
  await page.goto(`${base}/#/player/${seat.player_id}`);  // a house player, rated in that match
  await page.waitForSelector('#player-history');
  assert.ok(rec.ratings.length >= 1);
  assert.ok((await page.locator('#player-ratings tbody tr').count()) >= rec.ratings.length);
  assert.ok((await page.locator('#player-history svg .path').count()) >= Object.keys(rec.history).length);
  await shot(page, 'player-random');
  await page.goto(`${base}/#/leaderboard?game=${encodeURIComponent(rated.rating_group)}`);
  await page.waitForSelector('#lb-chart svg .bar-row');
  const fit = await api(`/api/leaderboard?game=${encodeURIComponent(rated.rating_group)}`);
  assert.equal(await page.locator('#lb-chart svg .bar-row').count(), fit.bradley_terry.length);
  assert.ok(fit.bradley_terry.length >= 1);
  await shot(page, 'leaderboard-house');
  await page.goto(`${base}/#/report`);
  await page.waitForFunction(() => !/Fitting/.test(document.querySelector('#report-status')?.textContent ?? 'Fitting'));
  // The shared agent: the gates, newest first, and their scores by step.
  await page.waitForSelector('#shared-gates tbody tr');
  assert.match(await page.textContent('#shared .meta:nth-of-type(2)'), /^Run demo, from nn:demo@0: /);
  assert.deepEqual(await page.locator('#shared-gates tbody tr td:nth-child(2)').allTextContents(), ['nn:demo@200', 'nn:demo@100']);
  assert.deepEqual(await page.locator('#shared-gates tbody tr td:nth-child(5)').allTextContents(), ['no', 'yes']);
  assert.equal(await page.locator('#shared svg.chart').first().locator('circle').count(), 2);
  // The step report: per chart (every step; steps at one position) a bar for each defined AUC.
  await page.waitForSelector('#steps-report svg .prob-bar');
  assert.match(await page.textContent('#steps-status'), /Run demo/);
  assert.equal(await page.locator('#steps-report svg').count(), 2);
  assert.equal(await page.locator('#steps-report svg .prob-bar').count(), 3 + 4);
  assert.equal(await page.locator('#steps-report .legend li').first().textContent(), 'nn:demo@100');
  // The training metrics: per run a chart of losses and one of KL and entropy, a line per
  // game and metric, a point per progress line.
  await page.waitForSelector('#training svg.chart');
  assert.equal(await page.locator('#training h2').first().textContent(), 'demo');
  assert.match(await page.textContent('#training .meta'), /^3 progress lines; step 30/);
  assert.equal(await page.locator('#training svg.chart').count(), 2);
  assert.equal(await page.locator('#training svg.chart').first().locator('polyline').count(), 4);
  assert.equal(await page.locator('#training svg.chart').first().locator('circle').count(), 12);
  assert.equal(await page.locator('#training .legend').first().locator('li').first().textContent(), 'game24: policy loss');
  // The runs' figures, as images that load.
  await page.waitForSelector('#figures figure img');
  assert.equal(await page.textContent('#figures figcaption'), 'demo / curve.svg');
  assert.equal(await page.$eval('#figures figure img', (img) => img.complete && img.naturalWidth), 200);
  await shot(page, 'report');
  await page.goto(`${base}/#/bots`);
  const name = `ui-bot-${Date.now() % 100000}`;
  await page.fill('#bot-name', name);
  await page.click('.bot-form button');
  await page.waitForSelector('#bot-token pre.token');
  assert.match(await page.textContent('#bot-token pre.token'), /^[0-9a-f]{16,}$/);
  await shot(page, 'bots');
  await page.close();
  // The same name again: a clear error on the page. Chromium logs the 409 response as a
  // console error, so this page's log is checked for exactly that and nothing else.
  const again = await context.newPage();
  const logged = [];
  again.on('console', (msg) => { if (msg.type() === 'error') logged.push(msg.text()); });
  again.on('pageerror', (err) => logged.push(err.message));
  await again.goto(`${base}/#/bots`);
  await again.fill('#bot-name', name);
  await again.click('.bot-form button');
  await again.waitForSelector('#bot-token .error');
  assert.match(await again.textContent('#bot-token .error'), /name/i);
  assert.ok(logged.every((m) => /status of 409/.test(m)), logged.join('\n'));
  await again.close();
});

test('the play form offers the house agents GET /api/games lists for each game', async () => {
  const games = await api('/api/games');
  const page = await newPage('opponents');
  await page.goto(`${base}/#/`);
  await page.waitForSelector('#play-game');
  const label = (spec) => (spec === 'random' ? 'Random (anchor)' : spec.startsWith('mcts') ? 'Rollout MCTS'
    : spec.startsWith('gtp:gnugo') ? 'GNU Go' : spec.startsWith('nn:') ? `Shared agent (${spec} latest checkpoint)` : spec);
  const choices = await page.$$eval('#play-game option', (os) => os.map((o) => o.value));
  assert.ok(choices.length >= games.length);
  for (const spec of choices) {
    await page.selectOption('#play-game', spec);
    const game = games.find((g) => g.name === spec.split('(')[0]);
    assert.ok(Array.isArray(game.opponents), `GET /api/games gives ${game.name}'s opponents`);
    const options = await page.$$eval('#play-agent option', (os) => os.map((o) => ({ value: o.value, text: o.textContent, disabled: o.disabled })));
    const enabled = options.filter((o) => !o.disabled);
    assert.deepEqual(enabled.map((o) => o.value), game.opponents, `opponents of ${spec}`);
    for (const o of enabled) assert.ok(o.text.startsWith(label(o.value)), `${o.value} is labelled ${o.text}`);
    const hasNet = game.opponents.some((o) => o.startsWith('nn:'));
    const placeholder = options.filter((o) => o.disabled);
    assert.equal(placeholder.length, hasNet ? 0 : 1);
    if (!hasNet) assert.match(placeholder[0].text, /Shared agent: no checkpoint yet \(arena train\)/);
    assert.equal(await page.inputValue('#play-agent'), game.opponents[0]);
  }
  await page.close();
});

test('keyboard only: from the lobby, Kuhn poker against random played to the end, then its replay', async () => {
  const page = await newPage('keyboard');
  await page.goto(`${base}/#/`);
  await page.waitForSelector('#play-game');
  await page.waitForFunction(() => document.querySelector('#conn')?.dataset.state === 'online');
  await tabTo(page, '#play-game');
  await page.keyboard.type('kuhn');  // a focused select picks the option typed
  assert.equal(await page.inputValue('#play-game'), 'kuhn_poker');
  await tabTo(page, '#play-agent');
  assert.equal(await page.inputValue('#play-agent'), 'random');
  await tabTo(page, '#play-tc');
  assert.equal(await page.inputValue('#play-tc'), 'untimed');
  await tabTo(page, '#play-start');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/match\/\d+$/);
  const id = Number(page.url().match(/#\/match\/(\d+)$/)[1]);
  await page.waitForSelector('#board .kuhn');
  let made = 0;
  for (let i = 0; i < 400 && !(await page.locator('#result:not([hidden])').count()); i++) {
    if (!(await page.locator('#board .actions button').count())) {
      await page.waitForTimeout(50);
      continue;
    }
    // When it is our move the first action has the focus (Tab gets there too); Enter plays it.
    await tabTo(page, '#board .actions button', 40);
    const ply = await boardPly(page);
    await page.keyboard.press(made % 2 ? 'Space' : 'Enter');
    made++;
    await plyAfter(page, ply);
    assert.ok(made <= 3, 'at most 3 moves of ours in Kuhn poker');
  }
  await page.waitForSelector('#result:not([hidden])');
  assert.ok(made >= 1);
  assert.match(await page.textContent('#result h2'), /You won|You lost|Draw/);
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  assert.equal(stored.moves.filter((m) => m.seat >= 0 && stored.seats[m.seat].kind === 'human').length, made);
  // The result has the focus; Tab reaches the replay link.
  await tabTo(page, '#to-replay', 5);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`#/replay/${id}`));
  await page.waitForSelector('#replay-board .kuhn');
  await page.keyboard.press('Home');
  assert.match(await page.textContent('#replay-pos'), /^ply 0 of/);
  await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('#replay-pos'), /^ply 1 of/);
  await page.keyboard.press('End');
  assert.match(await page.textContent('#replay-pos'), new RegExp(`^ply ${stored.moves.length} of`));
  await tabTo(page, '#replay-prev');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#replay-pos'), new RegExp(`^ply ${stored.moves.length - 1} of`));
  await shot(page, 'replay-keyboard');
  await page.close();
});

test('choose a name (keyboard), play a RATED Kuhn poker game by clicking: the leaderboard shows the person and the match', async () => {
  const page = await newPage('named');
  await page.goto(`${base}/#/`);
  await page.waitForFunction(() => /^guest-/.test(document.querySelector('#me-name')?.textContent ?? ''));
  await tabTo(page, '#me-summary');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#me-new-name', { state: 'visible' });
  await tabTo(page, '#me-new-name', 5);
  // A name the server would refuse is refused here first (no request, no console error).
  await page.keyboard.type('guest-me');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#me-out.error');
  assert.match(await page.textContent('#me-out'), /guest-/);
  person.name = `alice.${Date.now() % 1000000}`;
  await page.fill('#me-new-name', '');
  await page.keyboard.type(person.name);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#me-token-shown:not([hidden]) pre');
  person.token = (await page.textContent('#me-token-shown pre')).trim();
  assert.match(person.token, /^\S{16,}$/);
  assert.match(await page.textContent('#me-token-shown'), /keep it to sign in elsewhere/);
  await page.waitForFunction((n) => document.querySelector('#me-name')?.textContent === n, person.name);
  // The socket was reopened: its welcome names the person; the cookie is the session's.
  await page.waitForFunction((n) => window.arenaSocket.player?.name === n && window.arenaSocket.player?.guest === false, person.name);
  const me = await meIn(page);
  assert.deepEqual({ name: me.name, kind: me.kind, guest: me.guest }, { name: person.name, kind: 'human', guest: false });
  person.id = me.player_id;
  const cookies = await context.cookies(base);
  const session = cookies.find((c) => c.name === 'arena_session');
  assert.ok(session, 'the arena_session cookie is set');
  assert.equal(session.httpOnly, true);
  await shot(page, 'sign-in');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#me-panel').isVisible(), false);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('#me-summary');
  await shot(page, 'sign-in-phone');
  await page.click('#me-summary');
  await page.setViewportSize({ width: 1200, height: 900 });

  // Rated play: the form sends rated: true for a named person.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#conn')?.dataset.state === 'online');
  await page.waitForFunction(() => document.querySelector('#play-rated')?.checked === true);
  const id = await startFromLobby(page, 'kuhn_poker');
  await page.waitForSelector('#board .kuhn');
  assert.match(await page.textContent('#role'), new RegExp(`You play ${person.name.replace('.', '\\.')} .* rated\\.`));
  const moves = await playToEnd(page, kuhnMove, 3);
  assert.ok(moves >= 1);
  assert.match(await page.textContent('#result h2'), /You won|You lost|Draw/);
  await shot(page, 'play-kuhn-rated');
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  assert.equal(stored.rated, true);
  assert.ok(stored.seats.some((s) => s.player_id === person.id && s.name === person.name && s.kind === 'human'));

  // The rating update is stored a moment after the match ends.
  let lb;
  for (let i = 0; i < 100; i++) {
    lb = await api('/api/leaderboard?game=kuhn_poker');
    if (lb.bradley_terry.some((r) => r.player_id === person.id) && lb.live.some((r) => r.player_id === person.id)) break;
    await sleep(200);
  }
  assert.ok(lb.bradley_terry.some((r) => r.player_id === person.id), 'the person is in the Bradley–Terry fit');
  await page.goto(`${base}/#/leaderboard?game=kuhn_poker`);
  await page.waitForSelector('#lb-table tr.me');
  assert.equal(await page.textContent('#lb-table tr.me td:nth-child(2)'), person.name);
  assert.equal(await page.textContent('#lb-chart svg .bar-row.mark .bar-label'), person.name);
  assert.equal(await page.locator('#lb-chart svg .bar-row').count(), lb.bradley_terry.length);
  await page.waitForSelector(`#lb-my-matches a[href="#/replay/${id}"]`);
  assert.doesNotMatch(await page.textContent(`#lb-my-matches li[data-match="${id}"]`), /unrated/);
  await shot(page, 'leaderboard-named');
  await page.goto(`${base}/#/player/${person.id}`);
  await page.waitForSelector(`#player-matches a[href="#/replay/${id}"]`);
  assert.ok((await page.locator('#player-ratings tbody tr').allTextContents()).some((t) => t.startsWith('kuhn_poker')));
  await shot(page, 'player-named');
  await page.close();
});

test('a seek from one browser is listed in another browser\'s lobby and accepted there: both play the same match', async () => {
  assert.ok(person.name, 'the test before chose a name');
  const a = await newPage('seek-a');       // the named person
  const b = await newPage('seek-b', other);  // a guest in another browser
  await a.goto(`${base}/#/`);
  await b.goto(`${base}/#/`);
  await a.waitForFunction(() => document.querySelector('#play-rated')?.checked === true);
  await b.waitForFunction(() => /^guest-/.test(document.querySelector('#me-name')?.textContent ?? ''));
  await a.selectOption('#play-game', 'kuhn_poker');
  await a.selectOption('#play-tc', 'untimed');
  await a.click('#seek-start');
  await a.waitForSelector('#seek-status:has-text("Seeking")');
  // Our own seek: marked as ours, with a cancel.
  await a.waitForSelector('#open-seeks li.mine button.cancel');
  const rated = await a.getAttribute('#open-seeks li.mine', 'data-seek');
  const listed = (await api('/api/seeks')).seeks.find((sk) => String(sk.id) === rated);
  assert.deepEqual({ name: listed.name, games: listed.games, rated: listed.rated }, { name: person.name, games: ['kuhn_poker'], rated: true });
  // A guest cannot pair a rated seek: the page says so and disables the accept.
  await b.waitForSelector(`#open-seeks li[data-seek="${rated}"] button.accept[disabled]`);
  assert.match(await b.textContent(`#open-seeks li[data-seek="${rated}"]`), /guests can only pair unrated/);
  await shot(b, 'lobby-seeks-guest');
  await a.click('#open-seeks li.mine button.cancel');
  await b.waitForSelector(`#open-seeks li[data-seek="${rated}"]`, { state: 'detached', timeout: 10000 });
  assert.ok(!(await api('/api/seeks')).seeks.some((sk) => String(sk.id) === rated), 'the seek is cancelled');
  assert.equal(await a.textContent('#seek-start'), 'Seek a human or bot');

  // An unrated seek the guest accepts: the server pairs the equal seeks.
  await a.uncheck('#play-rated');
  await a.click('#seek-start');
  await a.waitForSelector('#open-seeks li.mine');
  const unrated = await a.getAttribute('#open-seeks li.mine', 'data-seek');
  assert.notEqual(unrated, rated);
  const accept = b.locator(`#open-seeks li[data-seek="${unrated}"] button.accept:not([disabled])`);
  await accept.waitFor();
  await shot(b, 'lobby-seeks');
  await accept.click();
  await Promise.all([a.waitForURL(/#\/match\/\d+$/), b.waitForURL(/#\/match\/\d+$/)]);
  const id = Number(a.url().match(/#\/match\/(\d+)$/)[1]);
  assert.equal(Number(b.url().match(/#\/match\/(\d+)$/)[1]), id, 'both land in the same match');
  await a.waitForSelector('#board .kuhn');
  await b.waitForSelector('#board .kuhn');
  assert.match(await a.textContent('#role'), /You play/);
  assert.match(await b.textContent('#role'), /You play guest-/);
  const m = await api(`/api/matches/${id}`);
  assert.equal(m.rated, false);
  assert.deepEqual(m.seats.map((s) => s.kind).sort(), ['human', 'human']);
  assert.ok(m.seats.some((s) => s.name === person.name));
  await a.waitForTimeout(300);
  assert.equal(await a.locator('#toast:not([hidden])').count(), 0, 'leaving the lobby after a pairing shows no error');
  await shot(a, 'match-seek');
  await b.click('#resign');
  await a.waitForSelector('#result:not([hidden])');
  await b.waitForSelector('#result:not([hidden])');
  assert.match(await a.textContent('#result h2'), /You won/);
  assert.match(await b.textContent('#result h2'), /You lost/);
  await a.close();
  await b.close();
});

test('sign in with the token on another browser, then sign out: back to a guest', async () => {
  assert.ok(person.token, 'a token from choosing a name');
  const b = await newPage('token-b', other);
  await b.goto(`${base}/#/`);
  await b.waitForFunction(() => /^guest-/.test(document.querySelector('#me-name')?.textContent ?? ''));
  const guestName = await b.textContent('#me-name');
  await b.click('#me-summary');
  await b.fill('#me-token', person.token);
  await b.click('#me-sign-in');
  await b.waitForFunction((n) => document.querySelector('#me-name')?.textContent === n, person.name);
  await b.waitForFunction((n) => window.arenaSocket.player?.name === n, person.name);
  assert.equal((await meIn(b)).player_id, person.id);
  assert.equal(await b.locator('#me-token-shown:not([hidden])').count(), 0, 'the token is not shown again');
  await b.waitForFunction(() => document.querySelector('#play-rated')?.checked === true && !document.querySelector('#play-rated').disabled);
  await b.click('#me-sign-out');
  await b.waitForFunction((n) => document.querySelector('#me-name')?.textContent === n, guestName);
  await b.waitForFunction(() => window.arenaSocket.player?.guest === true);
  assert.equal((await meIn(b)).guest, true);
  assert.ok(!(await other.cookies(base)).some((c) => c.name === 'arena_session' && c.value), 'the session cookie is cleared');
  await b.waitForFunction(() => document.querySelector('#play-rated')?.disabled === true);
  await b.close();

  // A wrong token: a clear message. Chromium logs the 401 response as a console error, so
  // this page's log is checked for exactly that and nothing else.
  const bad = await other.newPage();
  const logged = [];
  bad.on('console', (msg) => { if (msg.type() === 'error') logged.push(msg.text()); });
  bad.on('pageerror', (err) => logged.push(err.message));
  await bad.goto(`${base}/#/`);
  await bad.click('#me-summary');
  await bad.fill('#me-token', 'not-a-token');
  await bad.click('#me-sign-in');
  await bad.waitForSelector('#me-out.error');
  assert.match(await bad.textContent('#me-out'), /Unknown token/);
  assert.equal((await meIn(bad)).guest, true);
  assert.ok(logged.every((msg) => /status of 401/.test(msg)), logged.join('\n'));
  await bad.close();

  // The main profile signs out too.
  const a = await newPage('sign-out');
  await a.goto(`${base}/#/`);
  await a.waitForFunction((n) => document.querySelector('#me-name')?.textContent === n, person.name);
  await a.click('#me-summary');
  await a.click('#me-sign-out');
  await a.waitForFunction(() => /^guest-/.test(document.querySelector('#me-name')?.textContent ?? ''));
  await a.waitForFunction(() => window.arenaSocket.player?.guest === true);
  assert.deepEqual((await meIn(a)).guest, true);
  await a.waitForSelector('#me-new-name', { state: 'visible' });
  await shot(a, 'signed-out');
  await a.close();
});

test('no console errors on any page', () => {
  assert.deepEqual(consoleErrors, []);
});
