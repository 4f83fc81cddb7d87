// Connect Four's board in the browser (games/connect_four/web/board.js), end to end: a
// real `arena serve` and Debian's chromium headless (tests/web/harness.mjs). From the lobby
// a guest challenges the house random agent, plays the first move with the keyboard and
// the rest by clicking columns until the match ends; the board, the result, the stored
// match and its replay are checked. Run from the repository root (npm run test:web):
//   ARENA_BINARY=build/arena node --test games/connect_four/tests/board.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from '../../../tests/web/harness.mjs';

const env = harness.serverAndBrowser('arena-c4-');
const consoleErrors = [];

const api = (path) => harness.getJson(env.base, path);
const boardPly = async (page) => Number(await page.getAttribute('#board', 'data-ply'));
// Waits until the board draws a state after `ply` (or the match ends).
const plyAfter = (page, ply) => page.waitForFunction(
  (p) => Number(document.querySelector('#board')?.dataset.ply) > p || !!document.querySelector('#result:not([hidden])'),
  ply, { timeout: 5000 });

// The discs drawn, as "red@c,r" / "yellow@c,r" (column and row from 1, row 1 the bottom).
const drawnDiscs = (page, sel) => page.$$eval(`${sel} .c4-disc`, (els) => els.map((e) =>
  `${e.classList.contains('red') ? 'red' : 'yellow'}@${e.dataset.cell}`).sort());
// The discs of a view (a stored one, {game, ..., state: {...}}, or the game's own), alike.
const viewDiscs = (view) => {
  const v = view?.state && typeof view.state === 'object' && 'game' in view ? view.state : view;
  return v.board.flatMap((row, r) => [...row].flatMap((ch, c) => (ch === '.' ? []
    : [`${ch === 'X' ? 'red' : 'yellow'}@${c + 1},${v.rows - r}`]))).sort();
};

// One move by clicking: the enabled column nearest the centre. False when none is enabled.
async function clickColumn(page) {
  const enabled = await page.$$eval('#board .c4-column.legal', (els) => els.map((e) => Number(e.dataset.column)));
  if (!enabled.length) return false;
  const column = enabled.sort((a, b) => Math.abs(a - 4) - Math.abs(b - 4) || a - b)[0];
  const ply = await boardPly(page);
  await page.click(`#board .c4-column[data-column="${column}"]`, { timeout: 1000 });
  await plyAfter(page, ply);
  return true;
}

test('GET /api/games lists Connect Four with its board, showcase and seats; the board module is served', async () => {
  const game = (await api('/api/games')).find((g) => g.name === 'connect_four');
  assert.ok(game, 'connect_four is registered');
  assert.equal(game.family, 'connect_four');
  assert.equal(game.board, '/games/connect_four/board.js');
  assert.deepEqual(game.showcase.map((c) => c.label), ['Connect Four']);
  assert.deepEqual(game.seats.map((s) => s.label), ['Red', 'Yellow']);
  for (const file of ['board.js', 'board.css']) {
    const res = await fetch(`${env.base}/games/connect_four/${file}`);
    assert.equal(res.status, 200, file);
    assert.match(res.headers.get('content-type'), file.endsWith('.js') ? /javascript/ : /text\/css/);
  }
});

test('Connect Four against the house random agent from the lobby: the keyboard, then clicks, to the end; the replay', async () => {
  const page = await harness.newPage(env.context, 'connect-four', consoleErrors);
  await page.goto(`${env.base}/#/`);
  await page.selectOption('#play-game', { label: 'Connect Four' });
  assert.equal(await page.inputValue('#play-game'), 'connect_four');
  await page.waitForSelector('#play-agent option[value="random"]', { state: 'attached' });
  await page.selectOption('#play-agent', 'random');
  await page.selectOption('#play-tc', 'untimed');
  await page.click('#play-start');
  await page.waitForURL(/#\/match\/\d+$/);
  const id = Number(page.url().match(/#\/match\/(\d+)$/)[1]);
  await page.waitForSelector('#board svg.board.c4');
  assert.match(await page.textContent('#role'), /You play/);
  // The seat bars carry the game's colours.
  assert.deepEqual(await page.$$eval('.seat-bar .color', (els) => els.map((e) => e.getAttribute('aria-label'))), ['red', 'yellow']);
  // Seven column targets, each "column N"; on our move the first legal one has the focus.
  await page.waitForSelector('#board .c4-column.legal');
  assert.equal(await page.locator('#board .c4-column').count(), 7);
  assert.deepEqual(await page.$$eval('#board .c4-column', (els) => els.map((e) => e.getAttribute('aria-label'))),
    [1, 2, 3, 4, 5, 6, 7].map((n) => `column ${n}`));
  assert.equal(await page.locator('#board .c4-column.legal[role="button"][tabindex="0"]').count(), 7, 'every column is legal at first');
  const mySeat = (await page.textContent('#role')).includes('(seat 1)') ? 0 : 1;
  await page.waitForFunction(() => document.activeElement?.matches('#board .c4-column[data-column="1"]'));
  // The keyboard: the right arrow moves to column 2, Enter drops a disc there.
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.column), '2');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  let ply = await boardPly(page);
  await page.keyboard.press('Enter');
  await plyAfter(page, ply);
  await harness.shot(page, 'play-connect-four-first');
  // Then clicks, until the result shows.
  let made = 1;
  for (let i = 0; i < 600 && !(await page.locator('#result:not([hidden])').count()); i++) {
    const acted = await clickColumn(page).catch(() => false);  // the board may redraw under the click
    if (acted) made++;
    else await page.waitForTimeout(50);
    assert.ok(made <= 21, 'at most 21 moves of ours');
  }
  await page.waitForSelector('#result:not([hidden])');
  const headline = await page.textContent('#result h2');
  assert.match(headline, /You won|You lost|Draw/);
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  assert.match(await page.textContent('#result'), new RegExp(stored.termination));
  assert.equal(stored.rated, false, 'a guest plays unrated');
  const ours = stored.moves.filter((m) => m.seat === mySeat);
  assert.equal(ours.length, made);
  assert.equal(ours[0].action, '2', 'the first move was the keyboard\'s');
  // The board shows every disc played, red for seat 0, and marks the winning four.
  const discs = await drawnDiscs(page, '#board');
  assert.equal(discs.length, stored.moves.length);
  assert.equal(discs.filter((d) => d.startsWith('red')).length, Math.ceil(stored.moves.length / 2));
  const served = await api(`/api/matches/${id}/views?viewer=spectator`);
  assert.deepEqual(viewDiscs(served.views.at(-1)), discs, 'the final board is the server\'s final view');
  const won = stored.result[0] !== stored.result[1];
  assert.equal(await page.locator('#board .c4-disc.win').count() >= 4, won, 'a win marks the four');
  assert.match(await page.textContent('#board .c4-status'), won ? /(Red|Yellow) .*wins/ : /Draw/);
  if (won) assert.match(headline, (stored.result[mySeat] > 0) ? /You won/ : /You lost/);
  assert.equal(await page.locator('#board .c4-column.legal').count(), 0, 'no column is playable after the end');
  await harness.shot(page, 'play-connect-four');
  await page.setViewportSize({ width: 390, height: 844 });
  await harness.shot(page, 'play-connect-four-phone');
  await page.setViewportSize({ width: 1200, height: 900 });

  // The replay draws the server's views move by move.
  await page.click('#to-replay');
  await page.waitForSelector('#replay-board svg.board.c4');
  await page.click('#replay-first');
  assert.equal(await page.locator('#replay-board .c4-disc').count(), 0);
  await page.click('#replay-next');
  assert.deepEqual(await drawnDiscs(page, '#replay-board'), viewDiscs(served.views[1]));
  await page.click('#replay-last');
  assert.deepEqual(await drawnDiscs(page, '#replay-board'), discs);
  assert.equal(await page.locator('#replay-board .c4-column.legal').count(), 0);
  await harness.shot(page, 'replay-connect-four');
  await page.close();
});

test('no console errors', () => {
  assert.deepEqual(consoleErrors, []);
});
