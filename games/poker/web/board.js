// The poker family's table in the browser, drawn from the game's JSON view (the `state`
// field of a protocol `state` message; each view is described in games/poker/README.md).
// Loaded by the UI (web/js/boards.js) from /games/poker/board.js; it only draws, the server
// checks every move. Browser main thread only.
//
// Kuhn poker and Leduc hold'em (a view with `cards` by seat): the two seats' cards (hidden
// ones face down), Leduc's public card and round, the pot, the betting so far and one button
// per legal action.
//
// Texas hold'em (a view with `seats` and `board`, games/poker/holdem.h): 2 to 6 seats around
// an oval table, the viewer's at the bottom, each with its name, stack, bet this round, chips
// in the hand, folded / all-in marks, the dealer button and its hole cards (face down where
// hidden); the board, the pot and side pots, whose turn; for the player to move, fold /
// check / call / all-in buttons and, when a bet or raise is legal, a slider and a number box
// held to the view's legal range and a Bet / Raise button sending `bet N` / `raise N` (the
// total the bet becomes). At the end: the hands shown, the winners and what each won.
// Test hooks: `.holdem[data-round][data-to-act]`, each seat `.holdem-seat[data-seat]` with
// `data-stack`, `data-bet`, `data-committed` and the classes `me`, `to-act`, `folded`,
// `all-in`, `winner`; a card `.card[data-card="As"]`, a face-down one `.card[data-hidden]`;
// the board `.holdem-board`, the pot `.holdem-pot[data-pot]`; the controls' buttons carry
// `data-action` with the notation they send, the amount is `.holdem-slider` and
// `.holdem-amount`; the result `.holdem-result` with one `.holdem-win[data-seat][data-amount]`
// per pot won.

import { h, s, displayName } from '/js/util.js';

// The UI adds this stylesheet to the page once, before the first table is drawn.
export const stylesheet = new URL('./board.css', import.meta.url).href;

const SUITS = { s: ['♠', 'spades'], h: ['♥', 'hearts'], d: ['♦', 'diamonds'], c: ['♣', 'clubs'] };
const RANKS = { T: '10', J: 'J', Q: 'Q', K: 'K', A: 'A' };

// One card as SVG: `label` is the view's name ("As", "Td", Leduc's "Ks", Kuhn's "K"), or
// null for a card face down.
function card(label, small) {
  const w = small ? 34 : 64;
  const hgt = small ? 48 : 90;
  const suit = label && label.length > 1 ? SUITS[label.at(-1)] : null;
  const rank = label ? (RANKS[label[0]] ?? label[0]) : null;
  const red = suit && (label.at(-1) === 'h' || label.at(-1) === 'd');
  const svg = s('svg', {
    viewBox: `0 0 ${w} ${hgt}`, class: `card${red ? ' red' : ''}`, width: w, height: hgt, role: 'img',
    'aria-label': label ? `card ${label}` : 'hidden card', 'data-card': label ?? null, 'data-hidden': label ? null : true,
  });
  svg.append(s('rect', { x: 1, y: 1, width: w - 2, height: hgt - 2, rx: small ? 4 : 6, class: label ? 'card-face' : 'card-back' }));
  if (!label) return svg;
  if (!suit) {
    svg.append(s('text', { x: w / 2, y: hgt / 2 + (small ? 6 : 11), class: 'card-label', 'font-size': small ? 18 : 32 }, label));
    return svg;
  }
  svg.append(s('text', { x: w / 2, y: hgt * 0.42, class: 'card-label', 'font-size': small ? 16 : 28 }, rank),
    s('text', { x: w / 2, y: hgt * 0.85, class: 'card-suit', 'font-size': small ? 16 : 30 }, suit[0]));
  return svg;
}

const seatName = (ctx, i) => displayName(ctx.seats?.[i]?.name) ?? `seat ${i + 1}`;

// --- Kuhn poker and Leduc hold'em ---------------------------------------------------------

// Leduc hold'em's public card and round (its view has `public_card`; Kuhn's has none).
function publicCard(v) {
  if (!('public_card' in v)) return null;
  return h('div', { class: 'public-card', 'aria-label': 'public card' }, card(v.public_card, true),
    h('div', { class: 'round' }, `round ${v.round ?? 1}`));
}

function renderTwoSeats(v, ctx) {
  const cards = v.cards ?? [null, null];
  const seats = [0, 1].map((i) => {
    const me = ctx.seat === i;
    return h('div', { class: `kuhn-seat${me ? ' me' : ''}`, 'data-seat': i },
      card(cards[i], ctx.small),
      h('div', { class: 'kuhn-name' }, seatName(ctx, i), me ? ' (you)' : ''),
      h('div', { class: 'kuhn-committed' }, `in pot: ${v.committed?.[i] ?? 0}`));
  });
  if (ctx.small) return h('div', { class: 'kuhn small' }, seats, h('div', { class: 'pot' }, `pot ${v.pot ?? 0}`));
  const bets = h('ol', { class: 'bets', 'aria-label': 'betting' },
    (v.bets ?? []).map((b, i, all) => h('li', { class: i === all.length - 1 ? 'last' : '' },
      `${seatName(ctx, b.seat)}: ${b.action}`)));
  const actions = h('div', { class: 'actions' },
    (ctx.onMove ? ctx.legal : []).map((a) => h('button', { class: 'btn', 'data-action': a, onclick: () => ctx.onMove(a) }, a)));
  return h('div', { class: 'kuhn' }, seats[0], h('div', { class: 'kuhn-middle' },
    h('div', { class: 'pot' }, `pot ${v.pot ?? 0}`), publicCard(v), v.showdown ? h('div', { class: 'showdown' }, 'showdown') : null, bets, actions), seats[1]);
}

// --- Texas hold'em --------------------------------------------------------------------------

const chips = (n) => Number(n ?? 0).toLocaleString('en-US');
const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);

// Where seat i sits around the oval, in percent of the table: the viewer's seat (seat 0 for
// a spectator) at the bottom, the others clockwise from it.
function placeOf(i, n, bottom) {
  const angle = Math.PI / 2 + ((i - bottom + n) % n) * (2 * Math.PI / n);
  return { left: 50 + 40 * Math.cos(angle), top: 50 + 34 * Math.sin(angle) };
}

// The hold'em notation of the bet/raise the controls send: `bet 300` / `raise 900`.
const raiseAction = (word, to) => `${word} ${to}`;

function holdemSeat(v, ctx, i, shown, won) {
  const st = v.seats[i];
  const me = ctx.seat === i;
  const toAct = v.to_act === i;
  const winner = won.has(i);
  const marks = [
    i === v.button ? h('span', { class: 'holdem-dealer', title: 'dealer button', 'aria-label': 'dealer button' }, 'D') : null,
    st.folded ? h('span', { class: 'holdem-mark folded' }, 'folded') : null,
    st.all_in ? h('span', { class: 'holdem-mark all-in' }, 'all-in') : null,
  ];
  const hole = st.cards ?? [null, null];
  const hand = shown.get(i);
  const classes = ['holdem-seat', me && 'me', toAct && 'to-act', st.folded && 'folded', st.all_in && 'all-in', winner && 'winner']
    .filter(Boolean).join(' ');
  const name = seatName(ctx, i);
  const label = `${name}${me ? ' (you)' : ''}, seat ${i + 1}${st.position ? `, ${st.position}` : ''}: stack ${st.stack}`
    + `${st.bet ? `, bet ${st.bet}` : ''}${st.folded ? ', folded' : ''}${st.all_in ? ', all-in' : ''}${toAct ? ', to act' : ''}`;
  if (ctx.small) {
    return h('div', { class: classes, 'data-seat': i, 'aria-label': label },
      h('span', { class: 'holdem-hole' }, st.folded ? null : hole.map((c) => card(c, true))),
      h('span', { class: 'holdem-name' }, name), marks[0],
      h('span', { class: 'holdem-stack', 'data-stack': st.stack }, chips(st.stack)),
      st.bet ? h('span', { class: 'holdem-bet', 'data-bet': st.bet }, `bet ${chips(st.bet)}`) : null);
  }
  const at = placeOf(i, v.seats.length, Number.isInteger(ctx.seat) && ctx.seat < v.seats.length ? ctx.seat : 0);
  return h('div', {
    class: classes, 'data-seat': i, 'data-stack': st.stack, 'data-bet': st.bet, 'data-committed': st.committed,
    'aria-label': label, style: `left: ${at.left.toFixed(1)}%; top: ${at.top.toFixed(1)}%`,
  },
  h('div', { class: 'holdem-hole' }, hole.map((c) => card(c, false))),
  h('div', { class: 'holdem-name' }, name, me ? ' (you)' : '', ...marks),
  h('div', { class: 'holdem-position' }, st.position || '\u00a0'),
  h('div', { class: 'holdem-stack', 'data-stack': st.stack }, `stack ${chips(st.stack)}`),
  h('div', { class: 'holdem-bet', 'data-bet': st.bet }, st.bet ? `bet ${chips(st.bet)}` : '\u00a0'),
  h('div', { class: 'holdem-committed', 'data-committed': st.committed }, `in pot ${chips(st.committed)}`),
  hand ? h('div', { class: 'holdem-hand' }, hand) : null,
  winner ? h('div', { class: 'holdem-won' }, `+${chips(won.get(i))}`) : null);
}

function holdemBoard(v, small) {
  const cards = v.board ?? [];
  const slots = [0, 1, 2, 3, 4].map((k) => (k < cards.length ? card(cards[k], small)
    : h('span', { class: `holdem-slot${small ? ' small' : ''}`, 'aria-hidden': 'true' })));
  return h('div', { class: 'holdem-board', role: 'group', 'aria-label': `board: ${cards.length ? cards.join(' ') : 'no cards yet'}` }, slots);
}

function holdemPots(v) {
  const pots = v.pots ?? [];
  return h('div', { class: 'holdem-pots' },
    h('div', { class: 'holdem-pot', 'data-pot': v.pot ?? 0 }, `pot ${chips(v.pot)}`),
    pots.length > 1 ? h('ul', { class: 'holdem-side-pots', 'aria-label': 'pots' },
      pots.map((p, k) => h('li', { 'data-amount': p.amount }, `${k === 0 ? 'main' : `side ${k}`}: ${chips(p.amount)}`))) : null);
}

// The end of the hand: each pot's winners and amounts, the hands shown, an uncalled bet.
function holdemResult(v, ctx) {
  const r = v.result;
  const potName = (k) => ((v.pots?.length ?? 0) > 1 ? (k === 0 ? ' from the main pot' : ` from side pot ${k}`) : '');
  const hands = new Map((r.hands ?? []).filter((x) => x.hand).map((x) => [x.seat, x.hand]));
  return h('div', { class: 'holdem-result', role: 'status', 'data-showdown': r.showdown ? 'true' : 'false' },
    h('div', { class: 'holdem-result-title' }, r.showdown ? 'Showdown' : 'Hand over'),
    (r.winners ?? []).map((w) => h('div', { class: 'holdem-win', 'data-seat': w.seat, 'data-amount': w.amount },
      `${seatName(ctx, w.seat)} wins ${chips(w.amount)}${potName(w.pot)}`,
      hands.has(w.seat) ? ` with ${hands.get(w.seat)}` : r.showdown ? '' : ' (the others folded)')),
    (r.hands ?? []).filter((x) => x.mucked).map((x) => h('div', { class: 'holdem-mucked' }, `${seatName(ctx, x.seat)} mucks`)),
    r.uncalled ? h('div', { class: 'holdem-uncalled' }, `${chips(r.uncalled.amount)} uncalled returned to ${seatName(ctx, r.uncalled.seat)}`) : null);
}

// The controls of the player to move: buttons for fold / check / call / all-in and, when a
// bet or raise is legal, its amount (a slider and a number box over min..max, kept in
// ctx.pick across redraws of one state) and the button that sends it.
function holdemControls(v, ctx) {
  const legal = v.legal;
  const me = v.seats[ctx.seat];
  const send = (action) => () => ctx.onMove(action);
  const button = (action, text, extra = '') => h('button', { class: `btn${extra}`, type: 'button', 'data-action': action, onclick: send(action) }, text);
  const buttons = [];
  if (legal.fold) buttons.push(button('fold', 'Fold', ' holdem-fold'));
  if (legal.check) buttons.push(button('check', 'Check'));
  if (legal.call !== null && legal.call !== undefined) {
    buttons.push(button('call', `Call ${chips(legal.call)}${legal.call >= me.stack ? ' (all-in)' : ''}`));
  }
  const raise = legal.raise;
  if (raise && raise.max > raise.min) buttons.push(button('allin', `All-in ${chips(raise.max)}`, ' holdem-allin'));
  const row = h('div', { class: 'holdem-buttons actions' }, buttons);
  if (!raise) return h('div', { class: 'holdem-controls', role: 'group', 'aria-label': 'your action' }, row);

  const word = raise.word;
  const pick = ctx.pick ?? {};
  const clamp = (x) => Math.min(raise.max, Math.max(raise.min, Math.round(x)));
  let amount = clamp(pick.amount ?? raise.min);
  const sendBtn = h('button', {
    class: 'btn primary holdem-raise', type: 'button', 'data-action': raiseAction(word, amount),
    onclick: () => ctx.onMove(raiseAction(word, amount)),
  }, `${cap(word)} ${chips(amount)}`);
  if (raise.min === raise.max) {
    row.prepend(sendBtn);
    return h('div', { class: 'holdem-controls', role: 'group', 'aria-label': 'your action' }, row);
  }
  const slider = h('input', {
    type: 'range', class: 'holdem-slider', min: raise.min, max: raise.max, step: 1, value: amount,
    'aria-label': `${word} to (${raise.min} to ${raise.max})`,
  });
  const box = h('input', {
    type: 'number', class: 'holdem-amount', min: raise.min, max: raise.max, step: 1, value: amount, inputmode: 'numeric',
    'aria-label': `${word} amount, ${raise.min} to ${raise.max}`,
  });
  const show = (x, from) => {
    amount = x;
    pick.amount = x;
    if (from !== slider) slider.value = String(x);
    if (from !== box) box.value = String(x);
    sendBtn.dataset.action = raiseAction(word, x);
    sendBtn.textContent = `${cap(word)} ${chips(x)}`;
    sendBtn.disabled = false;
  };
  slider.addEventListener('input', () => show(clamp(Number(slider.value)), slider));
  // The box may hold a number out of range while it is typed: the button waits for a legal one.
  box.addEventListener('input', () => {
    const x = Number(box.value);
    if (Number.isInteger(x) && x >= raise.min && x <= raise.max) show(x, box);
    else sendBtn.disabled = true;
  });
  box.addEventListener('change', () => show(clamp(Number(box.value) || raise.min), null));
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !sendBtn.disabled) ctx.onMove(raiseAction(word, amount));
  });
  // Shortcuts that set the amount (not send it): the minimum, half the pot and the pot (a
  // fraction of the pot after calling, added to the current bet, as the playout sizes are).
  const toCall = legal.call ?? 0;
  const current = me.bet + toCall;
  const presets = [['min', raise.min], ['½ pot', current + Math.floor((v.pot + toCall) / 2)], ['pot', current + v.pot + toCall]]
    .map(([text, x]) => [text, clamp(x)]);
  const presetRow = h('div', { class: 'holdem-presets' }, presets.map(([text, x]) => h('button', {
    class: 'btn small', type: 'button', 'data-preset': text, 'aria-label': `set the ${word} to ${x}`,
    onclick: () => show(x, null),
  }, text)));
  return h('div', { class: 'holdem-controls', role: 'group', 'aria-label': 'your action' }, row,
    h('div', { class: 'holdem-sizing' }, slider, box, sendBtn), presetRow);
}

// The betting so far, one list per round.
function holdemLog(v, ctx) {
  const rounds = [];
  for (const a of v.actions ?? []) {
    if (rounds.at(-1)?.name !== a.round) rounds.push({ name: a.round, items: [] });
    const sized = a.action === 'bet' || a.action === 'raise' ? ` ${chips(a.to)}` : a.action === 'call' ? ` ${chips(a.amount)}` : '';
    rounds.at(-1).items.push(h('li', { 'data-seat': a.seat }, `${seatName(ctx, a.seat)}: ${a.action}${sized}${a.all_in ? ' (all-in)' : ''}`));
  }
  rounds.at(-1)?.items.at(-1).classList.add('last');
  return h('div', { class: 'holdem-log', role: 'group', 'aria-label': 'betting' },
    rounds.map((r) => h('div', { class: 'holdem-log-round' }, h('div', { class: 'holdem-log-name' }, r.name), h('ol', {}, r.items))));
}

function renderHoldem(v, ctx) {
  const shown = new Map((v.result?.hands ?? []).filter((x) => x.hand).map((x) => [x.seat, x.hand]));
  const won = new Map();
  for (const w of v.result?.winners ?? []) won.set(w.seat, (won.get(w.seat) ?? 0) + w.amount);
  const seats = v.seats.map((_, i) => holdemSeat(v, ctx, i, shown, won));
  const attrs = {
    class: `holdem${ctx.small ? ' small' : ''}`, 'data-variant': v.variant, 'data-round': v.round,
    'data-to-act': v.to_act ?? null, 'data-seats': v.seats.length,
  };
  if (ctx.small) {
    return h('div', attrs, h('div', { class: 'holdem-small-top' }, holdemBoard(v, true), h('span', { class: 'holdem-pot', 'data-pot': v.pot ?? 0 }, `pot ${chips(v.pot)}`)), seats);
  }
  const blinds = v.blinds ? `${v.variant === 'limit' ? 'Limit' : 'No-limit'} · blinds ${v.blinds.map(chips).join('/')}` : '';
  const mine = ctx.onMove && v.legal && v.to_act === ctx.seat && (ctx.legal?.length ?? 0) > 0;
  const turn = v.result ? '' : v.to_act === null || v.to_act === undefined ? 'dealing' : `${seatName(ctx, v.to_act)} to act`;
  return h('div', { ...attrs, role: 'region', 'aria-label': `hold'em table, ${v.seats.length} seats` },
    h('div', { class: 'holdem-table' },
      h('div', { class: 'holdem-felt' }),
      h('div', { class: 'holdem-info' }, blinds, h('div', { class: 'holdem-round' }, v.round)),
      h('div', { class: 'holdem-center' },
        holdemBoard(v, false), holdemPots(v),
        turn ? h('div', { class: 'holdem-turn' }, turn) : null,
        v.result ? holdemResult(v, ctx) : null),
      seats),
    mine ? holdemControls(v, ctx) : null,
    holdemLog(v, ctx));
}

// ctx: { seat, legal: [notation], onMove(action), seats, small, pick }.
export function render(v, ctx) {
  if (Array.isArray(v.seats) && 'board' in v) return renderHoldem(v, ctx);
  return renderTwoSeats(v, ctx);
}
