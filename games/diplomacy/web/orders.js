// The board's order logic, apart from the drawing so that node tests can import it (no DOM):
// reading orders in the game's notation, splitting a seat's legal orders into its order
// groups, and the list a seat submits.
//
// The server takes a seat's orders as one per order group, in group order, and sends the
// seat's legal orders as one flat list (the union of its groups). The groups are:
//   movement: one per unit of the seat's power, in the order the view lists the units;
//   retreat: one per dislodged unit of the power, in the order of the view's `dislodged`;
//   adjustment: |adjustment| identical groups (every build site and WAIVE, or every unit
//     to disband).
// The view lists units in the rules' own order (the order its groups follow), so no
// location order is needed here. Every order starts with its unit ("A PAR", "F STP/SC"),
// except WAIVE, which is how the legal list splits by unit.

// The province of a location: "spa/nc" -> "spa".
export const provinceOf = (loc) => String(loc ?? '').split('/')[0];

// One order of the game's notation, read: { text, kind, unit: {type, at} | null, to, via,
// target: {type, at} | null (the unit a support or convoy names) }; locations in lower
// case as the view writes them. Kinds: hold, move, support, convoy, retreat, disband, build,
// waive. null for text that is not an order.
export function parseOrder(text) {
  const t = String(text).trim().split(/\s+/);
  if (t[0] === 'WAIVE') return { text, kind: 'waive', unit: null, to: null, via: false, target: null };
  if (t.length < 3 || !/^[AF]$/.test(t[0])) return null;
  const o = { text, kind: null, unit: { type: t[0], at: t[1].toLowerCase() }, to: null, via: false, target: null };
  const loc = (word) => (word ? word.toLowerCase() : null);
  switch (t[2]) {
    case 'H': o.kind = 'hold'; break;
    case '-': o.kind = 'move'; o.to = loc(t[3]); o.via = t[4] === 'VIA'; break;
    case 'S': o.kind = 'support'; o.target = { type: t[3], at: loc(t[4]) }; o.to = t[5] === '-' ? loc(t[6]) : null; break;
    case 'C': o.kind = 'convoy'; o.target = { type: t[3], at: loc(t[4]) }; o.to = loc(t[6]); break;
    case 'R': o.kind = 'retreat'; o.to = loc(t[3]); break;
    case 'D': o.kind = 'disband'; break;
    case 'B': o.kind = 'build'; break;
    default: return null;
  }
  return o;
}

// The view's entry of the seat's power ({seat, power, name, centres, units, adjustment,
// to_order}), or null (a spectator, or a seat the view does not list).
export const powerOf = (view, seat) => (view.powers ?? []).find((p) => p.seat === seat) ?? null;

// The seat's order groups for its legal orders: [{ unit: {power, type, at} | null (an
// adjustment), options: [parsed order] }], in group order; [] when the seat orders nothing.
export function orderGroups(view, seat, legal) {
  const me = powerOf(view, seat);
  const options = (legal ?? []).map(parseOrder).filter(Boolean);
  if (!me || !options.length) return [];
  if (view.type === 'adjustment') {
    return Array.from({ length: Math.abs(me.adjustment ?? 0) }, () => ({ unit: null, options }));
  }
  const units = (view.type === 'retreat' ? view.dislodged : view.units) ?? [];
  return units.filter((u) => u.power === me.power)
    .map((u) => ({ unit: u, options: options.filter((o) => o.unit?.at === u.at) }));
}

// The orders a seat submits: `picks[i]` (order text) where it is one of group i's options,
// else the group's default: a unit holds, a dislodged unit disbands (as it would with no
// order), an unordered build is waived, an unordered disband takes the first unit no other
// group disbands. One string per group, in group order.
export function ordersToSend(groups, picks = []) {
  const chosen = groups.map((g, i) => (g.options.some((o) => o.text === picks[i]) ? picks[i] : null));
  const used = new Set(chosen.filter(Boolean));
  return groups.map((g, i) => {
    if (chosen[i]) return chosen[i];
    const fallback = g.options.find((o) => o.kind === 'hold' || o.kind === 'waive')
      ?? (g.unit ? g.options.find((o) => o.kind === 'disband') : g.options.find((o) => !used.has(o.text)))
      ?? g.options[0];
    used.add(fallback.text);
    return fallback.text;
  });
}
