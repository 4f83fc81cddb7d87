// Chess's board in the browser (games/chess/web/board.js), end to end: a real `arena serve`
// and Debian's chromium headless (tests/web/harness.mjs). From the lobby a guest plays the
// house random agent to the end (the first move with the keyboard, the second by dragging,
// the rest by clicking squares; the clicker prefers promotions, captures and pawn moves so
// that the game ends soon), then the result, the stored match, the SAN move list and the
// replay are checked. A set-up position (a `chess(fen=...)` match challenged over the
// page's own WebSocket, as the lobby's play form does) is used to castle by clicking the
// king and then its rook, and to promote to a knight through the chooser; in Chess960 the
// king is dragged onto its rook.
// Run from the repository root (npm run test:web):
//   ARENA_BINARY=build/arena node --test games/chess/tests/board.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from '../../../tests/web/harness.mjs';

const env = harness.serverAndBrowser('arena-chess-');
const consoleErrors = [];

const api = (path) => harness.getJson(env.base, path);
const FILES = 'abcdefgh';
const VALUE = { p: 1, n: 3, b: 3, r: 5, q: 9, k: 0 };

// The game's own state inside a stored view ({game, ply, ..., state: {...}}), or the view.
const inner = (view) => (view?.state && typeof view.state === 'object' && 'game' in view ? view.state : view);
const pieceAt = (v, sq) => {
  const ch = v.board[8 - Number(sq[1])][FILES.indexOf(sq[0])];
  return ch === '.' ? null : ch;
};
// The pieces of a view as "P@e2", sorted; and the pieces drawn on a board, alike.
const viewPieces = (v) => v.board.flatMap((row, r) => [...row].flatMap((ch, f) => (ch === '.' ? [] : [`${ch}@${FILES[f]}${8 - r}`]))).sort();
const drawnPieces = (page, sel) => page.$$eval(`${sel} .chess-square [data-piece]`, (els) => els.map((e) =>
  `${e.dataset.piece}@${e.closest('[data-square]').dataset.square}`).sort());

// Every `state` a page receives for a seat of ours, by match id (the latest one kept).
function watchStates(page) {
  const states = new Map();
  harness.onSeatState(page, (m) => {
    const had = states.get(m.match_id);
    if (!had || had.ply <= m.ply) states.set(m.match_id, m);
  });
  return states;
}

// The move the clicker plays: a promotion (to a queen), else the most valuable capture,
// else a pawn's step, else a queen, rook or bishop move onto the enemy king's lines, else
// any; ties broken by a seeded generator so that a failure can be replayed.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
function chooseMove(legal, v) {
  const white = v.side === 'white';
  const king = v.board.flatMap((row, r) => [...row].flatMap((ch, f) => (ch === (white ? 'k' : 'K') ? [[f, 8 - r]] : [])))[0];
  const score = (uci) => {
    const mover = pieceAt(v, uci.slice(0, 2))?.toLowerCase();
    const taken = pieceAt(v, uci.slice(2, 4));
    if (uci.length === 5) return uci[4] === 'q' ? 1000 : -1;
    if (taken && (taken === taken.toUpperCase()) !== white) return 100 + 10 * VALUE[taken.toLowerCase()] - VALUE[mover];
    if (mover === 'p') return 10 + (white ? Number(uci[3]) : 9 - Number(uci[3]));
    if (king && 'qrb'.includes(mover)) {
      const df = Math.abs(FILES.indexOf(uci[2]) - king[0]);
      const dr = Math.abs(Number(uci[3]) - king[1]);
      if ((mover !== 'b' && (df === 0 || dr === 0)) || (mover !== 'r' && df === dr)) return 5;
    }
    return 0;
  };
  const scored = legal.map((uci) => [score(uci), rand(), uci]).sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  return scored[0][2];
}

// Where a square is drawn (column, row from the top left) for the board's orientation.
const place = (sq, flipped) => {
  const f = FILES.indexOf(sq[0]);
  const r = Number(sq[1]);
  return flipped ? [7 - f, r - 1] : [f, 8 - r];
};

// Walks the keyboard focus over the squares with the arrow keys to `sq`.
async function arrowTo(page, sq, flipped) {
  const at = await page.evaluate(() => document.activeElement?.dataset.square);
  assert.ok(at, 'the keyboard focus is on a square');
  const [c0, r0] = place(at, flipped);
  const [c1, r1] = place(sq, flipped);
  for (let i = 0; i < Math.abs(c1 - c0); i++) await page.keyboard.press(c1 > c0 ? 'ArrowRight' : 'ArrowLeft');
  for (let i = 0; i < Math.abs(r1 - r0); i++) await page.keyboard.press(r1 > r0 ? 'ArrowDown' : 'ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.square), sq);
}

// Plays one UCI move on the match page's board: 'click' (the piece, then the target),
// 'drag' (the piece onto the target) or 'keys' (arrows and Enter); a promotion is chosen
// in the chooser.
async function playMove(page, uci, how, flipped) {
  const [from, to, promo] = [uci.slice(0, 2), uci.slice(2, 4), uci[4]];
  const square = (sq) => `#board .chess-square[data-square="${sq}"]`;
  if (how === 'keys') {
    await arrowTo(page, from, flipped);
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute(square(from), 'class').then((c) => c.includes('selected')), true);
    await page.waitForSelector(`${square(to)}.chess-target`);
    await arrowTo(page, to, flipped);
    await page.keyboard.press(' ');
  } else if (how === 'drag') {
    await page.dragAndDrop(square(from), square(to));
  } else {
    await page.click(square(from), { timeout: 2000 });
    await page.waitForSelector(`${square(to)}.chess-target`, { timeout: 2000 });
    await page.click(square(to), { timeout: 2000 });
  }
  if (promo) {
    await page.waitForSelector('#board .chess-promo', { timeout: 2000 });
    assert.deepEqual(await page.$$eval('#board .chess-promo-choice', (els) => els.map((e) => e.dataset.promotion)), ['q', 'r', 'b', 'n']);
    if (how === 'keys') {
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.promotion), 'q', 'the chooser takes the focus');
      while (await page.evaluate(() => document.activeElement?.dataset.promotion) !== promo) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
    } else {
      await page.click(`#board .chess-promo-choice[data-promotion="${promo}"]`, { timeout: 2000 });
    }
  }
}

// The latest state of `id` that asks our seat to move at a ply after `after`, once the
// board draws it; null when the match ended first.
async function ourTurn(page, states, id, after) {
  for (let i = 0; i < 400; i++) {
    if (await page.locator('#result:not([hidden])').count()) return null;
    const st = states.get(id);
    if (st && st.ply > after && st.to_act.includes(st.seat) && st.legal.length) {
      const drawn = await page.waitForSelector(`#board[data-ply="${st.ply}"] .chess-square.movable`, { timeout: 3000 }).catch(() => null);
      if (drawn) return st;
    }
    await harness.sleep(25);
  }
  throw new Error(`no turn of ours in match ${id} after ply ${after}`);
}

// Challenges the house random agent to `spec` over the page's own WebSocket, as the
// lobby's play form does, until we get White (the server draws the seats: a match where we
// are Black is resigned); resolves the match id.
async function matchAsWhite(page, spec, timeControl = '300+5') {
  for (let tries = 0; tries < 12; tries++) {
    const got = await page.evaluate(async ([game, tc]) => {
      const { socket } = await import('/js/socket.js');
      const ws = socket();
      await ws.whenOpen();
      const ack = await ws.request({ type: 'challenge', to: 'random', game, time_control: tc, rated: false });
      const m = await (await fetch(`/api/matches/${ack.match_id}`)).json();
      const seat = m.seats.findIndex((s) => s.player_id === ws.lastPlayer.id);
      if (seat !== 0) await ws.request({ type: 'resign', match_id: ack.match_id });
      return { id: ack.match_id, seat };
    }, [spec, timeControl]);
    if (got.seat === 0) return got.id;
  }
  throw new Error(`no match of ${spec} as White in 12 tries`);
}

test('GET /api/games lists chess with its board and seats; the board module is served', async () => {
  const game = (await api('/api/games')).find((g) => g.name === 'chess');
  assert.ok(game, 'chess is registered');
  assert.equal(game.family, 'chess');
  assert.equal(game.board, '/games/chess/board.js');
  assert.ok(game.showcase?.length > 0 && game.showcase.every((c) => c.spec.startsWith('chess')), 'chess showcases its specs');
  assert.deepEqual(game.seats.map((s) => s.label), ['White', 'Black']);
  assert.ok(game.opponents.includes('random'), 'the house random agent plays chess');
  for (const file of ['board.js', 'board.css']) {
    const res = await fetch(`${env.base}/games/chess/${file}`);
    assert.equal(res.status, 200, file);
    assert.match(res.headers.get('content-type'), file.endsWith('.js') ? /javascript/ : /text\/css/);
  }
});

test('chess against the house random agent from the lobby: keys, a drag, then clicks, to the end; the replay', async () => {
  const started = Date.now();
  const page = await harness.newPage(env.context, 'chess', consoleErrors);
  const states = watchStates(page);
  await page.goto(`${env.base}/#/`);
  const spec = (await api('/api/games')).find((g) => g.name === 'chess').showcase[0].spec;
  await page.selectOption('#play-game', spec);
  await page.waitForSelector('#play-agent option[value="random"]', { state: 'attached' });
  await page.selectOption('#play-agent', 'random');
  await page.selectOption('#play-tc', 'untimed');
  await page.click('#play-start');
  await page.waitForURL(/#\/match\/\d+$/);
  const id = Number(page.url().match(/#\/match\/(\d+)$/)[1]);
  await page.waitForSelector('#board svg.board.chess');
  assert.match(await page.textContent('#role'), /You play/);
  const mySeat = (await page.textContent('#role')).includes('(seat 1)') ? 0 : 1;
  const flipped = mySeat === 1;
  // Black plays from the bottom of the board; the seat bars carry the colours.
  assert.match(await page.getAttribute('#board svg.board.chess', 'aria-label'), flipped ? /Black at the bottom/ : /White at the bottom/);
  assert.equal(await page.$eval('#board .chess-square', (e) => e.dataset.square), flipped ? 'h1' : 'a8');
  assert.deepEqual(await page.$$eval('.seat-bar .color', (els) => els.map((e) => e.getAttribute('aria-label'))), ['white', 'black']);
  assert.equal(await page.locator('#board .chess-square').count(), 64);
  assert.equal(await page.locator('#board [data-piece]').count(), 32);

  let made = 0;
  let ply = -1;
  for (;;) {
    const st = await ourTurn(page, states, id, ply);
    if (!st) break;
    if (made === 0) {
      // On our first move the focus is on the board: one square is in the Tab order.
      await page.waitForFunction(() => document.activeElement?.matches('#board .chess-square[tabindex="0"]'));
      assert.equal(await page.locator('#board .chess-square[tabindex="0"]').count(), 1);
    }
    const uci = chooseMove(st.legal, st.state.state);
    const how = made === 0 ? 'keys' : made === 1 ? 'drag' : 'click';
    try {
      await playMove(page, uci, how, flipped);
      await page.waitForFunction((p) => Number(document.querySelector('#board')?.dataset.ply) > p
        || !!document.querySelector('#result:not([hidden])'), st.ply, { timeout: 5000 });
    } catch (e) {
      if (how !== 'click') throw e;
      continue;  // a click the board redrew under: the same state is tried again
    }
    ply = st.ply;
    made++;
    assert.ok(made <= 600, 'the game ends');
  }
  await page.waitForSelector('#result:not([hidden])');
  const headline = await page.textContent('#result h2');
  assert.match(headline, /You won|You lost|Draw/);
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'finished');
  assert.equal(stored.rated, false, 'a guest plays unrated');
  assert.match(await page.textContent('#result'), new RegExp(stored.termination));
  const ours = stored.moves.filter((m) => m.seat === mySeat);
  assert.equal(ours.length, made);
  // The game ended on the board (mate, stalemate, a draw rule), not by time or resignation.
  const final = inner((await api(`/api/matches/${id}/views?viewer=spectator`)).views.at(-1));
  assert.notEqual(final.result, '*');
  assert.ok(['checkmate', 'stalemate', 'insufficient material', 'fifty-move rule', 'threefold repetition',
    'seventy-five-move rule', 'fivefold repetition'].includes(final.termination), final.termination);
  // The move list: every ply in SAN, numbered from 1.
  const sans = await page.$$eval('#board .chess-san', (els) => els.map((e) => e.textContent));
  assert.equal(sans.length, stored.moves.length, 'one SAN move per ply');
  assert.deepEqual(sans, final.moves);
  assert.match(await page.textContent('#board .chess-moves li'), /^1\. \S+ \S+$/);
  // The final board is the server's final view, with the last move and any check marked.
  assert.deepEqual(await drawnPieces(page, '#board'), viewPieces(final));
  assert.deepEqual(await page.$$eval('#board .chess-square.last', (els) => els.map((e) => e.dataset.square).sort()),
    [final.last_move.from, final.last_move.to].sort());
  assert.equal(await page.locator('#board .chess-square.check').count(), final.check ? 1 : 0);
  const status = await page.textContent('#board .chess-status');
  if (final.result === '1/2-1/2') {
    assert.match(status, new RegExp(`^Draw: ${final.termination}`));
    assert.match(headline, /Draw/);
  } else {
    const winner = final.result === '1-0' ? 0 : 1;
    assert.match(status, new RegExp(`^${['White', 'Black'][winner]}.* wins: checkmate`));
    assert.match(headline, winner === mySeat ? /You won/ : /You lost/);
  }
  assert.equal(await page.locator('#board .chess-target, #board .chess-square[tabindex]').count(), 0, 'nothing to play after the end');
  await harness.shot(page, 'play-chess');
  await page.setViewportSize({ width: 390, height: 844 });
  await harness.shot(page, 'play-chess-phone');
  await page.setViewportSize({ width: 1200, height: 900 });

  // The replay draws the server's views move by move.
  await page.click('#to-replay');
  await page.waitForSelector('#replay-board svg.board.chess');
  await page.click('#replay-first');
  assert.equal(await page.locator('#replay-board [data-piece]').count(), 32);
  assert.equal(await page.locator('#replay-board .chess-san').count(), 0);
  await page.click('#replay-next');
  assert.equal(await page.locator('#replay-board .chess-san').count(), 1);
  await page.click('#replay-last');
  assert.deepEqual(await drawnPieces(page, '#replay-board'), viewPieces(final));
  await harness.shot(page, 'replay-chess');
  await page.close();
  console.log(`# chess: ${stored.moves.length} plies, ${final.termination} (${final.result}), ${made} moves of ours, ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('a set-up position: castling by clicking the king and its rook, promotion to a knight, a flipped board, clocks', async () => {
  const page = await harness.newPage(env.context, 'chess-setup', consoleErrors);
  const states = watchStates(page);
  await page.goto(`${env.base}/#/`);
  await page.waitForSelector('#play-start');
  // White: king e1, rook h1, a pawn on a7; Black: a lone king on g8. White to move.
  const spec = 'chess(fen="6k1/P7/8/8/8/8/8/4K2R w K - 0 1")';
  const id = await matchAsWhite(page, spec);
  await page.goto(`${env.base}/#/match/${id}`);
  await page.waitForSelector('#board svg.board.chess');
  assert.match(await page.textContent('#role'), /\(seat 1\)/);
  assert.deepEqual(await drawnPieces(page, '#board'), ['K@e1', 'P@a7', 'R@h1', 'k@g8']);
  // The clocks are the match page's, in the seat bars: 5 minutes each.
  assert.deepEqual(await page.$$eval('.seat-bar .clock', (els) => els.map((e) => /\d:\d\d/.test(e.textContent))), [true, true]);
  await ourTurn(page, states, id, -1);

  // O-O: the king, then its rook (g1 is offered as well); the rook jumps to f1.
  await page.click('#board [data-square="e1"]');
  assert.deepEqual(await page.$$eval('#board .chess-target', (els) => els.map((e) => e.dataset.square).sort()), ['d1', 'd2', 'e2', 'f1', 'f2', 'g1', 'h1']);
  assert.equal(await page.getAttribute('#board [data-square="h1"]', 'data-action'), 'e1g1');
  await harness.shot(page, 'chess-castling-targets');
  await page.click('#board [data-square="h1"]');
  await page.waitForSelector('#board [data-square="g1"] [data-piece="K"]');
  await page.waitForSelector('#board [data-square="f1"] [data-piece="R"]');
  assert.equal(await page.locator('#board [data-square="h1"] [data-piece]').count(), 0);
  assert.equal(await page.locator('#board [data-square="e1"] [data-piece]').count(), 0);

  // The flip survives the next state; the promotion: a7, a8, the chooser, a knight.
  await page.click('#board [data-action="flip"]');
  assert.match(await page.getAttribute('#board svg.board.chess', 'aria-label'), /Black at the bottom/);
  const turn = await ourTurn(page, states, id, 0);
  assert.match(await page.getAttribute('#board svg.board.chess', 'aria-label'), /Black at the bottom/);
  assert.deepEqual(turn.legal.filter((u) => u.startsWith('a7')).sort(), ['a7a8b', 'a7a8n', 'a7a8q', 'a7a8r']);
  await page.click('#board [data-square="a7"]');
  await page.click('#board [data-square="a8"]');
  await page.waitForSelector('#board .chess-promo');
  await harness.shot(page, 'chess-promotion-chooser');
  // Cancel closes the chooser and keeps the pawn picked; then the knight.
  await page.click('#board .chess-promo-cancel');
  assert.equal(await page.locator('#board .chess-promo').count(), 0);
  await page.click('#board [data-square="a8"]');
  await page.click('#board .chess-promo-choice[data-promotion="n"]');
  await page.waitForSelector('#board [data-square="a8"] [data-piece="N"]');
  assert.equal(await page.locator('#board [data-square="a7"] [data-piece]').count(), 0);
  await page.waitForFunction(() => [...document.querySelectorAll('#board .chess-san')].some((e) => e.textContent.startsWith('a8=N')));
  const sans = await page.$$eval('#board .chess-san', (els) => els.map((e) => e.textContent));
  assert.equal(sans[0], 'O-O');
  const stored = await api(`/api/matches/${id}`);
  assert.deepEqual(stored.moves.filter((m) => m.seat === 0).map((m) => m.action), ['e1g1', 'a7a8n']);

  // The lobby's live card draws the match small, for a spectator in another browser (our
  // own lobby would take us back to the match).
  const other = await harness.launchBrowser();
  try {
    const lobby = await harness.newPage(await other.newContext({ viewport: { width: 1200, height: 900 } }), 'chess-lobby', consoleErrors);
    await lobby.goto(`${env.base}/#/`);
    const card = `.live-card[data-match="${id}"]`;
    await lobby.waitForSelector(`${card} svg.board.chess.small [data-square="a8"] [data-piece="N"]`);
    assert.equal(await lobby.locator(`${card} .chess-coord, ${card} [tabindex], ${card} .chess-flip`).count(), 0);
    await harness.shot(lobby, 'lobby-chess');
  } finally {
    await other.close();
  }

  await page.click('#resign');
  await page.waitForSelector('#result:not([hidden])');
  assert.match(await page.textContent('#result h2'), /You lost/);
  await page.close();
});

test('Chess960 castling is king-takes-rook: dragging the king onto its rook castles', async () => {
  const page = await harness.newPage(env.context, 'chess960', consoleErrors);
  const states = watchStates(page);
  await page.goto(`${env.base}/#/`);
  await page.waitForSelector('#play-start');
  const id = await matchAsWhite(page, 'chess(variant=chess960,fen="6k1/8/8/8/8/8/8/4K2R w K - 0 1")', 'untimed');
  await page.goto(`${env.base}/#/match/${id}`);
  const turn = await ourTurn(page, states, id, -1);
  assert.ok(turn.legal.includes('e1h1') && !turn.legal.includes('e1g1'), 'the castling move is e1h1');
  await page.click('#board [data-square="e1"]');
  assert.equal(await page.getAttribute('#board [data-square="h1"]', 'data-action'), 'e1h1');
  assert.match(await page.getAttribute('#board [data-square="h1"]', 'class'), /chess-target/);
  // g1 is the king's plain step there, not castling.
  assert.equal(await page.getAttribute('#board [data-square="g1"]', 'data-action'), null);
  await page.dragAndDrop('#board [data-square="e1"]', '#board [data-square="h1"]');
  await page.waitForSelector('#board [data-square="g1"] [data-piece="K"]');
  await page.waitForSelector('#board [data-square="f1"] [data-piece="R"]');
  assert.equal((await api(`/api/matches/${id}`)).moves[0].action, 'e1h1');
  await page.click('#resign');
  await page.waitForSelector('#result:not([hidden])');
  await page.close();
});

test('no console errors', () => {
  assert.deepEqual(consoleErrors, []);
});
