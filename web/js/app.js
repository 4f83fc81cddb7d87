// The single-page router: maps the location hash (#/, #/match/7, #/replay/7,
// #/leaderboard?game=<rating group>, #/player/3, #/matches, #/report, #/bots) to a page module's
// render(root, params), which returns a cleanup function called when the page is left.
// Each navigation moves the keyboard focus to the new page's content.

import { h, toast } from './util.js';
import { socket } from './socket.js';
import { mountIdentity } from './identity.js';
import * as lobby from './pages/lobby.js';
import * as match from './pages/match.js';
import * as replay from './pages/replay.js';
import * as leaderboard from './pages/leaderboard.js';
import * as player from './pages/player.js';
import * as matches from './pages/matches.js';
import * as report from './pages/report.js';
import * as bots from './pages/bots.js';

const routes = [
  [/^\/?$/, lobby],
  [/^\/match\/(\d+)$/, match],
  [/^\/replay\/(\d+)$/, replay],
  [/^\/leaderboard$/, leaderboard],
  [/^\/player\/(\d+)$/, player],
  [/^\/matches$/, matches],
  [/^\/report$/, report],
  [/^\/bots$/, bots],
];

let cleanup = null;
let generation = 0;

async function route(event) {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = Object.fromEntries(new URLSearchParams(query));
  const gen = ++generation;
  if (cleanup) {
    try { cleanup(); } catch (e) { console.warn(e); }
    cleanup = null;
  }
  // Each visit renders into a container of its own: a page still loading when the location
  // moved on (pages await the API before they append) fills a container no longer shown,
  // never the new page's beside it.
  const root = h('div', { class: 'page-body', tabindex: -1 });
  document.getElementById('page').replaceChildren(root);
  // After a link or a form took us here, keyboard users start at the new page, not the header.
  if (event) root.focus({ preventScroll: false });
  for (const a of document.querySelectorAll('header nav a')) {
    const target = a.getAttribute('href').slice(1);
    a.toggleAttribute('aria-current', target === '/' ? path === '/' || path === '' : path.startsWith(target));
  }
  for (const [re, page] of routes) {
    const m = re.exec(path || '/');
    if (!m) continue;
    try {
      const done = (await page.render(root, { ...params, id: m[1] ? Number(m[1]) : undefined })) ?? null;
      if (gen === generation) cleanup = done;
      else if (done) done();  // the user moved on while this page loaded
    } catch (e) {
      root.append(h('p', { class: 'error' }, `Could not load this page: ${e.message}`));
      toast(e.message);
    }
    return;
  }
  root.append(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the lobby')));
}

socket();
mountIdentity(document.getElementById('me'));
window.addEventListener('hashchange', route);
route();
