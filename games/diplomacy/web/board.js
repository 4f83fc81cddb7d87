// Diplomacy in the browser: a schematic SVG map drawn from the game's JSON view (the `state`
// field of a protocol `state` message, written by DiplomacyState::do_view):
//   { map, phase: "S1901M", year, season, type: "movement"|"retreat"|"adjustment",
//     powers: [{seat, power: "FRA", name, centres, units, adjustment, to_order}],
//     units: [{power, type: "A"|"F", at: "par"|"spa/nc"}], dislodged: [{power, type, at,
//     attacker_from}], owners: {"par": "FRA"|null, ...}, contested: ["bur"...],
//     last_phase: null | {phase, orders: {"FRA": [["A PAR - BUR", true], ...]}, dislodged,
//     civil_disorder}, winner: "FRA"|null }
// The map itself (where each province is drawn, its name, terrain, centre, adjacencies)
// is map-data.js, generated from the rules' own map (gen-map.mjs). Provinces are nodes
// (seas blue, land beige, coasts of two-coast provinces small nodes of their own), joined
// by their adjacencies; supply centres carry a dot in their owner's colour; units are A / F
// tokens in their power's colour, dislodged ones offset and dashed. The last phase's orders
// are drawn as arrows (moves and retreats solid, supports dashed, convoys dotted, failed
// ones faded and crossed).
//
// Orders: when our seat orders (ctx.onOrders, with our legal orders in ctx.legal), click
// one of our units, then a province: a move (a retreat); the unit again: hold (disband).
// The Support / Convoy buttons make the next two clicks the unit supported (convoyed) and
// where it goes (its own province: support to hold). In adjustments a click on a home
// centre builds (a chooser when an army and a fleet could both be built), on a unit
// disbands, again takes it back. The panel below lists one order per order group (as a
// select: every legal order is reachable by keyboard too), each a default until chosen (a
// unit holds, a dislodged unit disbands, a build is waived); Submit sends them all with
// ctx.onOrders(list), in group order (orders.js). Once sent they are listed as ours until
// the phase resolves: other seats never see them (the server keeps them).
// Test hooks: a location is `.dip-loc[data-loc="par"]` (`dip-target` when the selected
// unit can go there, `selected` for the selected unit's), a unit `.dip-unit[data-unit="par"]
// [data-power="FRA"]`, an arrow of the last phase `.dip-arrow[data-order="A PAR - BUR"]`
// (`failed`), an order row `.dip-row[data-group="0"] select`, the buttons `data-action`
// mode-move / mode-support / mode-convoy / clear / submit.
// Loaded by the UI (web/js/boards.js) from /games/diplomacy/board.js; it only draws and
// collects orders, the server checks them. Browser main thread only.

import { h, s, displayName } from '/js/util.js';
import { PROVINCES, COASTS, ARMY, FLEET } from './map-data.js';
import { parseOrder, provinceOf, powerOf, orderGroups, ordersToSend } from './orders.js';

// The UI adds this stylesheet to the page once, before the first board is drawn.
export const stylesheet = new URL('./board.css', import.meta.url).href;

const WIDTH = 1000;
const HEIGHT = 820;
const RADIUS = { sea: 20, land: 17, coast: 17, point: 8 };  // 'point': a coast of a two-coast province
const SEASONS = { spring: 'Spring', autumn: 'Autumn', winter: 'Winter' };
const TYPES = { movement: 'movements', retreat: 'retreats', adjustment: 'adjustments' };

// Every location by its name: the provinces, then the coasts (as points of their province).
const LOCATIONS = new Map([
  ...PROVINCES.map((p) => [p.abbr, { ...p, province: p.abbr }]),
  ...COASTS.map((c) => {
    const p = PROVINCES.find((q) => q.abbr === c.province);
    return [c.abbr, { ...c, name: `${p.name} (${c.abbr.split('/')[1].toUpperCase()})`, terrain: 'point', centre: null }];
  }),
]);
const radius = (loc) => RADIUS[LOCATIONS.get(loc)?.terrain] ?? RADIUS.land;

// Each adjacency drawn once: "a|b" -> {a, b, army, fleet}.
const EDGES = new Map();
for (const [list, kind] of [[ARMY, 'army'], [FLEET, 'fleet']]) {
  for (const [a, b] of list) {
    const key = [a, b].sort().join('|');
    if (!EDGES.has(key)) EDGES.set(key, { a, b, army: false, fleet: false });
    EDGES.get(key)[kind] = true;
  }
}

const cls = (power) => `pw-${String(power).toLowerCase()}`;
const unitName = (u) => `${u.type} ${u.at.toUpperCase()}`;

// A line from a to b, cut back by `cut` at each end (the nodes' radii), with an arrowhead
// at b unless `head` is false.
function arrow(a, b, { cut = [0, 0], head = true } = {}) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / len, dy / len];
  const x1 = a.x + ux * cut[0];
  const y1 = a.y + uy * cut[0];
  const x2 = b.x - ux * cut[1];
  const y2 = b.y - uy * cut[1];
  const g = s('g', {});
  g.append(s('line', { x1, y1, x2, y2, class: 'dip-shaft' }));
  if (head) {
    const [bx, by] = [x2 - ux * 16, y2 - uy * 16];
    g.append(s('polygon', { class: 'dip-head', points: `${x2},${y2} ${bx - uy * 8},${by + ux * 8} ${bx + uy * 8},${by - ux * 8}` }));
  }
  return g;
}

const at = (loc) => LOCATIONS.get(loc) ?? LOCATIONS.get(provinceOf(loc));
const along = (a, b, t) => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });

// One order drawn on the map (a group of class dip-arrow, data-order its text): moves and
// retreats as arrows, supports dashed (to the unit held, or onto the move supported),
// convoys dotted, holds as a ring, builds as a dashed ring, disbands as a cross. A failed
// order is faded and crossed at its end. null for an order with nothing to draw (WAIVE).
function drawOrder(o, power, { failed = false, pending = false } = {}) {
  if (!o?.unit) return null;
  const from = at(o.unit.at);
  if (!from) return null;
  const g = s('g', {
    class: `dip-arrow dip-${o.kind} ${cls(power)}${failed ? ' failed' : ''}${pending ? ' pending' : ''}`, 'data-order': o.text,
  });
  let end = from;
  if ((o.kind === 'move' || o.kind === 'retreat') && at(o.to)) {
    end = at(o.to);
    g.append(arrow(from, end, { cut: [radius(o.unit.at) - 2, radius(o.to) + 2] }));
  } else if ((o.kind === 'support' || o.kind === 'convoy') && at(o.target.at)) {
    const target = at(o.target.at);
    if (o.to && at(o.to)) {
      end = along(target, at(o.to), o.kind === 'support' ? 0.6 : 0.45);
      g.append(arrow(from, end, { cut: [radius(o.unit.at), 4] }));
    } else {
      end = target;
      g.append(arrow(from, end, { cut: [radius(o.unit.at), radius(o.target.at) + 3], head: false }));
      g.append(s('circle', { cx: end.x, cy: end.y, r: radius(o.target.at) + 4, class: 'dip-ring' }));
    }
  } else if (o.kind === 'hold' || o.kind === 'build') {
    g.append(s('circle', { cx: from.x, cy: from.y, r: radius(o.unit.at) + 5, class: 'dip-ring' }));
  } else if (o.kind === 'disband') {
    const r = radius(o.unit.at);
    g.append(s('path', { d: `M${from.x - r},${from.y - r}L${from.x + r},${from.y + r}M${from.x + r},${from.y - r}L${from.x - r},${from.y + r}`, class: 'dip-cross' }));
  }
  if (failed && o.kind !== 'disband') {
    g.append(s('path', { d: `M${end.x - 7},${end.y - 7}l14,14m0,-14l-14,14`, class: 'dip-fail-mark' }));
  }
  g.append(s('title', {}, `${o.text}${failed ? ' (failed)' : ''}`));
  return g;
}

// The map: adjacencies, locations with their centre and unit, the last phase's orders and
// our pending ones. `interactive` (null: nothing to order) carries what the order entry
// marks, {selected, targets, actionable} (sets of location names), and its handlers
// onLocation(loc) (a click, or Enter / Space) and onEscape().
function drawMap(v, ctx, interactive, pending) {
  const svg = s('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group',
    class: `board diplomacy${ctx.small ? ' small' : ''}${pending.length ? ' has-pending' : ''}`,
    'aria-label': `Diplomacy map, ${v.phase ?? ''}`,
  });
  svg.append(s('rect', { x: 0, y: 0, width: WIDTH, height: HEIGHT, rx: 12, class: 'dip-back' }));
  const edges = s('g', { class: 'dip-edges' });
  for (const e of EDGES.values()) {
    const [a, b] = [at(e.a), at(e.b)];
    if (a && b) edges.append(s('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: e.army ? 'dip-edge land' : 'dip-edge sea' }));
  }
  for (const c of COASTS) {
    const p = at(c.province);
    edges.append(s('line', { x1: p.x, y1: p.y, x2: c.x, y2: c.y, class: 'dip-edge coast' }));
  }
  svg.append(edges);

  const unitAt = new Map((v.units ?? []).map((u) => [u.at, u]));
  const dislodgedAt = new Map((v.dislodged ?? []).map((u) => [u.at, u]));
  const contested = new Set(v.contested ?? []);
  const owners = v.owners ?? {};
  for (const [name, loc] of LOCATIONS) {
    const r = RADIUS[loc.terrain];
    const classes = ['dip-loc', loc.terrain];
    if (contested.has(name)) classes.push('contested');
    if (interactive?.selected.has(name)) classes.push('selected');
    if (interactive?.targets.has(name)) classes.push('dip-target');
    const active = interactive?.actionable.has(name);
    const unit = unitAt.get(name);
    const gone = dislodgedAt.get(name);
    const label = [loc.name, loc.centre ? `supply centre${owners[name] ? ` of ${owners[name]}` : ', unowned'}` : null,
      unit ? `${unit.power} ${unitName(unit)}` : null, gone ? `dislodged ${gone.power} ${unitName(gone)}` : null,
      contested.has(name) ? 'standoff' : null].filter(Boolean).join(', ');
    const g = s('g', {
      class: classes.join(' '), 'data-loc': name, 'aria-label': label,
      role: active ? 'button' : null, tabindex: active ? 0 : null,
    });
    g.append(s('circle', { cx: loc.x, cy: loc.y, r, class: 'dip-node' }));
    if (!ctx.small && loc.terrain !== 'point') {
      g.append(s('text', { x: loc.x, y: loc.y + r + 10, class: 'dip-label' }, name.toUpperCase()));
    }
    if (loc.centre) {
      const owner = owners[name];
      g.append(s('circle', { cx: loc.x + r * 0.8, cy: loc.y - r * 0.8, r: 5.5, class: `dip-centre ${owner ? cls(owner) : 'free'}` }));
    }
    // The lobby's cards are about 200 px wide: units drawn larger stay visible there.
    const size = ctx.small ? 1.8 : 1;
    if (unit) g.append(drawUnit(unit, loc.x, loc.y, size));
    if (gone) g.append(drawUnit(gone, loc.x + 18, loc.y - 16, size, 'dislodged'));
    g.append(s('title', {}, label));
    svg.append(g);
  }

  // Orders over the nodes, under nothing: the pointer still reaches the locations below.
  const orders = s('g', { class: 'dip-orders' });
  for (const [power, list] of Object.entries(v.last_phase?.orders ?? {})) {
    for (const [text, ok] of list) {
      const el = drawOrder(parseOrder(text), power, { failed: !ok });
      if (el) orders.append(el);
    }
  }
  for (const { order, power } of pending) {
    const el = drawOrder(order, power, { pending: true });
    if (el) orders.append(el);
  }
  svg.append(orders);
  if (interactive) {
    const pick = (e) => e.target.closest?.('[data-loc]')?.dataset.loc;
    svg.addEventListener('click', (e) => {
      const loc = pick(e);
      if (loc) interactive.onLocation(loc);
    });
    svg.addEventListener('keydown', (e) => {
      const loc = pick(e);
      if (loc && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        interactive.onLocation(loc);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        interactive.onEscape();
      }
    });
  }
  return svg;
}

// An army (a disc) or a fleet (a rounded square) with its letter, in its power's colour,
// `size` times the usual size.
function drawUnit(u, x, y, size, extra = '') {
  const g = s('g', { class: `dip-unit ${cls(u.power)} ${extra}`.trim(), 'data-unit': u.at, 'data-power': u.power, 'data-type': u.type });
  g.append(u.type === 'F' ? s('rect', { x: x - 14 * size, y: y - 11 * size, width: 28 * size, height: 22 * size, rx: 5 * size, class: 'dip-token' })
    : s('circle', { cx: x, cy: y, r: 13 * size, class: 'dip-token' }));
  if (size === 1) g.append(s('text', { x, y: y + 0.5, class: 'dip-letter' }, u.type));
  return g;
}

// The phase and the powers: centres, units, builds or disbands; the winner.
function legend(v, ctx) {
  const title = v.phase
    ? `${SEASONS[v.season] ?? ''} ${v.year ?? ''}, ${TYPES[v.type] ?? v.type} (${v.phase})` : 'Diplomacy';
  const rows = (v.powers ?? []).map((p) => {
    const player = displayName(ctx.seats?.[p.seat]?.name);
    const adjust = p.adjustment > 0 ? `, builds ${p.adjustment}` : p.adjustment < 0 ? `, disbands ${-p.adjustment}` : '';
    return h('li', { class: `dip-power ${cls(p.power)}${ctx.seat === p.seat ? ' me' : ''}`, 'data-power': p.power },
      h('span', { class: 'dip-swatch', 'aria-hidden': 'true' }),
      h('span', { class: 'dip-power-name' }, `${p.name}${ctx.seat === p.seat ? ' (you)' : player ? ` (${player})` : ''}`),
      h('span', { class: 'dip-count', 'data-centres': p.centres }, ` ${p.centres} centres, ${p.units} units${adjust}`));
  });
  const winner = v.winner ? (v.powers ?? []).find((p) => p.power === v.winner)?.name ?? v.winner : null;
  return h('div', { class: 'dip-legend' },
    h('h3', { class: 'dip-phase', 'data-phase': v.phase ?? '' }, title),
    winner ? h('p', { class: 'dip-winner' }, `${winner} wins.`) : null,
    h('ul', { class: 'dip-powers' }, rows));
}

// The last phase as text: each power's orders (failed ones marked), dislodged units and
// units disbanded in civil disorder.
function lastPhase(v) {
  const last = v.last_phase;
  if (!last) return null;
  const list = h('ul', { class: 'dip-last-orders' });
  for (const [power, orders] of Object.entries(last.orders ?? {})) {
    for (const [text, ok] of orders) {
      list.append(h('li', { class: `${cls(power)}${ok ? '' : ' failed'}` }, `${power}: ${text}${ok ? '' : ' (fails)'}`));
    }
  }
  for (const d of last.dislodged ?? []) list.append(h('li', { class: 'note' }, `dislodged: ${d}`));
  for (const d of last.civil_disorder ?? []) list.append(h('li', { class: 'note' }, `disbanded in civil disorder: ${d}`));
  return h('details', { class: 'dip-last', open: true }, h('summary', {}, `Last phase: ${last.phase}`), list);
}

// ctx: { seat, legal: [notation], onOrders(list) (null when we give no orders now), seats,
// small, pick }. `pick` is kept across redraws of one state: the orders chosen so far by
// group (`orders`), the selected group (`sel`), the mode and the unit a support or convoy
// names (`target`), a build site with several builds (`site`), a hint, the orders sent.
export function render(v, ctx) {
  const pick = ctx.pick ?? {};
  const groups = ctx.small ? [] : orderGroups(v, ctx.seat, ctx.legal);
  const editing = typeof ctx.onOrders === 'function' && groups.length > 0;
  const me = powerOf(v, ctx.seat);
  pick.orders ??= [];
  pick.mode ??= 'move';
  pick.sel ??= null;
  if (ctx.small) return drawMap(v, ctx, null, []);
  const wrap = h('div', { class: 'dip-wrap' });

  const adjusting = v.type === 'adjustment';
  const unitIn = (prov) => (v.units ?? []).find((u) => provinceOf(u.at) === prov) ?? null;
  const groupIn = (prov) => groups.findIndex((g) => g.unit && provinceOf(g.unit.at) === prov);
  // The options of the selected group that `test` accepts.
  const optionsOf = (test) => (pick.sel === null ? [] : groups[pick.sel].options.filter(test));

  function choose(i, text) {
    pick.orders[i] = text;
    pick.sel = null;
    pick.target = null;
    pick.mode = 'move';
    pick.hint = null;
  }

  // Adjustments: a build or disband goes into the first group without one, or is taken
  // back when it is already chosen.
  function toggleAdjustment(text) {
    const i = pick.orders.indexOf(text);
    if (i >= 0) {
      pick.orders[i] = undefined;
      pick.hint = `${text} taken back.`;
      return;
    }
    const free = groups.findIndex((g, k) => !pick.orders[k] || pick.orders[k] === 'WAIVE');
    if (free < 0) {
      pick.hint = `All ${groups.length} chosen: click one to take it back.`;
      return;
    }
    pick.orders[free] = text;
    pick.hint = null;
  }

  function onLocation(loc) {
    const prov = provinceOf(loc);
    pick.site = null;
    if (adjusting) {
      const here = groups[0].options.filter((o) => o.unit && provinceOf(o.unit.at) === prov);
      const chosen = here.find((o) => pick.orders.includes(o.text)) ?? (here.length === 1 ? here[0] : null);
      if (chosen) {
        toggleAdjustment(chosen.text);
      } else if (here.length > 1) {
        pick.site = prov;  // an army or a fleet, or which coast: the panel asks
        pick.hint = `${LOCATIONS.get(prov).name}: which one?`;
      } else {
        pick.hint = `Nothing to ${me.adjustment > 0 ? 'build' : 'disband'} in ${LOCATIONS.get(prov)?.name ?? prov}.`;
      }
      return draw();
    }
    const own = groupIn(prov);
    if (pick.sel === null) {
      if (own >= 0) {
        pick.sel = own;
        pick.hint = null;
      } else {
        pick.hint = 'Click one of your units first.';
      }
      return draw();
    }
    const unit = groups[pick.sel].unit;
    if (prov === provinceOf(unit.at)) {
      // The selected unit again: it holds (a dislodged one disbands).
      choose(pick.sel, optionsOf((o) => o.kind === 'hold' || o.kind === 'disband')[0]?.text);
      return draw();
    }
    if (pick.mode === 'move') {
      const moves = optionsOf((o) => (o.kind === 'move' || o.kind === 'retreat') && provinceOf(o.to) === prov && !o.via);
      const move = moves.find((o) => o.to === loc) ?? (moves.length === 1 ? moves[0] : null);
      if (move) choose(pick.sel, move.text);
      else if (moves.length > 1) pick.hint = 'Two coasts: click the coast to go to.';
      else if (own >= 0) pick.sel = own;
      else pick.hint = `${unitName(unit)} cannot go to ${LOCATIONS.get(prov)?.name ?? prov}.`;
      return draw();
    }
    // Support or convoy: first the unit it names, then where that unit goes.
    const kind = pick.mode;
    if (!pick.target) {
      const other = unitIn(prov);
      if (other && optionsOf((o) => o.kind === kind && provinceOf(o.target.at) === prov).length) {
        pick.target = other.at;
        pick.hint = null;
      } else {
        pick.hint = `${unitName(unit)} cannot ${kind} ${other ? unitName(other) : 'there'}.`;
      }
      return draw();
    }
    const targetProv = provinceOf(pick.target);
    const named = optionsOf((o) => o.kind === kind && provinceOf(o.target.at) === targetProv);
    const order = prov === targetProv ? named.find((o) => !o.to) : named.find((o) => o.to === loc) ?? named.find((o) => provinceOf(o.to) === prov);
    if (order) choose(pick.sel, order.text);
    else pick.hint = `${unitName(unit)} cannot ${kind} that to ${LOCATIONS.get(prov)?.name ?? prov}.`;
    return draw();
  }

  function onEscape() {
    pick.sel = null;
    pick.target = null;
    pick.site = null;
    pick.mode = 'move';
    pick.hint = null;
    draw();
  }

  // What the map marks for the order entry now.
  function marks() {
    const selected = new Set();
    const targets = new Set();
    const actionable = new Set();
    if (adjusting) {
      for (const o of groups[0].options) if (o.unit) targets.add(o.unit.at).add(provinceOf(o.unit.at));
      return { selected, targets, actionable: targets, onLocation, onEscape };
    }
    for (const g of groups) actionable.add(g.unit.at);
    if (pick.sel !== null) {
      const unit = groups[pick.sel].unit;
      selected.add(unit.at);
      if (pick.mode === 'move') {
        for (const o of optionsOf((o) => o.kind === 'move' || o.kind === 'retreat')) targets.add(o.to);
      } else if (!pick.target) {
        for (const o of optionsOf((o) => o.kind === pick.mode)) targets.add(unitIn(provinceOf(o.target.at))?.at ?? o.target.at);
      } else {
        const tp = provinceOf(pick.target);
        selected.add(pick.target);
        for (const o of optionsOf((o) => o.kind === pick.mode && provinceOf(o.target.at) === tp)) targets.add(o.to ?? pick.target);
      }
    }
    for (const t of targets) actionable.add(t);
    return { selected, targets, actionable, onLocation, onEscape };
  }

  // What to click next, in words.
  function hint() {
    if (pick.hint) return pick.hint;
    if (adjusting) {
      return me.adjustment > 0
        ? `Build ${me.adjustment}: click a home centre of yours (again: take it back); unbuilt ones are waived.`
        : `Disband ${-me.adjustment}: click a unit (again: take it back).`;
    }
    if (pick.sel === null) return 'Click one of your units to order it.';
    const u = unitName(groups[pick.sel].unit);
    if (v.type === 'retreat') return `${u}: click where it retreats, or the unit again to disband it.`;
    if (pick.mode === 'move') return `${u}: click where it moves, the unit again to hold; or Support / Convoy.`;
    if (!pick.target) return `${u} ${pick.mode === 'support' ? 'supports' : 'convoys'}: click that unit.`;
    return `${u} ${pick.mode}s ${pick.target.toUpperCase()}: click where it goes${pick.mode === 'support' ? ' (its own province: to hold)' : ''}.`;
  }

  function modeButton(mode, label) {
    const unit = pick.sel === null ? null : groups[pick.sel].unit;
    const possible = unit && optionsOf((o) => o.kind === mode).length > 0;
    return h('button', {
      type: 'button', class: `btn dip-mode${pick.mode === mode ? ' on' : ''}`, 'data-action': `mode-${mode}`,
      'aria-pressed': pick.mode === mode ? 'true' : 'false', disabled: mode !== 'move' && !possible,
      onclick: () => {
        pick.mode = mode;
        pick.target = null;
        pick.hint = null;
        draw();
      },
    }, label);
  }

  // One row per order group: its unit (or build / disband number) and a select of all its
  // options, showing the order it will send (muted while that is still the default).
  function orderPanel(send) {
    const rows = groups.map((g, i) => {
      const title = g.unit ? unitName(g.unit) : `${me.adjustment > 0 ? 'Build' : 'Disband'} ${i + 1}`;
      const select = h('select', {
        'aria-label': `order for ${title}`, 'data-group': i,
        onchange: (e) => {
          pick.orders[i] = e.target.value;
          pick.sel = null;
          draw();
        },
      }, g.options.map((o) => h('option', { value: o.text, selected: o.text === send[i] }, o.text)));
      return h('li', { class: `dip-row${pick.orders[i] === send[i] ? ' chosen' : ' default'}${pick.sel === i ? ' selected' : ''}`, 'data-group': i },
        h('span', { class: 'dip-row-title' }, title), select);
    });
    const site = pick.site ? h('div', { class: 'dip-site', role: 'group', 'aria-label': `build in ${pick.site.toUpperCase()}` },
      groups[0].options.filter((o) => o.kind === 'build' && provinceOf(o.unit.at) === pick.site).map((o) => h('button', {
        type: 'button', class: 'btn', 'data-action': o.text,
        onclick: () => {
          pick.site = null;
          toggleAdjustment(o.text);
          draw();
        },
      }, o.text))) : null;
    return h('section', { class: 'dip-panel', 'aria-label': 'your orders' },
      h('h3', {}, `Your orders (${me.name}): ${groups.length}`),
      adjusting || v.type === 'retreat' ? null
        : h('div', { class: 'dip-modes', role: 'group', 'aria-label': 'order kind' },
          modeButton('move', 'Move / hold'), modeButton('support', 'Support'), modeButton('convoy', 'Convoy')),
      h('p', { class: 'dip-hint', role: 'status' }, hint()),
      site,
      h('ol', { class: 'dip-rows' }, rows),
      h('div', { class: 'dip-submit' },
        h('button', { type: 'button', class: 'btn', 'data-action': 'clear', onclick: () => { pick.orders = []; onEscape(); } }, 'Clear'),
        h('button', {
          type: 'button', class: 'btn primary', 'data-action': 'submit',
          onclick: () => {
            pick.sent = send;
            ctx.onOrders(send);
          },
        }, `Submit ${groups.length} order${groups.length === 1 ? '' : 's'}`)));
  }

  // Our orders once sent, until the phase resolves.
  function sentPanel() {
    return h('section', { class: 'dip-panel sent', 'aria-label': 'your orders' },
      h('h3', {}, 'Your orders (sent)'),
      h('p', { class: 'dip-hint' }, 'Waiting for the other powers; nobody else sees these until the phase resolves.'),
      h('ol', { class: 'dip-rows' }, pick.sent.map((text) => h('li', { class: 'dip-row' }, text))));
  }

  // Draws everything again; the keyboard focus stays on the same location or control.
  function draw() {
    const active = document.activeElement;
    const hadFocus = wrap.contains(active);
    const keep = hadFocus ? active.dataset?.loc ?? active.dataset?.action ?? active.dataset?.group ?? null : null;
    const send = editing ? ordersToSend(groups, pick.orders) : [];
    const shown = editing ? send.filter((text, i) => text === pick.orders[i]) : pick.sent ?? [];
    const pending = shown.map((text) => ({ order: parseOrder(text), power: me?.power }));
    const side = h('div', { class: 'dip-side' },
      editing ? orderPanel(send) : pick.sent && me ? sentPanel() : null,
      legend(v, ctx), lastPhase(v));
    wrap.replaceChildren(drawMap(v, ctx, editing ? marks() : null, pending), side);
    if (!hadFocus || !keep) return;
    const same = wrap.querySelector(`[data-loc="${CSS.escape(keep)}"], [data-action="${CSS.escape(keep)}"], select[data-group="${CSS.escape(keep)}"]`);
    (same ?? wrap.querySelector('.dip-loc[tabindex="0"], button:not([disabled])'))?.focus();
  }

  draw();
  return wrap;
}
