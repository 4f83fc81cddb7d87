// The browser's map (games/diplomacy/web/map-data.js) is generated from the rules' map
// (games/diplomacy/standard_map.cc) by gen-map.mjs: regenerate it here and compare, so the
// board never draws a map the rules do not play. After editing the map:
//   node games/diplomacy/web/gen-map.mjs
// Run: node --test games/diplomacy/tests/map-data.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generate, SOURCE, OUTPUT } from '../web/gen-map.mjs';
import { PROVINCES, COASTS, ARMY, FLEET } from '../web/map-data.js';

test('map-data.js is what gen-map.mjs makes of standard_map.cc', () => {
  assert.equal(readFileSync(OUTPUT, 'utf8'), generate(readFileSync(SOURCE, 'utf8')),
    'map-data.js is stale: run node games/diplomacy/web/gen-map.mjs');
});

test('the classic board: 75 provinces, 34 centres, 6 coasts, adjacencies between known locations', () => {
  assert.equal(PROVINCES.length, 75);
  assert.equal(PROVINCES.filter((p) => p.centre).length, 34);
  assert.equal(PROVINCES.filter((p) => p.centre && p.centre !== 'neutral').length, 22);
  assert.deepEqual(COASTS.map((c) => c.abbr), ['bul/ec', 'bul/sc', 'spa/nc', 'spa/sc', 'stp/nc', 'stp/sc']);
  const provinces = new Set(PROVINCES.map((p) => p.abbr));
  const locations = new Set([...provinces, ...COASTS.map((c) => c.abbr)]);
  for (const [a, b] of ARMY) assert.ok(provinces.has(a) && provinces.has(b), `army ${a}-${b}`);
  for (const [a, b] of FLEET) assert.ok(locations.has(a) && locations.has(b), `fleet ${a}-${b}`);
  for (const p of [...PROVINCES, ...COASTS]) {
    assert.ok(p.x >= 0 && p.x <= 1000 && p.y >= 0 && p.y <= 820, `${p.abbr} lies in the 1000x820 box`);
  }
  assert.ok(ARMY.some(([a, b]) => a === 'bur' && b === 'par') || ARMY.some(([a, b]) => a === 'par' && b === 'bur'));
  assert.ok(FLEET.some(([a, b]) => [a, b].includes('mao') && [a, b].includes('spa/nc')));
});

test('a line the generator does not know is an error, not a silent gap', () => {
  assert.throws(() => generate('R"(\nprovince par land 1 2 FRA Paris\nriver par bur\n)"'), /unknown kind 'river'/);
  assert.throws(() => generate('no map here'), /no R"/);
});
