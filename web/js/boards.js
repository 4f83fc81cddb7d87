// Boards: each game family draws its own board in the browser. A family's board is an ES
// module in its folder (games/<family>/web/board.js), served at the URL GET /api/games
// gives as the game's `board` (null when the family has none):
//
//   export function render(view, ctx) -> Element
//   export const stylesheet = new URL('./board.css', import.meta.url).href;   // optional
//
// `view` is the game's JSON view (the `state` field of a protocol `state` message) and
//   ctx = { seat, legal: [notation], onMove(action), onOrders([notation]), seats, small, pick }
// (`small`: the lobby's live cards; `pick`: an object kept across redraws of one state for
// boards that build a move in several clicks). Clicking a legal target, or Enter / Space on
// it, calls onMove with the action's notation. In a simultaneous phase `legal` is the union
// of the seat's order groups and the board sends one order per group, in group order, with
// onOrders (the game's view tells the board its groups). Boards import `h` / `s` from
// '/js/util.js'.
//
// Modules are imported on demand with import() and cached, with their stylesheet added to
// the page once (the module resolves after the stylesheet has loaded, so nothing is drawn
// unstyled). A page calls `await loadBoard(game)` before it draws; `renderBoard` itself is
// synchronous and draws the generic view (the raw view and the legal actions as buttons)
// for a game without a board, or one whose module is not loaded. Browser main thread only.

import { h, api, gameName } from './util.js';

let gameList = null;     // the latest GET /api/games (an array), once fetched
let gamesPending = null; // the fetch in flight
const loaded = new Map();   // board URL -> its module, once imported
const loading = new Map();  // board URL -> Promise of its module (null when it failed)

// GET /api/games, cached; `refresh` fetches it again (the lobby: opponents change).
export async function games({ refresh = false } = {}) {
  if (gameList && !refresh) return gameList;
  gamesPending ??= api('/api/games').then((list) => { gameList = list; return list; })
    .finally(() => { gamesPending = null; });
  return gamesPending;
}

// The entry of GET /api/games for a game (its spec or name, or the entry itself), from the
// cached list; null when unknown or the list is not fetched yet.
export function gameInfo(game) {
  if (game && typeof game === 'object') return game;
  const name = gameName(game);
  return gameList?.find((g) => g.name === name) ?? null;
}

// Adds a stylesheet to the page once; resolves when it has loaded (or failed to).
const sheets = new Map();
function addStylesheet(href) {
  if (!sheets.has(href)) {
    sheets.set(href, new Promise((done) => {
      const link = h('link', { rel: 'stylesheet', href, onload: () => done(), onerror: () => done() });
      document.head.append(link);
    }));
  }
  return sheets.get(href);
}

// Imports the board module of a game (spec, name or GET /api/games entry) and its
// stylesheet; resolves the module, or null for a game drawn by the generic view.
export async function loadBoard(game) {
  let info = gameInfo(game);
  if (!info) {
    await games().catch(() => null);
    info = gameInfo(game);
  }
  const url = info?.board;
  if (!url) return null;
  if (!loading.has(url)) {
    loading.set(url, import(url).then(async (mod) => {
      if (mod.stylesheet) await addStylesheet(String(mod.stylesheet));
      loaded.set(url, mod);
      return mod;
    }).catch((e) => {
      console.warn(`board ${url}: ${e.message}; the generic view is shown`);
      return null;
    }));
  }
  return loading.get(url);
}

// The element for a game's view: its family's board when loaded, else the generic view.
export function renderBoard(game, view, ctx = {}) {
  const url = gameInfo(game)?.board;
  const board = url ? loaded.get(url) : null;
  const full = { legal: [], seats: [], ...ctx };
  if (board) {
    try {
      return board.render(view ?? {}, full);
    } catch (e) {
      console.warn(`board ${url}: ${e.message}; the generic view is shown`);
    }
  }
  return genericView(view ?? {}, full);
}

// Any game without a board of its own: its view as JSON and its legal actions as buttons.
function genericView(v, ctx) {
  return h('div', { class: ctx.small ? 'generic small' : 'generic' }, h('pre', {}, JSON.stringify(v, null, 2)),
    h('div', { class: 'actions' }, (ctx.onMove ? ctx.legal : []).map((a) => h('button', { class: 'btn', 'data-action': a, onclick: () => ctx.onMove(a) }, a))));
}
