// The 24 game in the browser, drawn from the game's JSON view (the `state` field of a
// protocol `state` message: numbers, target, puzzle, solved, moves with still_solvable):
// number tiles and operators, where only combinations in `legal` are enabled; pick a
// number, an operator, then the second number (the keyboard focus moves to the next thing
// to pick); the steps so far, each marked still solvable or not. Loaded by the UI
// (web/js/boards.js) from /games/math/board.js; it only draws, the server checks every
// move. Browser main thread only.

import { h } from '/js/util.js';

// The UI adds this stylesheet to the page once, before the first table is drawn.
export const stylesheet = new URL('./board.css', import.meta.url).href;

const operandText = (x) => (/^\d+$/.test(x) ? x : `(${x})`);
const OPS = ['+', '-', '*', '/'];
const OP_LABEL = { '+': '+', '-': '−', '*': '×', '/': '÷' };

// ctx: { seat, legal: [notation], onMove(action), seats, small, pick }. `pick` is an object
// the page keeps across redraws of the same state: what the player has picked so far.
export function render(v, ctx) {
  const numbers = v.numbers ?? [];
  if (ctx.small) return h('div', { class: 'g24 small' }, numbers.map((x) => h('span', { class: 'tile' }, x)), h('span', {}, ` → ${v.target ?? 24}`));
  const legal = ctx.onMove ? ctx.legal ?? [] : [];
  // What the player has picked so far: a number's index, then an operator.
  const pick = ctx.pick ?? (ctx.pick = {});
  if (pick.first === undefined) pick.first = null;
  if (pick.op === undefined) pick.op = null;
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
