// Connect Four in the browser: an SVG board drawn from the game's JSON view (the `state`
// field of a protocol `state` message):
//   { columns: 7, rows: 6, board: ["......."...] (top row first; 'X' seat 0, 'O' seat 1,
//     '.' empty), to_move: 0|1|null, last_move: "4"|null, winner: 0|1|null,
//     winning_cells: [[column, row], ...] (from 1, row 1 the bottom) }
// Red discs are seat 0's, yellow ones seat 1's; the last disc and a winning line are marked.
// Each column is one target (class c4-column, data-column="N", role=button, "column N"),
// enabled when "N" is a legal action: click it, or Enter / Space on it, to drop a disc; the
// left and right arrow keys move between the legal columns (Home / End: the first / last).
// Loaded by the UI (web/js/boards.js) from /games/connect_four/board.js; it only draws,
// the server checks every move. Browser main thread only.

import { h, s } from '/js/util.js';

// The UI adds this stylesheet to the page once, before the first board is drawn.
export const stylesheet = new URL('./board.css', import.meta.url).href;

const COLOURS = ['red', 'yellow'];
const LABELS = ['Red', 'Yellow'];
const CELL = 60;
const PAD = 10;

// ctx: { seat, legal: [notation], onMove(action), seats, small }.
export function render(v, ctx) {
  const columns = v.columns ?? 7;
  const rows = v.rows ?? 6;
  const board = v.board ?? [];
  const width = PAD * 2 + CELL * columns;
  const height = PAD * 2 + CELL * rows;
  const legal = new Set(ctx.onMove ? ctx.legal ?? [] : []);
  const winning = new Set((v.winning_cells ?? []).map(([c, r]) => `${c},${r}`));
  const mover = v.to_move === 0 || v.to_move === 1 ? v.to_move : null;
  // Column c and row r from 0, r from the top row (as in `board`); cells are named as the
  // view names them: [column, row] from 1, row 1 the bottom.
  const centre = (c, r) => [PAD + CELL * c + CELL / 2, PAD + CELL * r + CELL / 2];
  const cellAt = (c, r) => board[r]?.[c] ?? '.';
  const lastColumn = v.last_move ? Number(v.last_move) - 1 : null;
  // The last disc is the topmost one in the last move's column.
  let lastRow = null;
  if (lastColumn !== null) {
    for (let r = 0; r < rows && lastRow === null; r++) if (cellAt(lastColumn, r) !== '.') lastRow = r;
  }

  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, class: ctx.small ? 'board c4 small' : 'board c4', role: 'group',
    'aria-label': `Connect Four board, ${columns} columns × ${rows} rows`,
  });
  svg.append(s('rect', { x: 0, y: 0, width, height, rx: 14, class: 'c4-frame' }));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const [x, y] = centre(c, r);
      const ch = cellAt(c, r);
      const owner = ch === 'X' ? 0 : ch === 'O' ? 1 : null;
      const name = `${c + 1},${rows - r}`;
      if (owner === null) {
        svg.append(s('circle', { cx: x, cy: y, r: CELL * 0.4, class: 'c4-hole', 'data-cell': name }));
        continue;
      }
      const won = winning.has(name);
      svg.append(s('circle', { cx: x, cy: y, r: CELL * 0.4, 'data-cell': name,
        class: `c4-disc ${COLOURS[owner]}${won ? ' win' : ''}` }));
      if (won) svg.append(s('circle', { cx: x, cy: y, r: CELL * 0.3, class: 'c4-win-mark' }));
      if (c === lastColumn && r === lastRow) svg.append(s('circle', { cx: x, cy: y, r: CELL * 0.12, class: 'c4-last' }));
    }
  }
  if (ctx.small) return svg;

  // The column targets, drawn over the holes: the whole column is one button.
  const targets = [];
  for (let c = 0; c < columns; c++) {
    const action = String(c + 1);
    const enabled = legal.has(action);
    const g = s('g', {
      class: enabled ? 'c4-column legal' : 'c4-column', role: 'button', 'data-column': action,
      'aria-label': `column ${action}`, tabindex: enabled ? 0 : null, 'aria-disabled': enabled ? null : 'true',
      'data-action': enabled ? action : null,
    });
    g.append(s('rect', { x: PAD + CELL * c, y: 0, width: CELL, height, class: 'c4-hit' }));
    if (enabled) {
      // Where a disc dropped here lands: the lowest empty cell, previewed on hover and focus.
      let land = -1;
      for (let r = rows - 1; r >= 0 && land < 0; r--) if (cellAt(c, r) === '.') land = r;
      if (land >= 0 && mover !== null) {
        const [x, y] = centre(c, land);
        g.append(s('circle', { cx: x, cy: y, r: CELL * 0.4, class: `c4-ghost ${COLOURS[mover]}` }));
      }
      const play = () => ctx.onMove(action);
      g.addEventListener('click', play);
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); play(); return; }
        const i = targets.indexOf(g);
        const next = e.key === 'ArrowLeft' ? targets[i - 1] : e.key === 'ArrowRight' ? targets[i + 1]
          : e.key === 'Home' ? targets[0] : e.key === 'End' ? targets.at(-1) : undefined;
        if (e.key.startsWith('Arrow') || e.key === 'Home' || e.key === 'End') e.preventDefault();
        next?.focus();
      });
      targets.push(g);
    }
    svg.append(g);
  }

  const who = (seat) => {
    const name = ctx.seats?.[seat]?.name;
    return `${LABELS[seat]}${name ? ` (${name}${ctx.seat === seat ? ', you' : ''})` : ctx.seat === seat ? ' (you)' : ''}`;
  };
  const filled = board.reduce((n, row) => n + [...row].filter((ch) => ch !== '.').length, 0);
  let text;
  if (v.winner === 0 || v.winner === 1) text = `${who(v.winner)} wins: four in a row.`;
  else if (mover !== null) text = `${who(mover)} to move.`;
  else if (filled === columns * rows) text = 'Draw: the board is full.';
  else text = 'Game over.';
  const info = h('p', { class: 'c4-info' },
    h('span', { class: `c4-swatch ${COLOURS[v.winner ?? mover] ?? 'none'}`, 'aria-hidden': 'true' }),
    h('span', { class: 'c4-status' }, text),
    v.last_move ? h('span', { class: 'last' }, ` Last: column ${v.last_move}.`) : null);
  return h('div', { class: 'c4-wrap' }, svg, info);
}
