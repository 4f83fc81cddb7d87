// End to end: the real `arena serve` and the example bot (server/examples/random_bot.mjs)
// over WebSocket. Run from the repository root:
//   ARENA_BINARY=build/arena node --test tests/bots/*.test.mjs   (or: npm run test:bots)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const binary = resolve(root, process.env.ARENA_BINARY ?? 'build/arena');
const bot = join(root, 'server/examples/random_bot.mjs');

// Starts `arena serve` on a free port; resolves with the server's URL once it prints it.
function startServer(dir) {
  const child = spawn(binary, ['serve', '--port', '0', '--db', join(dir, 'arena.db'), '--web', dir,
                               '--house-matches', '0', '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = new Promise((ok, ko) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/arena: serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) ok(m[1]);
    });
    child.on('error', ko);
    child.on('exit', (code, signal) => {
      ko(new Error(`arena serve ended (${signal ?? `exit ${code}`}) before serving: ${stdout}${stderr}`));
    });
  });
  const exited = new Promise((ok) => {
    child.on('exit', (code, signal) => ok({ code, signal }));
    child.on('error', (error) => ok({ code: null, signal: null, error }));  // it never ran
  });
  return { child, url, exited, output: () => stdout + stderr };
}

// Runs the bot to completion; resolves with its exit code and its stdout's JSON lines.
function runBot(args) {
  return new Promise((ok, ko) => {
    const child = spawn(process.execPath, [bot, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', ko);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      ok({ code, signal, lines, stderr });
    });
  });
}

async function getJson(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: HTTP ${res.status}`);
  return res.json();
}

test('the example bot plays kuhn_poker and game24 against the real server', { timeout: 60_000 }, async () => {
  assert.ok(existsSync(binary), `no server binary at ${binary}: build it, or set ARENA_BINARY`);
  const dir = mkdtempSync(join(tmpdir(), 'arena-bots-'));
  const server = startServer(dir);
  // Whatever hangs, the server does not outlive the test: killed before the 60 s timeout.
  const guard = setTimeout(() => server.child.kill('SIGKILL'), 50_000).unref();
  let failure;
  try {
    const base = await server.url;
    const name = `test-bot-${process.pid}`;

    // Three Kuhn poker matches against the house random agent; the bot registers itself.
    const kuhn = await runBot(['--server', base, '--name', name, '--game', 'kuhn_poker', '--matches', '3']);
    assert.equal(kuhn.code, 0, `bot failed (${kuhn.signal ?? ''}): ${kuhn.stderr}`);
    const registered = kuhn.lines.find((l) => l.event === 'registered');
    assert.ok(registered?.token, 'the bot prints its new token');
    assert.equal(registered.name, name);
    const kuhnMatches = kuhn.lines.filter((l) => l.event === 'match');
    assert.equal(kuhnMatches.length, 3);
    for (const m of kuhnMatches) {
      assert.equal(m.game, 'kuhn_poker');
      assert.equal(m.status, 'finished');
      assert.ok(Array.isArray(m.result) && m.result.length === 2, JSON.stringify(m));
      assert.equal(typeof m.return, 'number');
    }
    assert.equal(kuhn.lines.at(-1).event, 'summary');
    assert.equal(kuhn.lines.at(-1).matches, 3);

    // Two game24 puzzles (one seat), reusing the token.
    const puzzles = await runBot(['--server', base, '--token', registered.token, '--game', 'game24', '--matches', '2']);
    assert.equal(puzzles.code, 0, `bot failed (${puzzles.signal ?? ''}): ${puzzles.stderr}`);
    assert.ok(!puzzles.lines.some((l) => l.event === 'registered'), 'a given token registers nothing');
    const puzzleMatches = puzzles.lines.filter((l) => l.event === 'match');
    assert.equal(puzzleMatches.length, 2);
    for (const m of puzzleMatches) {
      assert.equal(m.game, 'game24');
      assert.equal(m.status, 'finished');
      assert.ok(Array.isArray(m.result) && m.result.length === 1, JSON.stringify(m));
    }
    assert.equal(puzzles.lines.at(-1).name, name);

    // The store agrees: every one of those matches is finished.
    const { matches } = await getJson(`${base}/api/matches?player=${registered.player_id}&limit=50`);
    for (const m of [...kuhnMatches, ...puzzleMatches]) {
      const row = matches.find((r) => r.id === m.match_id);
      assert.ok(row, `match ${m.match_id} is listed`);
      assert.equal(row.status, 'finished');
      assert.equal(row.game, m.game);
    }
    const board = await getJson(`${base}/api/leaderboard?game=kuhn_poker`);
    const names = [...board.bradley_terry, ...board.live].map((r) => r.name);
    assert.ok(names.includes(name), `leaderboard lists ${name}: ${JSON.stringify(names)}`);
  } catch (e) {
    failure = e;
  }
  // SIGTERM stops the server cleanly: exit status 0. (A failure above is reported first.)
  server.child.kill('SIGTERM');
  const { code, signal } = await server.exited;
  clearTimeout(guard);
  rmSync(dir, { recursive: true, force: true });
  if (failure) throw failure;
  assert.equal(signal, null, server.output());
  assert.equal(code, 0, server.output());
});
