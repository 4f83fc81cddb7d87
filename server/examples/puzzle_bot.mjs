#!/usr/bin/env node
// An Arena bot that solves number puzzles step by step: the 24 game and Countdown. At each
// state it searches the numbers on the table for a way to the target (exact fractions for
// 24; positive integers, closest value, for Countdown) and sends the first step of it; in
// Countdown it stops once the best value it can reach is on the table. Any other game gets
// a random legal move. The session loop (register, connect, challenge, resync) is the
// examples' shared one, bot_session.mjs; the protocol is server/PROTOCOL.md. Node 18+.
//
//   node server/examples/puzzle_bot.mjs --server http://127.0.0.1:8080 \
//       [--name NAME] [--token TOKEN] [--game game24|countdown|SPEC] [--matches N] [--trace]
//
// stdout: one JSON line per event ("registered", "match", "summary"), as random_bot's.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { playMatches } from './bot_session.mjs';

// --- Exact fractions, for the 24 game ------------------------------------------------
const gcd = (a, b) => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const frac = (n, d = 1n) => {
  if (d < 0n) { n = -n; d = -d; }
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};
const parseFrac = (text) => {
  const [n, d] = String(text).split('/');
  return frac(BigInt(n), BigInt(d ?? 1));
};
const fracText = (x) => (x.d === 1n ? `${x.n}` : `${x.n}/${x.d}`);
// As a step's operand: plain when a non-negative integer, else in parentheses.
const operand = (x) => (x.d === 1n && x.n >= 0n ? `${x.n}` : `(${fracText(x)})`);
const combineFrac = (a, b, op) => {
  switch (op) {
    case '+': return frac(a.n * b.d + b.n * a.d, a.d * b.d);
    case '-': return frac(a.n * b.d - b.n * a.d, a.d * b.d);
    case '*': return frac(a.n * b.n, a.d * b.d);
    default: return b.n === 0n ? null : frac(a.n * b.d, a.d * b.n);
  }
};

// The steps from `numbers` to exactly `target` (fractions), or null. Dead ends are
// remembered by their sorted multiset.
function solveExact(numbers, target, dead = new Set()) {
  if (numbers.length === 1) return numbers[0].n === target.n && numbers[0].d === target.d ? [] : null;
  const key = numbers.map(fracText).sort().join(' ');
  if (dead.has(key)) return null;
  for (let i = 0; i < numbers.length; ++i) {
    for (let j = 0; j < numbers.length; ++j) {
      if (i === j) continue;
      const rest = numbers.filter((_, k) => k !== i && k !== j);
      for (const op of ['+', '-', '*', '/']) {
        if ((op === '+' || op === '*') && j < i) continue;
        const r = combineFrac(numbers[i], numbers[j], op);
        if (!r) continue;
        const tail = solveExact([...rest, r], target, dead);
        if (tail) return [`${operand(numbers[i])}${op}${operand(numbers[j])}`, ...tail];
      }
    }
  }
  dead.add(key);
  return null;
}

// --- Countdown: positive integers, as close to the target as can be ------------------
// The best plan from `numbers`: { value, steps }, value being the closest number it can put
// on the table (fewest steps among equals). Exhaustive over the multisets, each once.
function solveClosest(numbers, target) {
  const closest = (list) => list.reduce((b, x) => (Math.abs(x - target) < Math.abs(b - target) ? x : b));
  let best = { value: closest(numbers), steps: [] };
  const seen = new Set();
  const path = [];
  const visit = (list) => {
    const key = [...list].sort((a, b) => a - b).join(' ');
    if (seen.has(key)) return;
    seen.add(key);
    for (let i = 0; i < list.length; ++i) {
      for (let j = 0; j < list.length; ++j) {
        if (i === j) continue;
        const a = list[i];
        const b = list[j];
        for (const op of ['+', '-', '*', '/']) {
          if ((op === '+' || op === '*') && j < i) continue;
          if (op === '-' && a <= b) continue;
          if (op === '/' && (b === 1 || a % b !== 0)) continue;
          if (op === '*' && (a === 1 || b === 1)) continue;
          const r = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
          path.push(`${a}${op}${b}`);
          const d = Math.abs(r - target);
          const bestD = Math.abs(best.value - target);
          if (d < bestD || (d === bestD && path.length < best.steps.length)) best = { value: r, steps: [...path] };
          if (best.value !== target || best.steps.length > path.length) {
            visit([...list.filter((_, k) => k !== i && k !== j), r]);
          }
          path.pop();
        }
      }
    }
  };
  visit(numbers);
  return best;
}

// --- The move --------------------------------------------------------------------------
function choose(msg) {
  const v = msg.state?.state ?? {};
  const random = () => msg.legal[Math.floor(Math.random() * msg.legal.length)];
  if (!Array.isArray(v.numbers) || typeof v.target !== 'number') return random();
  if ('score' in v) {  // Countdown
    const numbers = v.numbers.map(Number);
    const plan = solveClosest(numbers, v.target);
    if (plan.steps.length === 0) return msg.legal.includes('stop') ? 'stop' : random();
    return plan.steps[0];
  }
  const steps = solveExact(v.numbers.map(parseFrac), frac(BigInt(v.target)));  // the 24 game
  return steps?.length ? steps[0] : random();
}

const { values: opt } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://127.0.0.1:8080' },
    name: { type: 'string', default: `puzzle-bot-${randomBytes(3).toString('hex')}` },
    token: { type: 'string' },
    game: { type: 'string', default: 'game24' },
    matches: { type: 'string', default: '1' },
    seek: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
});
await playMatches(opt, 'puzzle_bot', choose);
