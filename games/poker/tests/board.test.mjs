// The poker family's table in the browser (games/poker/web/board.js), end to end: a real
// `arena serve` and Debian's chromium headless (tests/web/harness.mjs). A guest challenges the
// house random agent to no-limit hold'em over the page's own WebSocket (as the lobby's play
// form does) and plays hands to the end only by clicking: once a bet or raise is open to it,
// the amount is set with the slider, the arrow keys and the number box, and the Bet/Raise
// button sends it (the stored move and the next view must agree with it); after that it
// checks or calls to the end. All along, a watcher in the page records any opponent's card
// drawn face up before the hand's result is drawn. Then: the result, the stored match over
// REST, a Leduc hold'em hand that reaches its second round (the public card is drawn), and a
// six-seat house match drawn small on a spectator's lobby and in full on its match page.
// Run from the repository root (npm run test:web):
//   ARENA_BINARY=build/arena node --test games/poker/tests/board.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from '../../../tests/web/harness.mjs';

const env = harness.serverAndBrowser('arena-poker-');
const consoleErrors = [];
const api = (path) => harness.getJson(env.base, path);

// Every `state` a page receives for a seat of ours, by match id, in order.
function watchStates(page) {
  const states = new Map();
  harness.onSeatState(page, (m) => {
    if (!states.has(m.match_id)) states.set(m.match_id, []);
    states.get(m.match_id).push(m);
  });
  return states;
}

// Installed in the page before its scripts: whenever the board changes, an opponent's card
// drawn face up on a hold'em table that shows no result yet is recorded in window.__leaks.
function watchLeaks() {
  window.__leaks = [];
  const check = () => {
    const table = document.querySelector('#board .holdem');
    if (!table || table.querySelector('.holdem-result')) return;
    for (const c of table.querySelectorAll('.holdem-seat:not(.me) .card:not([data-hidden])')) {
      window.__leaks.push(`${c.closest('.holdem-seat').dataset.seat}:${c.dataset.card} at ply ${document.querySelector('#board').dataset.ply}`);
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
}

// Challenges the house random agent to `spec` over the page's own WebSocket; resolves the
// match id and our seat.
async function challenge(page, spec) {
  return page.evaluate(async (game) => {
    const { socket } = await import('/js/socket.js');
    const ws = socket();
    await ws.whenOpen();
    const ack = await ws.request({ type: 'challenge', to: 'random', game, time_control: 'untimed', rated: false });
    const m = await (await fetch(`/api/matches/${ack.match_id}`)).json();
    return { id: ack.match_id, seat: m.seats.findIndex((s) => s.player_id === ws.lastPlayer.id) };
  }, spec);
}

// The latest state of `id` that asks our seat to move at a ply after `after`, once the board
// draws it with our controls; null when the match ended first.
async function ourTurn(page, states, id, after, controls) {
  for (let i = 0; i < 400; i++) {
    if (await page.locator('#result:not([hidden])').count()) return null;
    const st = states.get(id)?.at(-1);
    if (st && st.ply > after && st.to_act.includes(st.seat) && st.legal.length) {
      const drawn = await page.waitForSelector(`#board[data-ply="${st.ply}"] ${controls}`, { timeout: 3000 }).catch(() => null);
      if (drawn) return st;
    }
    await harness.sleep(25);
  }
  throw new Error(`no turn of ours in match ${id} after ply ${after}`);
}

const nextPly = (page, ply) => page.waitForFunction((p) => Number(document.querySelector('#board')?.dataset.ply) > p
  || !!document.querySelector('#result:not([hidden])'), ply, { timeout: 5000 });

const opponentCards = (page) => page.$$eval('#board .holdem-seat:not(.me) .card', (els) => els.map((e) => e.dataset.card ?? null));

test('GET /api/games lists holdem with the poker board', async () => {
  const game = (await api('/api/games')).find((g) => g.name === 'holdem');
  assert.ok(game, 'holdem is registered');
  assert.equal(game.family, 'poker');
  assert.equal(game.board, '/games/poker/board.js');
  assert.ok(game.opponents.includes('random'), 'the house random agent plays holdem');
});

test("no-limit hold'em against the house random agent by clicking: a sized bet, then check/call to the end", async () => {
  const started = Date.now();
  const page = await harness.newPage(env.context, 'holdem', consoleErrors);
  await page.addInitScript(watchLeaks);
  const states = watchStates(page);
  await page.goto(`${env.base}/#/`);
  await page.waitForSelector('#play-start');

  let sized = null;  // {id, amount, word}: the bet made with the slider and the number box
  const hands = [];
  let passive = 0;  // checks and calls clicked
  for (let hand = 0; hand < 8 && !(sized && passive); hand++) {
    const { id, seat } = await challenge(page, 'holdem(limit=false)');
    assert.ok(seat === 0 || seat === 1, 'we sit at the table');
    await page.goto(`${env.base}/#/match/${id}`);
    // The house agent, first to act, may have folded before the page opened: the match page
    // then shows the replay instead, and that hand has nothing of ours to click.
    await page.waitForSelector('#board .holdem, #replay-board');
    if (await page.locator('#replay-board').count()) {
      const ended = await api(`/api/matches/${id}`);
      assert.equal(ended.status, 'finished');
      assert.equal(ended.moves.filter((m) => m.seat === seat).length, 0, 'the hand ended before our first move');
      hands.push('over before we saw it');
      continue;
    }
    assert.equal(await page.getAttribute('#board .holdem-seat.me', 'data-seat'), String(seat));
    assert.equal(await page.locator('#board .holdem-seat').count(), 2);
    let ply = -1;
    let made = 0;
    for (let tries = 0; ; tries++) {
      assert.ok(tries < 60, 'the hand ends in 60 tries');
      const st = await ourTurn(page, states, id, ply, '.holdem-controls');
      if (!st) break;
      const v = st.state.state;
      assert.equal(v.to_act, seat);
      // The opponent's hole cards are face down while we play; ours are face up.
      assert.deepEqual(await opponentCards(page), [null, null]);
      assert.deepEqual(await page.$$eval('#board .holdem-seat.me .card', (els) => els.map((e) => e.dataset.card)), v.seats[seat].cards);
      assert.equal(await page.getAttribute('#board .holdem-pot', 'data-pot'), String(v.pot));
      const slider = page.locator('#board .holdem-slider');
      try {
        if (!sized && await slider.count()) {
          const { word, min, max } = v.legal.raise;
          assert.equal(await slider.getAttribute('min'), String(min));
          assert.equal(await slider.getAttribute('max'), String(max));
          // A click on the slider moves the amount; the box and the button follow it.
          await slider.click({ position: { x: Math.round((await slider.boundingBox()).width * 0.3), y: 5 } });
          const slid = Number(await slider.inputValue());
          assert.ok(slid > min && slid < max, `the slider moved into the range: ${slid}`);
          assert.equal(Number(await page.inputValue('#board .holdem-amount')), slid);
          await slider.press('ArrowRight');
          assert.equal(Number(await page.inputValue('#board .holdem-amount')), slid + 1);
          // Out of range in the box: the button waits; on leaving the box it is clamped.
          await page.fill('#board .holdem-amount', String(max + 1));
          assert.equal(await page.isDisabled('#board .holdem-raise'), true);
          await page.locator('#board .holdem-amount').blur();
          assert.equal(Number(await page.inputValue('#board .holdem-amount')), max);
          // The chosen amount, typed in the box; the slider follows it.
          const amount = Math.min(max, Math.max(min, min + Math.round((max - min) / 37)));
          await page.fill('#board .holdem-amount', String(amount));
          assert.equal(Number(await slider.inputValue()), amount);
          const button = page.locator('#board .holdem-raise');
          assert.equal(await button.getAttribute('data-action'), `${word} ${amount}`);
          assert.equal(await button.isDisabled(), false);
          await harness.shot(page, 'holdem-sizing');
          await button.click({ timeout: 2000 });
          sized = { id, amount, word, ply: st.ply, seat, committedBefore: v.seats[seat].committed, betBefore: v.seats[seat].bet };
        } else {
          const check = page.locator('#board .holdem-controls button[data-action="check"]');
          await (await check.count() ? check : page.locator('#board .holdem-controls button[data-action="call"]')).click({ timeout: 2000 });
          passive++;
        }
        await nextPly(page, st.ply);
      } catch (e) {
        if (sized?.ply === st.ply || !String(e.message).includes('Timeout')) throw e;
        continue;  // the board redrew under a click: the same state is tried again
      }
      ply = st.ply;
      made++;
      assert.ok(made <= 20, 'a hand ends');
    }
    await page.waitForSelector('#result:not([hidden])');
    await page.waitForSelector('#board .holdem-result');
    const stored = await api(`/api/matches/${id}`);
    assert.equal(stored.status, 'finished');
    assert.equal(stored.rated, false, 'a guest plays unrated');
    assert.equal(stored.moves.filter((m) => m.seat === seat).length, made);
    const final = (await api(`/api/matches/${id}/views?viewer=spectator`)).views.at(-1).state;
    assert.ok(final.result, 'the last view has the result');
    // The result: a line per pot won, with its amount; a shown hand's cards face up.
    assert.deepEqual(await page.$$eval('#board .holdem-win', (els) => els.map((e) => [Number(e.dataset.seat), Number(e.dataset.amount)])),
      final.result.winners.map((w) => [w.seat, w.amount]));
    const opp = 1 - seat;
    const shown = final.result.hands.find((x) => x.seat === opp && x.cards);
    assert.deepEqual(await opponentCards(page), shown ? shown.cards : [null, null]);
    assert.match(await page.textContent('#result h2'), /You won|You lost|Draw/);
    hands.push(`${final.result.showdown ? 'showdown' : 'fold'}, ${made} moves of ours`);
    if (sized?.id === id) {
      // The sent action is the stored one and the view after it agrees: our bet this round
      // is the amount, the chips in the hand grew by what the bet added.
      const move = stored.moves.find((m) => m.ply === sized.ply);
      assert.equal(move.seat, seat);
      assert.equal(move.action, `${sized.word} ${sized.amount}`);
      const after = states.get(id).find((m) => m.last_move?.ply === sized.ply);
      assert.ok(after, 'the state after our bet came');
      const me = after.state.state.seats[seat];
      assert.equal(me.bet, sized.amount);
      assert.equal(me.committed, sized.committedBefore + sized.amount - sized.betBefore);
      assert.deepEqual(after.state.state.last_action && [after.state.state.last_action.action, after.state.state.last_action.to],
        [sized.word, sized.amount]);
      const logged = await page.$$eval('#board .holdem-log li[data-seat]', (els) => els.map((e) => e.textContent));
      assert.ok(logged.some((t) => t.endsWith(`${sized.word} ${sized.amount.toLocaleString('en-US')}`)), `the log has our ${sized.word}`);
      await harness.shot(page, 'play-holdem');
    }
  }
  assert.ok(sized, 'a bet or raise was open to us in one of 8 hands');
  assert.ok(passive > 0, 'we checked or called in one of 8 hands');
  assert.deepEqual(await page.evaluate(() => window.__leaks), [], 'no opponent card drawn face up before the result');
  // Hand history export for the stored match, as a spectator sees it.
  const exported = await (await fetch(`${env.base}/api/matches/${sized.id}/export`)).text();
  assert.match(exported, /hold'em hand/i);
  await page.setViewportSize({ width: 390, height: 844 });
  await harness.shot(page, 'play-holdem-phone');
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.close();
  console.log(`# holdem: ${hands.length} hand(s): ${hands.join('; ')}; sized ${sized.word} ${sized.amount}, ${passive} checks/calls; ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test("Leduc hold'em still draws: cards, pot, and the public card in round 2", async () => {
  const page = await harness.newPage(env.context, 'leduc', consoleErrors);
  const states = watchStates(page);
  await page.goto(`${env.base}/#/`);
  await page.waitForSelector('#play-game');
  let seen = false;
  for (let hand = 0; hand < 8 && !seen; hand++) {
    const { id } = await challenge(page, 'leduc_poker');
    await page.goto(`${env.base}/#/match/${id}`);
    // Once dealt, the other's card and the public card are face down, ours face up.
    await page.waitForFunction(() => document.querySelectorAll('#board .kuhn .card[aria-label="hidden card"]').length === 2
      && document.querySelectorAll('#board .kuhn .public-card').length === 1);
    let ply = -1;
    for (let tries = 0; ; tries++) {
      assert.ok(tries < 40, 'the hand ends in 40 tries');
      if (await page.locator('#board .public-card .card[data-card]').count()) {
        seen = true;
        break;
      }
      const st = await ourTurn(page, states, id, ply, '.actions button');
      if (!st) break;
      // Check or call to reach round 2 (never fold).
      const pick = ['check', 'call'].find((a) => st.legal.includes(a)) ?? st.legal.find((a) => a !== 'fold');
      try {
        await page.click(`#board .actions button[data-action="${pick}"]`, { timeout: 2000 });
        await nextPly(page, st.ply);
      } catch {
        continue;
      }
      ply = st.ply;
    }
    if (seen) {
      await page.waitForSelector('#board .public-card .round');
      assert.match(await page.textContent('#board .public-card .round'), /round 2/);
      assert.match(await page.getAttribute('#board .public-card .card[data-card]', 'aria-label'), /^card [JQK][sh]$/);
      await harness.shot(page, 'play-leduc-round2');
    }
    if (!(await page.locator('#result:not([hidden])').count())) {
      await page.click('#resign');
      await page.waitForSelector('#result:not([hidden])');
    }
  }
  assert.ok(seen, 'a Leduc hand reached round 2 in 8 tries');
  await page.close();
});

test("six-seat hold'em between house agents: small on a spectator's lobby, the full table on its page", async () => {
  const dir = harness.makeTempDir('arena-poker6-');
  const server = harness.startServer(dir, ['--house-matches', '1', '--house-interval-ms', '150', '--house-agents', 'random',
    '--house-games', 'holdem(players=6,stacks=600/1500/4000/20000/20000/20000)', '--threads', '2']);
  const browser = await harness.launchBrowser();
  try {
    const base = await server.url;
    const page = await harness.newPage(await browser.newContext({ viewport: { width: 1200, height: 900 } }), 'holdem6', consoleErrors);
    await page.goto(`${base}/#/`);
    const card = '#live-matches .live-card .holdem.small';
    await page.waitForSelector(card, { timeout: 20000 });
    assert.equal(await page.locator(`${card} .holdem-seat`).first().evaluate((e) => e.closest('.holdem').querySelectorAll('.holdem-seat').length), 6);
    assert.equal(await page.locator(`${card} .holdem-controls, ${card} button, ${card} input`).count(), 0, 'nothing to play in the lobby');
    await harness.shot(page, 'lobby-holdem6');
    // The full table of a finished house hand, in its replay as a spectator sees it.
    const id = await page.getAttribute('#live-matches .live-card:has(.holdem)', 'data-match');
    // Polled from here: the page-side waitForFunction with an async predicate let the replay
    // open while the hand was still being played (seen in CI).
    for (const until = Date.now() + 20000; (await harness.getJson(base, `/api/matches/${id}`)).status !== 'finished';) {
      assert.ok(Date.now() < until, `match ${id} did not finish within 20 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.goto(`${base}/#/replay/${id}`);
    await page.waitForSelector('#replay-board .holdem:not(.small)');
    await page.click('#replay-first');
    for (let i = 0; i < 14; i++) await page.click('#replay-next');  // the hole cards are dealt
    assert.equal(await page.locator('#replay-board .holdem-seat').count(), 6);
    assert.equal(await page.locator('#replay-board .holdem-dealer').count(), 1);
    assert.equal(await page.locator('#replay-board .holdem-controls').count(), 0, 'a spectator gets no controls');
    assert.equal(await page.locator('#replay-board .holdem-seat .card[data-hidden]').count(), 12, 'a spectator sees no hole card');
    await harness.shot(page, 'replay-holdem6-preflop');
    await page.click('#replay-last');
    await page.waitForSelector('#replay-board .holdem-result .holdem-win');
    const final = (await (await fetch(`${base}/api/matches/${id}/views?viewer=spectator`)).json()).views.at(-1).state;
    assert.equal(await page.locator('#replay-board .holdem-win').count(), final.result.winners.length);
    assert.equal(await page.locator('#replay-board .holdem-seat .card:not([data-hidden])').count(),
      2 * final.result.hands.filter((x) => x.cards).length, 'the hands shown at the showdown, and only those, face up');
    await harness.shot(page, 'replay-holdem6-end');
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    harness.removeDir(dir);
  }
});

test('no console errors', () => {
  assert.deepEqual(consoleErrors, []);
});
