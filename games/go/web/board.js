// Go's board in the browser: an SVG board drawn from the game's JSON view (the `state`
// field of a protocol `state` message: size, board rows top first, to_move, captures, komi,
// last_move, score_text, moves, move_cap). Click a legal intersection, or Enter / Space on
// it; the arrow keys move between legal points; a Pass button when passing is legal.
// Loaded by the UI (web/js/boards.js) from /games/go/board.js; it only draws, the server
// checks every move. Browser main thread only.

import { h, s } from '/js/util.js';

// The UI adds this stylesheet to the page once, before the first board is drawn.
export const stylesheet = new URL('./board.css', import.meta.url).href;

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

function hoshi(n) {
  if (n < 7) return [];
  const e = n >= 13 ? 3 : 2;
  const pts = [[e, e], [n - 1 - e, e], [e, n - 1 - e], [n - 1 - e, n - 1 - e]];
  if (n % 2 === 1) pts.push([(n - 1) / 2, (n - 1) / 2]);
  return pts;
}

// ctx: { seat, legal: [notation], onMove(action), seats, small }.
export function render(v, ctx) {
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
