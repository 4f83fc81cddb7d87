// Chess in the browser: an SVG board drawn from the game's JSON view (the `state` field of
// a protocol `state` message, described in games/chess/chess.h):
//   { fen, board: ["rnbqkbnr", ...] (rank 8 first, file a first; FEN letters, '.' empty),
//     side: "white"|"black", moves: [SAN...], last_move: {from, to, uci}|null,
//     check: "e1"|null, variant, result: "1-0"|"0-1"|"1/2-1/2"|"*", termination }
// The pieces are Unicode chess glyphs in SVG text. Pick a piece (click, or Enter / Space on
// its square) and its legal targets are marked; pick a target, or drag the piece onto it.
// The legal moves are ctx.legal in UCI ("e2e4", "e7e8q"); castling is the king's move,
// two squares in standard chess (the rook's square is offered too) and king-takes-rook in
// Chess960. A move with several promotions opens a chooser (queen, rook, bishop, knight).
// The arrow keys move the keyboard focus over the squares (one square is in the Tab
// order); Escape drops the picked piece or closes the chooser. Below the board: a flip
// button (Black is at the bottom by default for seat 1), the status and the moves in SAN.
// The clocks are the match page's (its seat bars), not the board's.
// Test hooks: every square is `.chess-square[data-square="e4"]` (with `selected`,
// `chess-target`, `last`, `check` classes), a piece is `[data-piece="P"]` inside its
// square, a target square carries `data-action` with its move, the chooser's buttons
// `data-promotion="n"` and `data-action="e7e8n"`, the flip button `data-action="flip"`.
// Loaded by the UI (web/js/boards.js) from /games/chess/board.js; it only draws, the
// server checks every move. Browser main thread only.

import { h, s } from '/js/util.js';

// The UI adds this stylesheet to the page once, before the first board is drawn.
export const stylesheet = new URL('./board.css', import.meta.url).href;

const FILES = 'abcdefgh';
const SQ = 60;  // one square, in SVG units
// Solid glyphs for both colours (the CSS fills White's light); U+FE0E asks for the text
// form, not an emoji.
const GLYPH = { k: '♚', q: '♛', r: '♜', b: '♝', n: '♞', p: '♟' };
const NAME = { k: 'king', q: 'queen', r: 'rook', b: 'bishop', n: 'knight', p: 'pawn' };
const PROMOTIONS = ['q', 'r', 'b', 'n'];
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
const TERMINATION = {
  checkmate: 'Checkmate', stalemate: 'Stalemate', 'insufficient material': 'Insufficient material',
  'fifty-move rule': 'Fifty-move rule', 'threefold repetition': 'Threefold repetition',
  'seventy-five-move rule': 'Seventy-five-move rule', 'fivefold repetition': 'Fivefold repetition',
};

// What a viewer chose that outlives one state (the orientation, the keyboard's square),
// kept per match: the pages pass the same `seats` array for every redraw of a match.
const memories = new WeakMap();
function memoryOf(ctx) {
  const key = ctx.seats && typeof ctx.seats === 'object' ? ctx.seats : null;
  if (!key) return {};
  if (!memories.has(key)) memories.set(key, {});
  return memories.get(key);
}

const glyph = (letter) => `${GLYPH[letter.toLowerCase()]}\uFE0E`;
const isWhite = (letter) => letter === letter.toUpperCase();
const pieceName = (letter) => `${isWhite(letter) ? 'white' : 'black'} ${NAME[letter.toLowerCase()]}`;

// The legal moves by origin and target: from -> Map(to -> [uci...]) (several UCI strings
// for one from/to are the promotions). In standard chess a castling king's move is also
// offered on the rook's square, as Chess960's notation has it.
function movesByFrom(legal, pieceAt, variant) {
  const byFrom = new Map();
  const add = (from, to, uci) => {
    if (!byFrom.has(from)) byFrom.set(from, new Map());
    const targets = byFrom.get(from);
    if (!targets.has(to)) targets.set(to, []);
    targets.get(to).push(uci);
  };
  for (const uci of legal) {
    if (!/^[a-h][1-8][a-h][1-8][qrbn]?$/.test(uci)) continue;
    add(uci.slice(0, 2), uci.slice(2, 4), uci);
  }
  if (variant !== 'chess960') {
    for (const [from, targets] of byFrom) {
      const king = pieceAt(from);
      if (king?.toLowerCase() !== 'k') continue;
      for (const [to, ucis] of [...targets]) {
        const step = FILES.indexOf(to[0]) - FILES.indexOf(from[0]);
        if (Math.abs(step) !== 2 || to[1] !== from[1]) continue;
        const rookSquare = `${step > 0 ? 'h' : 'a'}${from[1]}`;
        const rook = pieceAt(rookSquare);
        if (rook && rook.toLowerCase() === 'r' && isWhite(rook) === isWhite(king) && !targets.has(rookSquare)) {
          targets.set(rookSquare, ucis);
        }
      }
    }
  }
  return byFrom;
}

// "White wins by checkmate (1-0)." / "Draw: stalemate (½–½)." / "White to move, in check."
function statusText(v, ctx) {
  const you = (seat) => (ctx.seat === seat ? ' (you)' : '');
  const why = TERMINATION[v.termination] ?? v.termination ?? '';
  if (v.result === '1-0' || v.result === '0-1') {
    const winner = v.result === '1-0' ? 0 : 1;
    return `${['White', 'Black'][winner]}${you(winner)} wins${why ? `: ${why.toLowerCase()}` : ''} (${v.result}).`;
  }
  if (v.result === '1/2-1/2') return `Draw${why ? `: ${why.toLowerCase()}` : ''} (½–½).`;
  const seat = v.side === 'black' ? 1 : 0;
  return `${['White', 'Black'][seat]}${you(seat)} to move${v.check ? ', in check' : ''}.`;
}

// The moves in SAN, numbered from the FEN's move number: "1. e4 e5 2. Nf3" (a game set up
// with Black to move starts "1… e5").
function moveList(v) {
  const moves = v.moves ?? [];
  const fields = String(v.fen ?? '').split(' ');
  const fullmove = Number(fields[5]) || 1;
  const blackNow = fields[1] === 'b';
  // The ply of the first move, counting 0 as White's first move of the game.
  const first = (fullmove - 1) * 2 + (blackNow ? 1 : 0) - moves.length;
  const list = h('ol', { class: 'chess-moves', 'aria-label': 'moves' });
  let row = null;
  moves.forEach((san, i) => {
    const ply = first + i;
    const number = Math.floor(ply / 2) + 1;
    if (ply % 2 === 0 || row === null) {
      row = h('li', {}, h('span', { class: 'chess-num' }, ply % 2 === 0 ? `${number}.` : `${number}…`));
      list.append(row);
    }
    row.append(' ', h('span', { class: `chess-san${i === moves.length - 1 ? ' current' : ''}`, 'data-ply': i + 1 }, san));
  });
  if (!moves.length) list.append(h('li', { class: 'chess-none' }, 'No moves yet.'));
  return list;
}

// ctx: { seat, legal: [notation], onMove(action), seats, small, pick }. `pick` is kept
// across redraws of one state: the picked square, the keyboard's square, an open chooser.
export function render(v, ctx) {
  const rows = v.board ?? [];
  const pieceAt = (sq) => {
    const ch = rows[8 - Number(sq[1])]?.[FILES.indexOf(sq[0])];
    return ch && ch !== '.' ? ch : null;
  };
  const interactive = !ctx.small && typeof ctx.onMove === 'function' && (ctx.legal?.length ?? 0) > 0;
  const byFrom = movesByFrom(interactive ? ctx.legal : [], pieceAt, v.variant);
  const memory = ctx.small ? {} : memoryOf(ctx);
  const pick = ctx.pick ?? {};
  if (pick.from && !byFrom.has(pick.from)) pick.from = null;
  const wrap = h('div', { class: 'chess-wrap' });

  // Squares in drawing order: column and row on the screen, from the top left.
  const flipped = () => memory.flipped ?? ctx.seat === 1;
  const place = (sq) => {
    const f = FILES.indexOf(sq[0]);
    const r = Number(sq[1]);
    return flipped() ? [7 - f, r - 1] : [f, 8 - r];
  };
  const squareAt = (col, row) => (flipped() ? `${FILES[7 - col]}${row + 1}` : `${FILES[col]}${8 - row}`);
  const targetsOf = (from) => (from ? byFrom.get(from) ?? new Map() : new Map());

  function play(from, to) {
    const ucis = targetsOf(from).get(to) ?? [];
    if (ucis.length === 1) {
      pick.from = null;
      ctx.onMove(ucis[0]);
    } else if (ucis.length > 1) {
      pick.promo = { from, to };
      draw();
    }
  }

  // A square picked by click or key: a target of the picked piece plays, one's own movable
  // piece is picked (again: dropped), anything else drops the pick.
  function activate(sq, { toggle = true } = {}) {
    if (pick.from && targetsOf(pick.from).has(sq)) return play(pick.from, sq);
    pick.from = byFrom.has(sq) && !(toggle && pick.from === sq) ? sq : null;
    pick.cursor = sq;
    return draw();
  }

  function drawBoard() {
    const selected = pick.from;
    const targets = targetsOf(selected);
    const last = v.last_move ?? null;
    const cursor = [pick.cursor, memory.cursor, selected].find((sq) => sq && /^[a-h][1-8]$/.test(sq))
      ?? [...byFrom.keys()].sort((a, b) => place(a)[1] - place(b)[1] || place(a)[0] - place(b)[0])[0] ?? 'e2';
    const svg = s('svg', {
      viewBox: `0 0 ${SQ * 8} ${SQ * 8}`, class: ctx.small ? 'board chess small' : 'board chess', role: 'group',
      'aria-label': `Chess board, ${flipped() ? 'Black' : 'White'} at the bottom`,
    });
    for (let row = 0; row < 8; row++) {
      for (let col = 0; col < 8; col++) {
        const sq = squareAt(col, row);
        const piece = pieceAt(sq);
        const x = col * SQ;
        const y = row * SQ;
        const light = (FILES.indexOf(sq[0]) + Number(sq[1])) % 2 === 1;
        const target = targets.has(sq);
        const classes = ['chess-square', light ? 'light' : 'dark'];
        if (last && (last.from === sq || last.to === sq)) classes.push('last');
        if (v.check === sq) classes.push('check');
        if (sq === selected) classes.push('selected');
        if (target) classes.push('chess-target');
        if (byFrom.has(sq)) classes.push('movable');
        const only = target && targets.get(sq).length === 1 ? targets.get(sq)[0] : null;
        const label = `${sq}${piece ? `, ${pieceName(piece)}` : ''}${sq === selected ? ', picked' : ''}${target ? ', legal target' : ''}`;
        const g = s('g', {
          class: classes.join(' '), 'data-square': sq, 'aria-label': label,
          role: interactive ? 'button' : null, tabindex: interactive ? (sq === cursor ? 0 : -1) : null,
          'data-action': target ? only ?? `${selected}${sq}` : null,
        });
        g.append(s('rect', { x, y, width: SQ, height: SQ, class: 'chess-cell' }));
        // The keyboard focus, drawn inside the square so that its neighbours do not cover it.
        if (interactive) g.append(s('rect', { x: x + 3, y: y + 3, width: SQ - 6, height: SQ - 6, class: 'chess-focus' }));
        if (!ctx.small) {
          if (row === 7) g.append(s('text', { x: x + SQ - 4, y: y + SQ - 4, class: 'chess-coord file' }, sq[0]));
          if (col === 0) g.append(s('text', { x: x + 3, y: y + 13, class: 'chess-coord rank' }, sq[1]));
        }
        if (piece) {
          g.append(s('text', {
            x: x + SQ / 2, y: y + SQ / 2 + 2, class: `chess-piece ${isWhite(piece) ? 'white' : 'black'}`, 'data-piece': piece,
          }, glyph(piece)));
        }
        if (target) {
          g.append(piece ? s('circle', { cx: x + SQ / 2, cy: y + SQ / 2, r: SQ * 0.44, class: 'chess-mark capture' })
            : s('circle', { cx: x + SQ / 2, cy: y + SQ / 2, r: SQ * 0.15, class: 'chess-mark' }));
        }
        svg.append(g);
      }
    }
    if (!interactive) return svg;

    svg.addEventListener('keydown', (e) => {
      const sq = e.target.closest?.('[data-square]')?.dataset.square;
      if (!sq) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        activate(sq);
      } else if (e.key === 'Escape' && pick.from) {
        e.preventDefault();
        pick.from = null;
        draw();
      } else if (ARROWS[e.key]) {
        e.preventDefault();
        const [col, row] = place(sq);
        const [dc, dr] = ARROWS[e.key];
        const next = squareAt(Math.min(7, Math.max(0, col + dc)), Math.min(7, Math.max(0, row + dr)));
        const el = svg.querySelector(`[data-square="${next}"]`);
        e.target.closest('[data-square]').setAttribute('tabindex', '-1');
        el.setAttribute('tabindex', '0');
        el.focus();
      }
    });
    svg.addEventListener('focusin', (e) => {
      const sq = e.target.closest?.('[data-square]')?.dataset.square;
      if (sq) pick.cursor = memory.cursor = sq;
    });
    svg.addEventListener('pointerdown', (e) => onPointerDown(e));
    return svg;
  }

  // Pointer input: press on a target plays; press on a movable piece picks it and starts a
  // drag, which plays when released over one of its targets; a press and release on the
  // piece already picked drops it. The board may be redrawn under the pointer, so the drag
  // follows the window's events and finds squares by position.
  function onPointerDown(e) {
    if (e.button !== 0) return;
    const sq = e.target.closest?.('[data-square]')?.dataset.square;
    if (!sq) return;
    e.preventDefault();
    if (pick.promo) {
      pick.promo = null;
      draw();
      return;
    }
    if (pick.from && targetsOf(pick.from).has(sq)) {
      play(pick.from, sq);
      return;
    }
    if (!byFrom.has(sq)) {
      activate(sq);
      return;
    }
    const wasPicked = pick.from === sq;
    activate(sq, { toggle: false });
    const start = [e.clientX, e.clientY];
    let ghost = null;
    const squareUnder = (x, y) => document.elementFromPoint(x, y)?.closest?.('.chess-wrap [data-square]')?.dataset.square ?? null;
    const move = (ev) => {
      if (ev.pointerId !== e.pointerId) return;
      const svg = wrap.querySelector('svg.board');
      if (!ghost && Math.hypot(ev.clientX - start[0], ev.clientY - start[1]) < 4) return;
      if (!ghost) {
        svg.querySelector(`[data-square="${sq}"] .chess-piece`)?.classList.add('dragging');
        ghost = s('text', { class: `chess-piece chess-ghost ${isWhite(pieceAt(sq)) ? 'white' : 'black'}` }, glyph(pieceAt(sq)));
        svg.append(ghost);
      }
      const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(svg.getScreenCTM().inverse());
      ghost.setAttribute('x', p.x);
      ghost.setAttribute('y', p.y + 2);
    };
    const up = (ev) => {
      if (ev.pointerId !== e.pointerId) return;
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
      if (ghost) {
        ghost.remove();
        const to = ev.type === 'pointerup' ? squareUnder(ev.clientX, ev.clientY) : null;
        if (to && to !== sq && targetsOf(sq).has(to)) play(sq, to);
        else draw();
      } else if (wasPicked && squareUnder(ev.clientX, ev.clientY) === sq) {
        pick.from = null;
        draw();
      }
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
  }

  // The promotion chooser over the board: the four pieces, then cancel.
  function drawChooser() {
    const { from, to } = pick.promo;
    const ucis = targetsOf(from).get(to) ?? [];
    const white = isWhite(pieceAt(from) ?? 'P');
    const cancel = () => {
      pick.promo = null;
      draw();
    };
    const box = h('div', {
      class: 'chess-promo', role: 'dialog', 'aria-label': `promote on ${to}`,
      onkeydown: (e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        cancel();
      },
    });
    for (const letter of PROMOTIONS) {
      const uci = ucis.find((u) => u.endsWith(letter));
      if (!uci) continue;
      const shown = white ? letter.toUpperCase() : letter;
      box.append(h('button', {
        type: 'button', class: 'chess-promo-choice', 'data-promotion': letter, 'data-action': uci,
        'aria-label': `promote to ${NAME[letter]}`, title: NAME[letter],
        onclick: () => {
          pick.promo = null;
          pick.from = null;
          ctx.onMove(uci);
        },
      }, h('span', { class: `chess-glyph ${white ? 'white' : 'black'}`, 'aria-hidden': 'true' }, glyph(shown))));
    }
    box.append(h('button', { type: 'button', class: 'chess-promo-cancel', 'data-action': 'cancel-promotion', onclick: cancel }, 'Cancel'));
    return box;
  }

  // Draws everything again (a pick, a drag, a flip); the keyboard focus stays on the same
  // control, on the chooser when it opens, else on the keyboard's square.
  function draw() {
    const active = document.activeElement;
    const hadFocus = wrap.contains(active);
    const keep = hadFocus ? active.dataset?.square ?? active.dataset?.action ?? null : null;
    const area = h('div', { class: 'chess-board-area' }, drawBoard());
    if (pick.promo && interactive) area.append(drawChooser());
    const flip = h('button', {
      type: 'button', class: 'btn chess-flip', 'data-action': 'flip', 'aria-pressed': flipped() !== (ctx.seat === 1) ? 'true' : 'false',
      onclick: () => {
        memory.flipped = !flipped();
        draw();
      },
    }, '⇅ Flip board');
    const list = moveList(v);
    wrap.replaceChildren(area,
      h('div', { class: 'chess-bar' }, h('p', { class: 'chess-status', role: 'status' }, statusText(v, ctx)), flip),
      list);
    requestAnimationFrame(() => { list.scrollTop = list.scrollHeight; });
    if (!hadFocus) return;
    const chooser = wrap.querySelector('.chess-promo-choice');
    const same = keep ? wrap.querySelector(`[data-square="${keep}"], [data-action="${CSS.escape(keep)}"]`) : null;
    const square = pick.cursor ? wrap.querySelector(`[data-square="${pick.cursor}"]`) : null;
    (chooser ?? same ?? (square?.hasAttribute('tabindex') ? square : null) ?? wrap.querySelector('[tabindex="0"], button'))?.focus();
  }

  if (ctx.small) return drawBoard();
  draw();
  return wrap;
}
