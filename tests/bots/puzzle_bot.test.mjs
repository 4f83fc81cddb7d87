// End to end: the real `arena serve` and the example puzzle bot (server/examples/puzzle_bot.mjs),
// which solves the 24 game and Countdown step by step with its own search. Every ranked 24
// puzzle is solvable, so each of its matches must return 1; in Countdown it must reach the
// best value there is, which the arena's own exact solver states in the puzzle export.
// Run from the repository root:
//   ARENA_BINARY=build/arena node --test tests/bots/*.test.mjs   (or: npm run test:bots)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, runBot, startServer } from './support.mjs';

test('the puzzle bot solves the 24 game and Countdown against the real server', { timeout: 90_000 }, async () => {
  assert.ok(existsSync(binary), `no server binary at ${binary}: build it, or set ARENA_BINARY`);
  const dir = mkdtempSync(join(tmpdir(), 'arena-puzzle-bot-'));
  const server = startServer(dir);
  const guard = setTimeout(() => server.child.kill('SIGKILL'), 80_000).unref();
  let failure;
  try {
    const base = await server.url;
    const g24 = await runBot('puzzle_bot.mjs', ['--server', base, '--name', `puzzler-${process.pid}`, '--game', 'game24',
      '--matches', '4']);
    assert.equal(g24.code, 0, `bot failed (${g24.signal ?? ''}): ${g24.stderr}`);
    const token = g24.lines.find((l) => l.event === 'registered').token;
    const solved = g24.lines.filter((l) => l.event === 'match');
    assert.equal(solved.length, 4);
    for (const m of solved) assert.deepEqual(m.result, [1], `a ranked 24 puzzle, solved: ${JSON.stringify(m)}`);

    const cd = await runBot('puzzle_bot.mjs', ['--server', base, '--token', token, '--game', 'countdown', '--matches', '3']);
    assert.equal(cd.code, 0, `bot failed (${cd.signal ?? ''}): ${cd.stderr}`);
    const played = cd.lines.filter((l) => l.event === 'match');
    assert.equal(played.length, 3);

    // The store's verdicts: every Countdown step on a best path, and the best value reached.
    const lines = execFileSync(binary, ['puzzle', 'export', '--game', 'countdown', '--db', join(dir, 'arena.db')],
      { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    for (const a of lines) {
      assert.ok(played.some((m) => m.match_id === a.arena.match_id));
      assert.equal(a.arena.answer, a.question.ground_truth_answer, `the best value: ${JSON.stringify(a)}`);
      for (const s of a.label.steps) assert.notEqual(s.completions[0].rating, -1, `${s.completions[0].text} left the best path`);
    }
  } catch (e) {
    failure = e;
  }
  server.child.kill('SIGTERM');
  await server.exited;
  clearTimeout(guard);
  rmSync(dir, { recursive: true, force: true });
  if (failure) throw failure;
});
