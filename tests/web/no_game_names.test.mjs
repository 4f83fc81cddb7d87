// The browser UI's shell (web/) knows no game: every board comes from its family's folder
// (games/<family>/web/) through GET /api/games. This test lists the registered games with
// `$ARENA_BINARY games` and fails when a file under web/ (.js, .html, .css; web/README.md
// may give examples) names a game or a family as a whole word: the regex \b<name>\b,
// case-sensitive as the names are (so "Math.max" or an agent's label "GNU Go" pass, but a
// local function `go`, a comment "go back" or a class "go-line" do not).
// Env: ARENA_BINARY (default build/arena); ARENA_WEB_DIR checks another folder (default web/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const binary = resolve(root, process.env.ARENA_BINARY ?? 'build/arena');
const webDir = resolve(root, process.env.ARENA_WEB_DIR ?? 'web');

// Every file under `dir` whose name ends in one of `exts`, recursively.
function filesUnder(dir, exts) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(path, exts);
    return e.isFile() && exts.some((x) => e.name.endsWith(x)) ? [path] : [];
  });
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('no file under web/ names a registered game or a game family', () => {
  const games = JSON.parse(execFileSync(binary, ['games'], { encoding: 'utf8' }));
  assert.ok(Array.isArray(games) && games.length > 0, '`arena games` lists the games');
  const words = [...new Set(games.flatMap((g) => [g.name, g.family]).filter(Boolean))].sort();
  assert.ok(games.every((g) => typeof g.family === 'string' && g.family), '`arena games` gives each game\'s family');
  const patterns = words.map((w) => [w, new RegExp(`\\b${escape(w)}\\b`)]);
  const files = filesUnder(webDir, ['.js', '.mjs', '.html', '.css']);
  assert.ok(files.length > 0, `files under ${webDir}`);
  const offending = [];
  for (const file of files) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const named = patterns.filter(([, re]) => re.test(line)).map(([w]) => w);
      if (named.length) offending.push(`${relative(root, file)}:${i + 1}: ${named.join(', ')}: ${line.trim().slice(0, 160)}`);
    });
  }
  assert.equal(offending.length, 0,
    `web/ must not name a game or family (${words.join(', ')}); found:\n${offending.join('\n')}`);
});
