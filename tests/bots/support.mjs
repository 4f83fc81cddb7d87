// What the example bots' end-to-end tests share: the real `arena serve` on a free port, and
// a bot run to completion.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const binary = resolve(root, process.env.ARENA_BINARY ?? 'build/arena');

// Starts `arena serve` on a free port; resolves with the server's URL once it prints it.
export function startServer(dir) {
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

// Runs the example bot `file` (under server/examples) to completion; resolves with its exit
// code and its stdout's JSON lines.
export function runBot(file, args) {
  return new Promise((ok, ko) => {
    const child = spawn(process.execPath, [join(root, 'server/examples', file), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

export async function getJson(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: HTTP ${res.status}`);
  return res.json();
}
