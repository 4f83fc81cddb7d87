// What every browser test shares (tests/web/*.test.mjs and games/*/tests/*.test.mjs): a
// real `arena serve` on an ephemeral port with this tree's web/ and games/, Debian's
// chromium headless through playwright-core, pages that record console errors, and
// screenshots. Run the tests from the repository root (npm run test:web).
// Env: ARENA_BINARY (default build/arena), CHROMIUM (default /usr/bin/chromium),
// ARENA_ARTIFACTS (screenshots; default build/web-artifacts).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const binary = resolve(root, process.env.ARENA_BINARY ?? 'build/arena');
export const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const artifacts = resolve(root, process.env.ARENA_ARTIFACTS ?? 'build/web-artifacts');
const missing = [binary, browserPath].filter((p) => !existsSync(p));
if (missing.length) throw new Error(`the browser tests need ${missing.join(' and ')} (set ARENA_BINARY / CHROMIUM)`);

// A fresh temporary folder (database, browser profile) and the artifacts folder.
export function makeTempDir(prefix = 'arena-web-') {
  mkdirSync(artifacts, { recursive: true });
  return mkdtempSync(join(tmpdir(), prefix));
}

export const removeDir = (dir) => dir && rmSync(dir, { recursive: true, force: true });

// The default `arena serve` flags of the tests: fast house matches between random agents.
export const HOUSE_ARGS = ['--house-matches', '2', '--house-interval-ms', '150', '--house-agents', 'random', '--threads', '2'];

// Starts `arena serve` on a free port with its database in `dir`, serving this tree's web/
// (and each family's board from games/<family>/web/); `url` resolves to its base URL once
// it prints "serving http://...".
export function startServer(dir, args = HOUSE_ARGS) {
  const child = spawn(binary, ['serve', '--port', '0', '--db', join(dir, 'arena.db'), '--web', join(root, 'web'), ...args],
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

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

// The main browser profile (its own cookies, kept in `dir`/profile), 1200x900.
export async function launchContext(dir, { viewport = { width: 1200, height: 900 } } = {}) {
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: browserPath, headless: true, args: CHROMIUM_ARGS, viewport,
  });
  context.setDefaultTimeout(15000);
  return context;
}

// Another browser (launch it once; each newContext has its own cookies).
export function launchBrowser() {
  return chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

// A new tab in `ctx` that records console errors and page exceptions as "name: message"
// in `errors`, and accepts dialogs.
export async function newPage(ctx, name, errors) {
  const page = await ctx.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`${name}: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`${name}: ${err.message}`));
  page.on('dialog', (d) => d.accept());
  return page;
}

// A full-page screenshot in the artifacts folder as <name>.png.
export const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

// GET a JSON document from the server.
export const getJson = async (base, path) => (await fetch(base + path)).json();

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Calls onState(message) for every protocol `state` message a page receives for a seat of
// ours (not a spectator's), on any of its WebSockets.
export function onSeatState(page, onState) {
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    let m;
    try {
      m = JSON.parse(String(payload));
    } catch {
      return;
    }
    if (m.type === 'state' && m.seat !== null && m.seat !== undefined) onState(m);
  }));
}

// One `arena serve` (HOUSE_ARGS) and one browser context for a test file, started by
// node:test's before() and stopped by its after(): the returned object's dir, server, base
// (the server's URL) and context are set once before() has run.
export function serverAndBrowser(prefix) {
  const env = {};
  before(async () => {
    env.dir = makeTempDir(prefix);
    env.server = startServer(env.dir);
    env.base = await env.server.url;
    env.context = await launchContext(env.dir);
  });
  after(async () => {
    await env.context?.close();
    env.server?.child.kill('SIGTERM');
    removeDir(env.dir);
  });
  return env;
}
