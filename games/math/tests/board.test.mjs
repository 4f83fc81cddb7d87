// The math puzzles' board in the browser (games/math/web/board.js), end to end: a real
// `arena serve` and Debian's chromium headless (tests/web/harness.mjs). A guest starts a 24
// game, a Countdown puzzle and a word problem from the lobby and solves each by clicking tiles and
// operators (and Stop where the target cannot be made), following the exact solver's steps
// for the same puzzle (`arena play --agents solver` into a scratch database, read back with
// `arena puzzle export`); the verdicts drawn, the result and the stored match are checked.
// Run from the repository root (npm run test:web):
//   ARENA_BINARY=build/arena node --test games/math/tests/board.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as harness from '../../../tests/web/harness.mjs';

const env = harness.serverAndBrowser('arena-math-');
const consoleErrors = [];

const api = (path) => harness.getJson(env.base, path);
const boardPly = async (page) => Number(await page.getAttribute('#board', 'data-ply'));
const plyAfter = (page, ply) => page.waitForFunction(
  (p) => Number(document.querySelector('#board')?.dataset.ply) > p || !!document.querySelector('#result:not([hidden])'),
  ply, { timeout: 5000 });

// The solver's steps for exactly this puzzle, from the arena itself: one attempt recorded in a
// scratch database and exported with its verdicts.
let scratch = 0;
function solverSteps(spec) {
  const db = join(env.dir, `solver-${++scratch}.db`);
  execFileSync(harness.binary, ['play', '--game', spec, '--agents', 'solver', '--games', '1', '--db', db]);
  const lines = execFileSync(harness.binary, ['puzzle', 'export', '--db', db], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString().trim().split('\n');
  assert.equal(lines.length, 1, `one attempt at ${spec}`);
  const record = JSON.parse(lines[0]);
  return record.label.steps.map((s) => s.completions[0]);
}

// Starts `game` (a showcase spec) from the lobby's form; resolves the match id.
async function startFromLobby(page, label, value) {
  await page.goto(`${env.base}/#/`);
  await page.selectOption('#play-game', { label });
  assert.equal(await page.inputValue('#play-game'), value);
  await page.waitForSelector('#play-agent option[value="random"]', { state: 'attached' });
  await page.selectOption('#play-agent', 'random');
  await page.selectOption('#play-tc', 'untimed');
  await page.click('#play-start');
  await page.waitForURL(/#\/match\/\d+$/);
  return Number(page.url().match(/#\/match\/(\d+)$/)[1]);
}

// One step by clicking: "75*3=225" is the tile 75, the operator *, the tile 3; "stop" the
// Stop button.
async function clickStep(page, text) {
  const ply = await boardPly(page);
  if (text === 'stop') {
    await page.click('#board button.stop');
  } else {
    // An operand is a whole number, or a fraction or negative number in parentheses.
    const m = text.match(/^(\d+|\([^)]*\))([-+*/])(\d+|\([^)]*\))=/);
    assert.ok(m, `a step: ${text}`);
    const number = (operand) => operand.replace(/^\((.*)\)$/, '$1');
    await page.click(`#board .tile.legal[data-number="${number(m[1])}"]:not([disabled])`);
    await page.click(`#board .op.legal[data-op="${m[2]}"]`);
    await page.click(`#board .tile.legal[data-number="${number(m[3])}"]:not([disabled]):not(.picked)`);
  }
  await plyAfter(page, ply);
}

// Plays `steps` by clicking and checks what the board and the store say afterwards.
async function solveByClicking(page, id, steps) {
  for (const s of steps) await clickStep(page, s.text);
  await page.waitForSelector('#result:not([hidden])');
  assert.match(await page.textContent('#result h2'), /Solved!/);
  const drawn = await page.$$eval('#board .g24-steps li', (els) => els.map((e) => e.dataset.verdict));
  assert.deepEqual(drawn, steps.map((s) => s.verdict), 'every step drawn with the verifier\'s verdict');
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  assert.equal(stored.result[0], 1, 'the best a puzzle gives');
  assert.deepEqual(stored.moves.filter((m) => m.seat === 0).map((m) => m.action), steps.map((s) => s.text));
}

test('GET /api/games lists Countdown and the word problems with the math board', async () => {
  const games = await api('/api/games');
  for (const [name, label] of [['countdown', 'Countdown numbers'], ['arithmetic_chain', 'Word problems']]) {
    const game = games.find((g) => g.name === name);
    assert.ok(game, `${name} is registered`);
    assert.equal(game.family, 'math');
    assert.equal(game.board, '/games/math/board.js');
    assert.ok(game.showcase.some((c) => c.label === label), `${name} is offered as ${label}`);
  }
});

test('a 24 game puzzle from the lobby, solved by clicking the solver\'s steps', async () => {
  const page = await harness.newPage(env.context, 'game24', consoleErrors);
  const id = await startFromLobby(page, 'The 24 game', 'game24');
  await page.waitForSelector('#board .g24 .tile.legal');
  const numbers = await page.$$eval('#board .tile', (els) => els.map((e) => e.dataset.number));
  assert.equal(numbers.length, 4);
  const steps = solverSteps(`game24(numbers='${numbers.join(' ')}')`);
  assert.deepEqual(steps.map((s) => s.verdict), ['correct step', 'correct step', 'solved']);
  await solveByClicking(page, id, steps);
  await page.close();
});

test('a Countdown puzzle from the lobby, solved by clicking the solver\'s steps', async () => {
  const page = await harness.newPage(env.context, 'countdown', consoleErrors);
  const id = await startFromLobby(page, 'Countdown numbers', 'countdown');
  await page.waitForSelector('#board .g24.countdown .tile.legal');
  const numbers = await page.$$eval('#board .tile', (els) => els.map((e) => e.dataset.number));
  assert.equal(numbers.length, 6);
  const target = Number((await page.textContent('#board .g24-goal')).match(/Make (\d+)/)[1]);
  assert.ok(target >= 101 && target <= 999, `target ${target}`);
  const steps = solverSteps(`countdown(numbers='${numbers.join(' ')}',target=${target})`);
  // The verdicts: every step keeps the best in reach; it ends solved, or stopped at the best.
  assert.ok(steps.length >= 1);
  for (const s of steps.slice(0, -1)) assert.equal(s.verdict, 'correct step', s.text);
  assert.match(steps.at(-1).verdict, /^(solved|stopped at \d+)$/);
  if (steps.at(-1).text === 'stop') {
    // Out of reach: Stop is offered once the best value is on the table; solving here
    // means the best score there is, which is 1 only when exact, so skip the result check.
    for (const s of steps) await clickStep(page, s.text);
    await page.waitForSelector('#result:not([hidden])');
  } else {
    await solveByClicking(page, id, steps);
    assert.match(await page.textContent('#board .g24-goal'), /solved!/);
  }
  await harness.shot(page, 'play-countdown');
  await page.close();
});

test('a word problem from the lobby: the text, the labelled quantities, solved by clicking', async () => {
  const page = await harness.newPage(env.context, 'words', consoleErrors);
  const id = await startFromLobby(page, 'Word problems', 'arithmetic_chain');
  await page.waitForSelector('#board .g24.words .tile.legal');
  const text = await page.textContent('#board .problem');
  const question = await page.textContent('#board .question');
  assert.match(question, /\?/);
  // Every given quantity is a tile with its label, and its number is in the text.
  const tiles = await page.$$eval('#board .tile', (els) => els.map((e) => ({ n: e.dataset.number, label: e.title })));
  assert.ok(tiles.length >= 3);
  for (const t of tiles) {
    assert.ok(t.label && t.label !== 'computed', `a given has a label: ${JSON.stringify(t)}`);
    assert.ok(text.includes(t.n), `${t.n} is in the text: ${text}`);
  }
  // The problem's seed, which the view carries, sets up the same problem for the solver.
  const seed = Number(await page.getAttribute('#board .problem', 'data-seed'));
  assert.ok(seed >= 1, `the seed of a dealt problem: ${seed}`);
  const steps = solverSteps(`arithmetic_chain(seed=${seed})`);
  assert.equal(steps.at(-1).verdict, 'solved');
  await solveByClicking(page, id, steps);
  await harness.shot(page, 'play-word-problem');
  await page.close();
});

test('no console errors', () => {
  assert.deepEqual(consoleErrors, []);
});
