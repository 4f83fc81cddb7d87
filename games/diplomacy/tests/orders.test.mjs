// The board's order logic without a browser (games/diplomacy/web/orders.js): reading the
// notation, splitting a seat's legal orders (the union the server sends) into its order
// groups in the rules' order, and the one-per-group list a seat submits with its defaults.
// Run: node --test games/diplomacy/tests/orders.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrder, orderGroups, ordersToSend, provinceOf } from '../web/orders.js';

// France and Austria in spring 1901, units as the view lists them (the rules' order: the
// map's starting units, which is why Austria's Trieste comes after Vienna).
const powers = [
  { seat: 0, power: 'FRA', name: 'France', centres: 3, units: 3, adjustment: 0, to_order: 3 },
  { seat: 1, power: 'AUS', name: 'Austria', centres: 3, units: 3, adjustment: 0, to_order: 3 },
];
const spring = {
  map: 'france_austria', phase: 'S1901M', type: 'movement', powers,
  units: [
    { power: 'AUS', type: 'A', at: 'bud' }, { power: 'AUS', type: 'A', at: 'vie' }, { power: 'AUS', type: 'F', at: 'tri' },
    { power: 'FRA', type: 'F', at: 'bre' }, { power: 'FRA', type: 'A', at: 'mar' }, { power: 'FRA', type: 'A', at: 'par' },
  ],
  dislodged: [],
};

test('parseOrder reads every kind of order', () => {
  assert.deepEqual(parseOrder('A PAR - BUR'), { text: 'A PAR - BUR', kind: 'move', unit: { type: 'A', at: 'par' }, to: 'bur', via: false, target: null });
  assert.equal(parseOrder('A BRE - LON VIA CONVOY').via, true);
  assert.deepEqual(parseOrder('A MAR S A PAR - BUR').target, { type: 'A', at: 'par' });
  assert.equal(parseOrder('A MAR S A PAR - BUR').to, 'bur');
  assert.equal(parseOrder('F BRE S A PAR').to, null);
  assert.deepEqual([parseOrder('F MAO C A BRE - LON').kind, parseOrder('F MAO C A BRE - LON').to], ['convoy', 'lon']);
  assert.deepEqual(parseOrder('F STP/SC - BOT').unit, { type: 'F', at: 'stp/sc' });
  assert.equal(parseOrder('F MAO - SPA/NC').to, 'spa/nc');
  assert.equal(parseOrder('A BUR R RUH').kind, 'retreat');
  assert.equal(parseOrder('A BUR D').kind, 'disband');
  assert.deepEqual([parseOrder('F STP/NC B').kind, parseOrder('F STP/NC B').unit.at], ['build', 'stp/nc']);
  assert.equal(parseOrder('WAIVE').kind, 'waive');
  assert.equal(parseOrder('e2e4'), null);
  assert.equal(provinceOf('spa/nc'), 'spa');
});

test('movement: one group per unit of the seat, in the view order, each with its own orders', () => {
  const legal = ['F BRE H', 'A MAR H', 'A PAR H', 'F BRE - MAO', 'A PAR - BUR', 'A MAR - BUR', 'A MAR S A PAR - BUR', 'A PAR S A MAR - BUR'];
  const groups = orderGroups(spring, 0, legal);
  assert.deepEqual(groups.map((g) => g.unit.at), ['bre', 'mar', 'par']);
  assert.deepEqual(groups[1].options.map((o) => o.text), ['A MAR H', 'A MAR - BUR', 'A MAR S A PAR - BUR']);
  // Nothing chosen: everyone holds; a choice replaces its group's default only.
  assert.deepEqual(ordersToSend(groups), ['F BRE H', 'A MAR H', 'A PAR H']);
  assert.deepEqual(ordersToSend(groups, [undefined, 'A MAR S A PAR - BUR', 'A PAR - BUR']), ['F BRE H', 'A MAR S A PAR - BUR', 'A PAR - BUR']);
  // A pick that is not one of its group's options falls back to the default.
  assert.deepEqual(ordersToSend(groups, ['A PAR - BUR']), ['F BRE H', 'A MAR H', 'A PAR H']);
  // Austria's groups keep the view's order, not the alphabet.
  const aus = orderGroups(spring, 1, ['A BUD H', 'A VIE H', 'F TRI H']);
  assert.deepEqual(aus.map((g) => g.unit.at), ['bud', 'vie', 'tri']);
  // A spectator, or a seat with nothing to order, has no groups.
  assert.deepEqual(orderGroups(spring, null, legal), []);
  assert.deepEqual(orderGroups(spring, 0, []), []);
});

test('retreats: one group per dislodged unit of the seat; an unordered one disbands', () => {
  const view = {
    ...spring, phase: 'F1901R', type: 'retreat',
    units: [{ power: 'AUS', type: 'A', at: 'bur' }, { power: 'FRA', type: 'A', at: 'mar' }],
    dislodged: [{ power: 'AUS', type: 'A', at: 'tyr', attacker_from: 'mun' }, { power: 'FRA', type: 'A', at: 'bur', attacker_from: 'mun' }],
  };
  const groups = orderGroups(view, 0, ['A BUR R PIC', 'A BUR R GAS', 'A BUR D']);
  assert.equal(groups.length, 1);
  assert.equal(groups[0].unit.at, 'bur');
  assert.deepEqual(ordersToSend(groups), ['A BUR D']);
  assert.deepEqual(ordersToSend(groups, ['A BUR R GAS']), ['A BUR R GAS']);
});

test('adjustments: |adjustment| identical groups; builds default to WAIVE, disbands to distinct units', () => {
  const builds = { ...spring, phase: 'W1901A', type: 'adjustment', powers: [{ ...powers[0], adjustment: 2 }, { ...powers[1], adjustment: -2 }] };
  const buildGroups = orderGroups(builds, 0, ['A PAR B', 'F BRE B', 'A BRE B', 'WAIVE']);
  assert.equal(buildGroups.length, 2);
  assert.deepEqual(ordersToSend(buildGroups), ['WAIVE', 'WAIVE']);
  assert.deepEqual(ordersToSend(buildGroups, ['F BRE B']), ['F BRE B', 'WAIVE']);
  const disbandGroups = orderGroups(builds, 1, ['A BUD D', 'A VIE D', 'F TRI D']);
  assert.equal(disbandGroups.length, 2);
  assert.deepEqual(ordersToSend(disbandGroups), ['A BUD D', 'A VIE D']);
  assert.deepEqual(ordersToSend(disbandGroups, [undefined, 'A BUD D']), ['A VIE D', 'A BUD D']);
  assert.deepEqual(ordersToSend(disbandGroups, ['F TRI D']), ['F TRI D', 'A BUD D']);
});
