// Kuhn poker's and Leduc hold'em's table in the browser, drawn from the game's JSON view (the
// `state` field of a protocol `state` message: cards by seat, hidden ones null; committed
// chips; pot; bets; showdown; Leduc's public card and round): the two seats' cards (hidden
// ones face down), Leduc's public card, the pot, the betting so far and one button per legal
// action. Loaded by the UI (web/js/boards.js) from /games/poker/board.js; it only draws, the
// server checks every move. Browser main thread only.

import { h, s } from '/js/util.js';

// The UI adds this stylesheet to the page once, before the first table is drawn.
export const stylesheet = new URL('./board.css', import.meta.url).href;

function card(label, small) {
  const w = small ? 34 : 64;
  const hgt = small ? 48 : 90;
  const svg = s('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'card', width: w, height: hgt, role: 'img',
    'aria-label': label ? `card ${label}` : 'hidden card' });
  svg.append(s('rect', { x: 1, y: 1, width: w - 2, height: hgt - 2, rx: 6, class: label ? 'card-face' : 'card-back' }));
  if (label) svg.append(s('text', { x: w / 2, y: hgt / 2 + (small ? 6 : 11), class: 'card-label', 'font-size': small ? 18 : 32 }, label));
  return svg;
}

// Leduc hold'em's public card and round (its view has `public_card`; Kuhn's has none).
function publicCard(v) {
  if (!('public_card' in v)) return null;
  return h('div', { class: 'public-card', 'aria-label': 'public card' }, card(v.public_card, true),
    h('div', { class: 'round' }, `round ${v.round ?? 1}`));
}

// ctx: { seat, legal: [notation], onMove(action), seats, small }.
export function render(v, ctx) {
  const cards = v.cards ?? [null, null];
  const seats = [0, 1].map((i) => {
    const who = ctx.seats?.[i]?.name ?? `seat ${i + 1}`;
    const me = ctx.seat === i;
    return h('div', { class: `kuhn-seat${me ? ' me' : ''}`, 'data-seat': i },
      card(cards[i], ctx.small),
      h('div', { class: 'kuhn-name' }, who, me ? ' (you)' : ''),
      h('div', { class: 'kuhn-committed' }, `in pot: ${v.committed?.[i] ?? 0}`));
  });
  if (ctx.small) return h('div', { class: 'kuhn small' }, seats, h('div', { class: 'pot' }, `pot ${v.pot ?? 0}`));
  const bets = h('ol', { class: 'bets', 'aria-label': 'betting' },
    (v.bets ?? []).map((b, i, all) => h('li', { class: i === all.length - 1 ? 'last' : '' },
      `${ctx.seats?.[b.seat]?.name ?? `seat ${b.seat + 1}`}: ${b.action}`)));
  const actions = h('div', { class: 'actions' },
    (ctx.onMove ? ctx.legal : []).map((a) => h('button', { class: 'btn', 'data-action': a, onclick: () => ctx.onMove(a) }, a)));
  return h('div', { class: 'kuhn' }, seats[0], h('div', { class: 'kuhn-middle' },
    h('div', { class: 'pot' }, `pot ${v.pot ?? 0}`), publicCard(v), v.showdown ? h('div', { class: 'showdown' }, 'showdown') : null, bets, actions), seats[1]);
}
