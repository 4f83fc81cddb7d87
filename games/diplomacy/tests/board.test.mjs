// Diplomacy's board in the browser (games/diplomacy/web/board.js), end to end: a real
// `arena serve` and Debian's chromium headless (tests/web/harness.mjs). A guest challenges
// the house random agent to the two-power variant (France against Austria) and plays a full
// year (spring and autumn movements, any retreats, the winter's builds or disbands) by
// clicking: units, then targets; a unit twice to hold; Support, the supported unit and its
// destination. Each phase's orders are checked as the board sends them (one per order
// group, in group order: orders.js), and after each phase the map shows the phase that
// follows and the resolved orders as arrows, failed ones marked as the server says.
// Run from the repository root (npm run test:web):
//   ARENA_BINARY=build/arena node --test games/diplomacy/tests/board.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from '../../../tests/web/harness.mjs';
import { PROVINCES } from '../web/map-data.js';
import { orderGroups, ordersToSend, parseOrder, powerOf, provinceOf } from '../web/orders.js';

const env = harness.serverAndBrowser('arena-diplomacy-');
const consoleErrors = [];
const SPEC = 'diplomacy(map=france_austria,max_year=1902)';
const CENTRES = new Set(PROVINCES.filter((p) => p.centre).map((p) => p.abbr));

const api = (path) => harness.getJson(env.base, path);

// Every `state` a page receives for our seat, by ply; and the orders it sends, by ply.
function watch(page) {
  const states = new Map();
  const sent = new Map();
  harness.onSeatState(page, (m) => states.set(m.ply, m));
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    const m = JSON.parse(String(payload));
    if (m.type === 'move' && m.orders) sent.set(m.ply, m.orders);
  }));
  return { states, sent };
}

// The orders the clicker gives in a movement phase: first a supported move (a move with a
// support from another unit of ours, onto a unit of the other power where it can), then moves onto centres we do not own, one unit to
// hold, the rest onto provinces nobody of ours goes to. Each unit's order, by its location.
function planMovement(v, legal, power) {
  const orders = legal.map(parseOrder);
  const mine = v.units.filter((u) => u.power === power);
  const of = (u, kind) => orders.filter((o) => o.unit?.at === u.at && o.kind === kind && !o.via);
  const plan = new Map();
  const goingTo = new Set();
  const ours = new Set(mine.map((u) => provinceOf(u.at)));
  const assign = (u, o) => {
    plan.set(u.at, o);
    if (o.to && o.kind === 'move') goingTo.add(provinceOf(o.to));
  };
  // Supported attacks on the other power's units first: they dislodge, and retreats follow.
  const enemy = (o) => v.units.some((w) => w.power !== power && provinceOf(w.at) === provinceOf(o.to));
  pair: for (const u of mine) {
    for (const m of of(u, 'move').sort((a, b) => enemy(b) - enemy(a))) {
      if (ours.has(provinceOf(m.to))) continue;
      for (const w of mine) {
        const s = of(w, 'support').find((o) => provinceOf(o.target.at) === provinceOf(u.at) && o.to && provinceOf(o.to) === provinceOf(m.to));
        if (w !== u && s) {
          assign(u, m);
          assign(w, s);
          break pair;
        }
      }
    }
  }
  for (const u of mine) {
    if (plan.has(u.at)) continue;
    const m = of(u, 'move').find((o) => CENTRES.has(provinceOf(o.to)) && v.owners[provinceOf(o.to)] !== power
      && !goingTo.has(provinceOf(o.to)) && !ours.has(provinceOf(o.to)));
    if (m) assign(u, m);
  }
  let held = false;
  for (const u of mine) {
    if (plan.has(u.at)) continue;
    const m = held ? of(u, 'move').find((o) => !goingTo.has(provinceOf(o.to)) && !ours.has(provinceOf(o.to))) : null;
    assign(u, m ?? of(u, 'hold')[0]);
    held = true;
  }
  return plan;
}

const loc = (name) => `#board .dip-loc[data-loc="${name}"]`;
const click = (page, selector) => page.click(selector, { timeout: 5000 });

// Gives one order by clicking, as a person would.
async function clickOrder(page, v, o) {
  const unitAt = (prov) => v.units.find((u) => provinceOf(u.at) === prov)?.at ?? prov;
  switch (o.kind) {
    case 'hold':
    case 'disband':
      await click(page, loc(o.unit.at));
      if (v.type !== 'adjustment') await click(page, loc(o.unit.at));
      return;
    case 'move':
    case 'retreat':
      await click(page, loc(o.unit.at));
      await page.waitForSelector(`${loc(o.unit.at)}.selected`);
      await page.waitForSelector(`${loc(o.to)}.dip-target`);
      await click(page, loc(o.to));
      return;
    case 'support':
    case 'convoy': {
      await click(page, loc(o.unit.at));
      await click(page, `#board [data-action="mode-${o.kind}"]`);
      assert.equal(await page.getAttribute(`#board [data-action="mode-${o.kind}"]`, 'aria-pressed'), 'true');
      const target = unitAt(provinceOf(o.target.at));
      await page.waitForSelector(`${loc(target)}.dip-target`);
      await click(page, loc(target));
      await click(page, loc(o.to ?? target));
      return;
    }
    case 'build':
      await click(page, loc(provinceOf(o.unit.at)));
      if (await page.locator('#board .dip-site').count()) await click(page, `#board .dip-site [data-action="${o.text}"]`);
      return;
    default:
      throw new Error(`no clicks for ${o.text}`);
  }
}

test('GET /api/games lists diplomacy with its board; the board modules are served', async () => {
  const game = (await api('/api/games')).find((g) => g.name === 'diplomacy');
  assert.ok(game, 'diplomacy is registered');
  assert.equal(game.board, '/games/diplomacy/board.js');
  assert.ok(game.opponents.includes('random'), 'the house random agent plays diplomacy');
  for (const file of ['board.js', 'board.css', 'orders.js', 'map-data.js']) {
    const res = await fetch(`${env.base}/games/diplomacy/${file}`);
    assert.equal(res.status, 200, file);
    assert.match(res.headers.get('content-type'), file.endsWith('.js') ? /javascript/ : /text\/css/);
  }
});

test('France against Austria: a full year against the house random agent, by clicking', async () => {
  const started = Date.now();
  const page = await harness.newPage(env.context, 'diplomacy', consoleErrors);
  const { states, sent } = watch(page);
  await page.goto(`${env.base}/#/`);
  await page.waitForSelector('#play-start');
  const id = await page.evaluate(async (game) => {
    const { socket } = await import('/js/socket.js');
    const ws = socket();
    await ws.whenOpen();
    return (await ws.request({ type: 'challenge', to: 'random', game, time_control: 'untimed', rated: false })).match_id;
  }, SPEC);
  await page.goto(`${env.base}/#/match/${id}`);
  await page.waitForSelector('#board svg.board.diplomacy');
  // 75 provinces and 6 coasts; 6 units; 34 centres, 6 of them owned.
  assert.equal(await page.locator('#board .dip-loc').count(), 81);
  assert.equal(await page.locator('#board .dip-unit').count(), 6);
  assert.equal(await page.locator('#board .dip-centre').count(), 34);
  assert.equal(await page.locator('#board .dip-centre:not(.free)').count(), 6);
  assert.deepEqual(await page.$$eval('#board .dip-power', (els) => els.map((e) => e.dataset.power)), ['FRA', 'AUS']);

  const played = [];
  const checked = [];  // the phases whose arrows were checked on the board
  let ply = -1;
  let seat = null;
  for (;;) {
    // The next state in which our seat orders (a phase without orders of ours resolves alone).
    let st = null;
    for (let i = 0; i < 400 && !st; i++) {
      const latest = [...states.values()].filter((m) => m.match_id === id && m.ply > ply).sort((a, b) => b.ply - a.ply)[0];
      if (latest && latest.state.state.year > 1901) break;
      if (latest?.to_act.includes(latest.seat) && latest.legal.length) st = latest;
      else await harness.sleep(25);
    }
    if (!st) break;
    const v = st.state.state;
    const me = powerOf(v, st.seat);
    seat = st.seat;
    await page.waitForSelector(`#board[data-ply="${st.ply}"] .dip-panel [data-action="submit"]`);
    assert.equal(await page.getAttribute('#board .dip-phase', 'data-phase'), v.phase);
    if (!played.length) {
      // The keyboard focus starts on the board: one of our units, in the Tab order.
      await page.waitForFunction(() => document.activeElement?.matches('#board .dip-loc[tabindex="0"]'));
    }
    const groups = orderGroups(v, st.seat, st.legal);
    assert.equal(groups.length, me.to_order, `${v.phase}: one group per order to give`);
    assert.equal(await page.locator('#board .dip-row').count(), groups.length);

    // What to order, group by group (an adjustment's picks fill its groups in turn).
    let picks;
    if (v.type === 'movement') {
      const plan = planMovement(v, st.legal, me.power);
      picks = groups.map((g) => plan.get(g.unit.at).text);
    } else if (v.type === 'retreat') {
      picks = groups.map((g) => (g.options.find((o) => o.kind === 'retreat') ?? g.options.find((o) => o.kind === 'disband')).text);
    } else {
      const used = new Set();
      picks = groups.map((g) => {
        const o = g.options.find((c) => (c.kind === 'build' || c.kind === 'disband') && !used.has(provinceOf(c.unit.at)));
        used.add(provinceOf(o?.unit.at));
        return o?.text;
      }).filter(Boolean);
    }
    for (const [i, text] of picks.entries()) {
      await clickOrder(page, v, parseOrder(text));
      assert.equal(await page.$eval(`#board .dip-row[data-group="${i}"] select`, (e) => e.value), text, `${v.phase}: ${text} by clicking`);
    }
    const expected = ordersToSend(groups, picks);
    await harness.shot(page, `diplomacy-${v.phase}-orders`);
    await click(page, '#board [data-action="submit"]');
    await page.waitForFunction((p) => Number(document.querySelector('#board')?.dataset.ply) > p, st.ply, { timeout: 10000 });
    assert.deepEqual(sent.get(st.ply), expected, `${v.phase}: one order per group, in group order`);

    // The phase resolved: the next phase is drawn with our orders as arrows.
    let next;
    for (let i = 0; i < 200 && !next; i++) {
      next = [...states.values()].filter((m) => m.match_id === id && m.ply > st.ply).sort((a, b) => a.ply - b.ply)[0];
      if (!next) await harness.sleep(25);
    }
    const after = next.state.state;
    assert.equal(after.last_phase.phase, v.phase);
    const ours = after.last_phase.orders[me.power];
    assert.deepEqual(ours.map(([text]) => text), expected);
    // The board as drawn now, read at once: a phase without orders of ours may resolve
    // and be redrawn at any moment, so its arrows are checked only while it is still the
    // phase after ours (the spring's always is: autumn needs our orders).
    await page.waitForFunction((p) => Number(document.querySelector('#board')?.dataset.ply) >= p, next.ply);
    const drawn = await page.evaluate(() => ({
      ply: Number(document.querySelector('#board').dataset.ply),
      phase: document.querySelector('#board .dip-phase')?.dataset.phase,
      arrows: [...document.querySelectorAll('#board .dip-arrow')].map((e) => [e.dataset.order, !e.classList.contains('failed')]),
    }));
    // The match page names the resolved step by its orders, each seat's in turn.
    await page.waitForFunction(() => /^Last move: orders \(.+: /.test(document.querySelector('#last-move')?.textContent));
    if (drawn.ply === next.ply) {
      assert.equal(drawn.phase, after.phase);
      for (const [text, ok] of ours.filter(([text]) => text !== 'WAIVE')) {
        assert.deepEqual(drawn.arrows.filter(([order]) => order === text), [[text, ok]], `${after.phase}: the arrow of ${text}`);
      }
      await harness.shot(page, `diplomacy-${v.phase}-resolved`);
      checked.push(v.phase);
    }
    played.push(v.phase);
    ply = st.ply;
  }
  assert.ok(played.includes('S1901M') && played.includes('F1901M'), `both movements of 1901 played: ${played}`);
  assert.ok(checked.includes('S1901M'), 'the spring\'s orders drawn as arrows');
  // A year later: spring 1902, the winter's builds and disbands on the board.
  await page.waitForSelector('#board .dip-phase[data-phase="S1902M"]');
  const now = [...states.values()].filter((m) => m.match_id === id).sort((a, b) => b.ply - a.ply)[0].state.state;
  assert.equal(await page.locator('#board .dip-unit').count(), now.units.length);
  for (const p of now.powers) {
    assert.equal(await page.getAttribute(`#board .dip-power[data-power="${p.power}"] .dip-count`, 'data-centres'), String(p.centres));
  }
  const stored = await api(`/api/matches/${id}`);
  assert.equal(stored.status, 'active');
  assert.ok(stored.moves.length >= played.length, 'every phase stored');
  await page.setViewportSize({ width: 390, height: 844 });
  await harness.shot(page, 'diplomacy-phone');
  await page.setViewportSize({ width: 1200, height: 900 });

  await page.click('#resign');
  await page.waitForSelector('#result:not([hidden])');
  // The replay draws the stored views with their arrows.
  await page.click('#to-replay');
  await page.waitForSelector('#replay-board svg.board.diplomacy');
  await page.click('#replay-last');
  await page.waitForSelector('#replay-board .dip-arrow');
  assert.match(await page.textContent('#replay-moves li'), /^orders: .+: [AF] [A-Z]{3}/);
  assert.equal(await page.locator('#replay-board .dip-panel').count(), 0, 'no orders to give in a replay');
  await harness.shot(page, 'replay-diplomacy');
  await page.close();
  console.log(`# diplomacy: ${played.join(' ')} as ${powerOf(now, seat)?.name}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('no console errors', () => {
  assert.deepEqual(consoleErrors, []);
});
