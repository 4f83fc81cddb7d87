// Board renderers, one per game family, drawn from the game's JSON view (the `state` field
// of a protocol `state` message) in SVG or plain HTML. Each takes the view and a context
//   { seat, legal: [notation], onMove(action), seats, small }
// and returns an element; clicking a legal target (or Enter / Space on it; the arrow keys
// move between Go's legal points) calls onMove with the action's notation.
// They know only how to draw: the server checks every move. Browser main thread only.

import { h, s, family } from './util.js';

const renderers = { go: goBoard, kuhn_poker: kuhnTable, game24: game24Table };

// The element for any game's view; unknown families get the raw view as text.
export function renderBoard(game, view, ctx = {}) {
  const fn = renderers[family(game)] ?? genericView;
  return fn(view ?? {}, { legal: [], seats: [], ...ctx });
}

export const knownFamilies = Object.keys(renderers);

// --- Go ---------------------------------------------------------------------------------

function goBoard(v, ctx) {
  const n = v.size ?? v.board?.length ?? 19;
  const cols = v.columns ?? 'ABCDEFGHJKLMNOPQRST'.slice(0, n);
  const cell = 30;
  const pad = ctx.small ? 14 : 36;
  const size = pad * 2 + cell * (n - 1);
  const legal = new Set(ctx.legal ?? []);
  const vertex = (c, r) => `${cols[c]}${n - r}`;  // r counts from the top row
  const at = (c, r) => [pad + c * cell, pad + r * cell];
  const svg = s('svg', {
    viewBox: `0 0 ${size} ${size}`, class: ctx.small ? 'board go small' : 'board go', role: 'group',
    style: ctx.small ? null : `max-width: ${Math.max(300, 48 * n)}px`,
    'aria-label': `Go board ${n}×${n}`,
  });
  svg.append(s('rect', { x: 0, y: 0, width: size, height: size, class: 'go-wood', rx: 6 }));
  for (let i = 0; i < n; i++) {
    const [x0, y0] = at(0, i);
    const [x1] = at(n - 1, i);
    svg.append(s('line', { x1: x0, y1: y0, x2: x1, y2: y0, class: 'go-line' }));
    const [cx, cy0] = at(i, 0);
    const [, cy1] = at(i, n - 1);
    svg.append(s('line', { x1: cx, y1: cy0, x2: cx, y2: cy1, class: 'go-line' }));
    if (!ctx.small) {
      svg.append(s('text', { x: cx, y: 12, class: 'go-coord' }, cols[i]));
      svg.append(s('text', { x: 10, y: at(0, i)[1] + 4, class: 'go-coord' }, String(n - i)));
    }
  }
  for (const [c, r] of hoshi(n)) {
    const [x, y] = at(c, r);
    svg.append(s('circle', { cx: x, cy: y, r: 3, class: 'go-hoshi' }));
  }
  const rows = v.board ?? [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const ch = rows[r]?.[c] ?? '.';
      const [x, y] = at(c, r);
      const name = vertex(c, r);
      if (ch === 'X' || ch === 'O') {
        svg.append(s('circle', { cx: x, cy: y, r: cell * 0.46, class: ch === 'X' ? 'stone black' : 'stone white' }));
        if (v.last_move === name) svg.append(s('circle', { cx: x, cy: y, r: cell * 0.18, class: `last-mark ${ch === 'X' ? 'on-black' : 'on-white'}` }));
      } else if (legal.has(name) && ctx.onMove) {
        const target = s('circle', {
          cx: x, cy: y, r: cell * 0.46, class: 'go-target', tabindex: 0, role: 'button',
          'data-action': name, 'data-col': c, 'data-row': r, 'aria-label': `play ${name}`,
        });
        const play = () => ctx.onMove(name);
        target.addEventListener('click', play);
        target.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); play(); return; }
          const step = ARROWS[e.key];
          if (!step) return;
          e.preventDefault();
          // The next legal point in that direction (occupied points are skipped).
          for (let cc = c + step[0], rr = r + step[1]; cc >= 0 && rr >= 0 && cc < n && rr < n; cc += step[0], rr += step[1]) {
            const next = svg.querySelector(`.go-target[data-col="${cc}"][data-row="${rr}"]`);
            if (next) { next.focus(); break; }
          }
        });
        svg.append(target);
      }
    }
  }
  if (ctx.small) return svg;
  const info = h('div', { class: 'go-info' },
    h('span', {}, `to move: ${v.to_move ?? '—'}`),
    h('span', {}, `captures ● ${v.captures?.black ?? 0} ○ ${v.captures?.white ?? 0}`),
    h('span', {}, `komi ${v.komi ?? ''}`),
    v.score_text ? h('span', {}, `score ${v.score_text}`) : null,
    v.last_move ? h('span', { class: 'last' }, `last: ${v.last_move}`) : null,
    v.move_cap ? h('span', {}, `move ${v.moves ?? 0} of at most ${v.move_cap}`) : null);
  const wrap = h('div', { class: 'go-wrap' }, svg, info);
  if (legal.has('pass') && ctx.onMove) {
    wrap.append(h('button', { class: 'btn', 'data-action': 'pass', onclick: () => ctx.onMove('pass') }, 'Pass'));
  }
  return wrap;
}

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

function hoshi(n) {
  if (n < 7) return [];
  const e = n >= 13 ? 3 : 2;
  const pts = [[e, e], [n - 1 - e, e], [e, n - 1 - e], [n - 1 - e, n - 1 - e]];
  if (n % 2 === 1) pts.push([(n - 1) / 2, (n - 1) / 2]);
  return pts;
}

// --- Kuhn poker -------------------------------------------------------------------------

function card(label, small) {
  const w = small ? 34 : 64;
  const hgt = small ? 48 : 90;
  const svg = s('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'card', width: w, height: hgt, role: 'img',
    'aria-label': label ? `card ${label}` : 'hidden card' });
  svg.append(s('rect', { x: 1, y: 1, width: w - 2, height: hgt - 2, rx: 6, class: label ? 'card-face' : 'card-back' }));
  if (label) svg.append(s('text', { x: w / 2, y: hgt / 2 + (small ? 6 : 11), class: 'card-label', 'font-size': small ? 18 : 32 }, label));
  return svg;
}

function kuhnTable(v, ctx) {
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
    h('div', { class: 'pot' }, `pot ${v.pot ?? 0}`), v.showdown ? h('div', { class: 'showdown' }, 'showdown') : null, bets, actions), seats[1]);
}

// --- The 24 game ------------------------------------------------------------------------

const operandText = (x) => (/^\d+$/.test(x) ? x : `(${x})`);
const OPS = ['+', '-', '*', '/'];
const OP_LABEL = { '+': '+', '-': '−', '*': '×', '/': '÷' };

function game24Table(v, ctx) {
  const numbers = v.numbers ?? [];
  if (ctx.small) return h('div', { class: 'g24 small' }, numbers.map((x) => h('span', { class: 'tile' }, x)), h('span', {}, ` → ${v.target ?? 24}`));
  const legal = ctx.onMove ? ctx.legal ?? [] : [];
  // What the player has picked so far: a number's index, then an operator.
  const pick = ctx.pick ?? (ctx.pick = { first: null, op: null });
  const root = h('div', { class: 'g24' });
  const steps = (first, op) => legal.filter((a) => a.startsWith(`${operandText(numbers[first])}${op ?? ''}`));
  const draw = () => {
    // A click or key on a tile or operator redraws the table: keep the keyboard on it, at
    // the next thing to pick.
    const refocus = root.contains(document.activeElement);
    root.replaceChildren();
    root.append(h('p', { class: 'g24-goal' }, `Make ${v.target ?? 24}`, v.puzzle ? ` · puzzle #${v.puzzle}` : '',
      v.solved ? ' · solved!' : ''));
    const tiles = h('div', { class: 'tiles' });
    numbers.forEach((x, i) => {
      let usable = legal.length > 0;
      if (pick.first !== null && pick.op !== null) {
        const prefix = `${operandText(numbers[pick.first])}${pick.op}${operandText(x)}=`;
        usable = i !== pick.first && legal.some((a) => a.startsWith(prefix));
      } else if (pick.first === null) {
        usable = OPS.some((op) => legal.some((a) => a.startsWith(`${operandText(x)}${op}`)));
      }
      tiles.append(h('button', {
        class: `tile${pick.first === i ? ' picked' : ''}${usable ? ' legal' : ''}`, 'data-number': x, 'data-index': i,
        disabled: !usable && pick.first !== i, 'aria-pressed': pick.first === i ? 'true' : 'false',
        onclick: () => choose(i),
      }, x));
    });
    root.append(tiles);
    const ops = h('div', { class: 'ops' });
    for (const op of OPS) {
      const ok = pick.first !== null && steps(pick.first, op).length > 0;
      ops.append(h('button', { class: `op${pick.op === op ? ' picked' : ''}${ok ? ' legal' : ''}`, 'data-op': op,
        disabled: !ok, 'aria-label': `operator ${op}`, onclick: () => { pick.op = op; draw(); } }, OP_LABEL[op]));
    }
    root.append(ops);
    if (legal.length) root.append(h('p', { class: 'hint' }, pick.first === null ? 'Pick a number.' : pick.op === null ? 'Pick an operator.' : 'Pick the second number.'));
    root.append(h('ol', { class: 'g24-steps', 'aria-label': 'steps' }, (v.moves ?? []).map((m, i, all) =>
      h('li', { class: `${m.still_solvable ? 'good' : 'bad'}${i === all.length - 1 ? ' last' : ''}` },
        `${m.step} ${m.still_solvable ? '✓ still solvable' : '✗ no longer solvable'}`))));
    if (refocus) {
      const next = pick.first === null ? '.tile:not([disabled])' : pick.op === null ? '.op:not([disabled])' : '.tile:not([disabled]):not(.picked)';
      root.querySelector(next)?.focus();
    }
  };
  const choose = (i) => {
    if (pick.first === null || pick.op === null) {
      pick.first = pick.first === i ? null : i;
      pick.op = null;
      return draw();
    }
    if (i === pick.first) { pick.first = null; pick.op = null; return draw(); }
    const prefix = `${operandText(numbers[pick.first])}${pick.op}${operandText(numbers[i])}=`;
    const action = legal.find((a) => a.startsWith(prefix));
    pick.first = null;
    pick.op = null;
    if (action) ctx.onMove(action);
    else draw();
  };
  draw();
  return root;
}

// --- Anything else ----------------------------------------------------------------------

function genericView(v, ctx) {
  return h('div', { class: 'generic' }, h('pre', {}, JSON.stringify(v, null, 2)),
    h('div', { class: 'actions' }, (ctx.onMove ? ctx.legal : []).map((a) => h('button', { class: 'btn', 'data-action': a, onclick: () => ctx.onMove(a) }, a))));
}
