// End to end: the real `arena serve` and the example bot (server/examples/random_bot.mjs)
// over WebSocket. Run from the repository root:
//   ARENA_BINARY=build/arena node --test tests/bots/*.test.mjs   (or: npm run test:bots)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, getJson, runBot as runExample, startServer } from './support.mjs';

const runBot = (args) => runExample('random_bot.mjs', args);

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
