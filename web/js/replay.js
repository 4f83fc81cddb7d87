// Rebuilds a finished match's views move by move from its stored moves (GET
// /api/matches/<id>), for the replay page: one small reducer per game family producing the
// same JSON view shape the server sends live, so the live boards draw it. Pure functions.

import { family } from './util.js';

// The views after each ply: views[0] before any move, views[k] after k moves.
export function replayViews(game, moves) {
  const make = reducers[family(game)];
  if (!make) return null;
  const r = make(game);
  const views = [r.view()];
  for (const m of moves) {
    r.apply(m);
    views.push(r.view());
  }
  return views;
}

const specParam = (spec, name, fallback) => {
  const m = new RegExp(`${name}\\s*=\\s*'?([^,')]+)`).exec(spec);
  return m ? m[1] : fallback;
};

const reducers = {
  go(spec) {
    const n = Number(specParam(spec, 'size', 19));
    const komi = Number(specParam(spec, 'komi', 7.5));
    const cols = 'ABCDEFGHJKLMNOPQRST'.slice(0, n);
    const board = Array.from({ length: n }, () => Array(n).fill('.'));  // [row from top][col]
    const captures = { black: 0, white: 0 };
    let toMove = 'X';
    let lastMove = null;
    let moves = 0;
    const neighbours = (r, c) => [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]].filter(([a, b]) => a >= 0 && b >= 0 && a < n && b < n);
    const group = (r, c) => {
      const color = board[r][c];
      const seen = new Set([`${r},${c}`]);
      const stack = [[r, c]];
      let liberties = 0;
      const stones = [];
      while (stack.length) {
        const [a, b] = stack.pop();
        stones.push([a, b]);
        for (const [x, y] of neighbours(a, b)) {
          const k = `${x},${y}`;
          if (seen.has(k)) continue;
          if (board[x][y] === '.') { seen.add(k); liberties++; } else if (board[x][y] === color) { seen.add(k); stack.push([x, y]); }
        }
      }
      return { stones, liberties };
    };
    return {
      apply(m) {
        moves++;
        const mover = m.seat === 1 ? 'O' : 'X';
        toMove = mover === 'X' ? 'O' : 'X';
        lastMove = m.action;
        if (!m.action || m.action === 'pass') return;
        const c = cols.indexOf(m.action[0].toUpperCase());
        const r = n - Number(m.action.slice(1));
        if (c < 0 || r < 0 || r >= n) return;
        board[r][c] = mover;
        const enemy = mover === 'X' ? 'O' : 'X';
        for (const [x, y] of neighbours(r, c)) {
          if (board[x][y] !== enemy) continue;
          const g = group(x, y);
          if (g.liberties === 0) {
            for (const [a, b] of g.stones) board[a][b] = '.';
            captures[mover === 'X' ? 'black' : 'white'] += g.stones.length;
          }
        }
      },
      view: () => ({ size: n, komi, columns: cols, board: board.map((row) => row.join('')), captures,
        to_move: toMove === 'X' ? 'black' : 'white', last_move: lastMove, moves }),
    };
  },

  kuhn_poker() {
    const cards = [null, null];
    const bets = [];
    const committed = [1, 1];
    let dealt = 0;
    return {
      apply(m) {
        if (m.seat < 0) {
          cards[dealt++] = m.action?.replace(/^deal\s+/, '') ?? null;
          return;
        }
        bets.push({ seat: m.seat, action: m.action });
        if (m.action === 'bet' || m.action === 'call') committed[m.seat] += 1;
      },
      view: () => ({ cards: [...cards], bets: [...bets], committed: [...committed], pot: committed[0] + committed[1],
        showdown: bets.length > 0 && ['call', 'check'].includes(bets.at(-1).action) && (bets.length > 1) }),
    };
  },

  game24() {
    let numbers = [];
    const moves = [];
    let puzzle = null;
    const value = (t) => {
      const [a, b] = t.replace(/[()]/g, '').split('/');
      return Number(a) / (b === undefined ? 1 : Number(b));
    };
    return {
      apply(m) {
        if (m.seat < 0) {
          numbers = (m.action ?? '').replace(/^deal\s+/, '').split(/\s+/).filter(Boolean);
          return;
        }
        // "a op b=r": remove a and b (as written), add r.
        const [lhs, rhs] = m.action.split('=');
        const opMatch = /^(\(-?[\d/]+\)|\d+)([-+*/])(\(-?[\d/]+\)|\d+)$/.exec(lhs);
        if (opMatch) {
          for (const operand of [opMatch[1], opMatch[3]]) {
            const v = value(operand);
            const k = numbers.findIndex((x) => Math.abs(value(x) - v) < 1e-9);
            if (k >= 0) numbers.splice(k, 1);
          }
          numbers.push(rhs);
          numbers.sort((a, b) => value(a) - value(b));
        }
        moves.push({ step: m.action, still_solvable: (m.rewards?.[0] ?? 0) > 0 });
      },
      view: () => ({ numbers: [...numbers], target: 24, moves: [...moves], puzzle,
        solved: numbers.length === 1 && Math.abs(value(numbers[0]) - 24) < 1e-9 }),
    };
  },
};
