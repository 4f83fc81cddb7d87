// Browser tests of the web UI (issue 7): a real `arena serve` on an ephemeral port, driven
// by Debian's chromium headless through playwright-core. Run from the repository root:
//   ARENA_BINARY=build/arena node --test tests/web/ui.test.mjs   (or: npm run test:web)
// Env: ARENA_BINARY (default build/arena), CHROMIUM (default /usr/bin/chromium),
// ARENA_ARTIFACTS (screenshots; default build/web-artifacts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const binary = resolve(root, process.env.ARENA_BINARY ?? 'build/arena');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = resolve(root, process.env.ARENA_ARTIFACTS ?? 'build/web-artifacts');
const missing = [binary, browserPath].filter((p) => !existsSync(p));
if (missing.length) throw new Error(`tests/web needs ${missing.join(' and ')} (set ARENA_BINARY / CHROMIUM)`);

let server;
let context;
let base;
let dir;
const consoleErrors = [];  // "page: message" for every console error or uncaught exception

// Starts `arena serve` on a free port with fast house matches; resolves its URL.
function startServer() {
  const child = spawn(binary, ['serve', '--port', '0', '--db', join(dir, 'arena.db'), '--web', join(root, 'web'),
    '--house-matches', '2', '--house-interval-ms', '150', '--house-agents', 'random', '--threads', '2'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = new Promise((ok, ko) => {
    const onData = (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) ok(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', ko);
    child.on('exit', (code, sig) => ko(new Error(`arena serve ended (${sig ?? code}) before serving: ${out}`)));
  });
  return { child, url, output: () => out };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arena-web-'));
  mkdirSync(artifacts, { recursive: true });
  server = startServer();
  base = await server.url;
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: browserPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 1200, height: 900 },
  });
  context.setDefaultTimeout(15000);
});

after(async () => {
  await context?.close();
  server?.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

// A new tab that records console errors and page exceptions under `name`, accepts dialogs.
async function newPage(name) {
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(`${name}: ${msg.text()}`); });
  page.on('pageerror', (err) => consoleErrors.push(`${name}: ${err.message}`));
  page.on('dialog', (d) => d.accept());
  return page;
}

const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const api = async (path) => (await fetch(base + path)).json();

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
  assert.match(await page.textContent('#conn'), /guest-/);
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

  await page.click('#to-replay');
  await page.waitForSelector('#replay-board .kuhn');
  assert.match(await page.textContent('#replay-pos'), new RegExp(`ply ${stored.moves.length} of ${stored.moves.length}`));
  await page.click('#replay-first');
  assert.match(await page.textContent('#replay-pos'), /ply 0 of/);
  assert.equal(await page.locator('#replay-board .card[aria-label="hidden card"]').count(), 2);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('#replay-board .card[aria-label="hidden card"]').count(), 0);
  const href = await page.getAttribute('#export-link', 'href');
  const exported = await (await fetch(base + href)).text();
  assert.match(exported, /Kuhn poker hand/);
  await shot(page, 'replay-kuhn');

  // The guest's own page lists the match; the leaderboard shows the house agent's rating.
  const me = stored.seats.find((s) => s.kind === 'human');
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
  const stones = (sel) => page.$$eval(sel, (els) => els.map((e) => `${e.getAttribute('class')}@${e.getAttribute('cx')},${e.getAttribute('cy')}`).sort());
  const finalBoard = await stones('#board .stone');  // the server's final view
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  assert.notEqual(stored.termination, 'disconnect');
  await page.click('#to-replay');
  await page.waitForSelector('#replay-board svg.board.go');
  await page.click('#replay-first');
  assert.equal(await page.locator('#replay-board .stone').count(), 0);
  await page.click('#replay-last');
  assert.ok(await page.locator('#replay-board .stone').count() > 0);
  assert.deepEqual(await stones('#replay-board .stone'), finalBoard, 'the replay rebuilds the final position, captures included');
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
  let rated;
  for (let i = 0; i < 100 && !rated; i++) {
    rated = (await api('/api/matches?status=finished&limit=50')).matches.find((m) => m.rated);
    if (!rated) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(rated, 'a finished rated house match');
  const seat = (await api(`/api/matches/${rated.id}`)).seats[0];
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

test('no console errors on any page', () => {
  assert.deepEqual(consoleErrors, []);
});
