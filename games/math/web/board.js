// The math puzzles in the browser, drawn from each game's JSON view (the `state` field of a
// protocol `state` message): the 24 game (numbers, target 24, moves), Countdown (numbers,
// target, best, score, moves; a Stop button) and word problems (text, question, quantities,
// steps). One table for all three: number tiles and operators, where only combinations in
// `legal` are enabled; pick a number, an operator, then the second number (the keyboard
// focus moves to the next thing to pick); below, every step so far with the verifier's
// verdict. Loaded by the UI (web/js/boards.js) from /games/math/board.js; it only draws,
// the server checks every move. Browser main thread only.

import { h } from '/js/util.js';

// The UI adds this stylesheet to the page once, before the first table is drawn.
export const stylesheet = new URL('./board.css', import.meta.url).href;

const operandText = (x) => (/^\d+$/.test(String(x)) ? String(x) : `(${x})`);
const OPS = ['+', '-', '*', '/'];
const OP_LABEL = { '+': '+', '-': '−', '*': '×', '/': '÷' };
// The verifier's verdicts, as the games word them.
const VERDICT = {
  'correct step': { mark: '✓', cls: 'good' },
  solved: { mark: '★', cls: 'good solved' },
  'not on any solution path': { mark: '✗', cls: 'bad' },
};

// Which puzzle a view is: the word problems have text, Countdown a score.
const kindOf = (v) => ('text' in v ? 'words' : 'score' in v ? 'countdown' : 'g24');

// ctx: { seat, legal: [notation], onMove(action), seats, small, pick }. `pick` is an object
// the page keeps across redraws of the same state: what the player has picked so far.
export function render(v, ctx) {
  const kind = kindOf(v);
  const tiles = kind === 'words' ? (v.quantities ?? []).map((q) => ({ value: String(q.value), label: q.label }))
    : (v.numbers ?? []).map((x) => ({ value: String(x) }));
  if (ctx.small) {
    return h('div', { class: `g24 small ${kind}` }, tiles.map((t) => h('span', { class: 'tile' }, t.value)),
      kind === 'words' ? null : h('span', {}, ` → ${v.target ?? 24}`));
  }
  const legal = ctx.onMove ? ctx.legal ?? [] : [];
  const steps = kind === 'words' ? v.steps ?? [] : v.moves ?? [];
  const root = h('div', { class: `g24 ${kind}` });
  const pick = ctx.pick ?? (ctx.pick = {});
  if (pick.first === undefined) pick.first = null;
  if (pick.op === undefined) pick.op = null;

  const header = () => {
    if (kind === 'words') {
      return [h('p', { class: 'problem', 'data-seed': v.seed ?? '' }, v.text ?? ''), h('p', { class: 'question' },
        v.question ?? '', v.solved ? ' · solved!' : ` · ${v.steps_left ?? 0} steps left`)];
    }
    const goal = h('p', { class: 'g24-goal' }, `Make ${v.target ?? 24}`, v.puzzle ? ` · puzzle #${v.puzzle}` : '',
      v.solved ? ' · solved!' : '');
    if (kind !== 'countdown') return [goal];
    return [goal, h('p', { class: 'score' }, `closest so far ${v.best ?? '–'} · score ${Math.round((v.score ?? 0) * 10)} of 10`)];
  };

  const draw = () => {
    // A click or key on a tile or operator redraws the table: keep the keyboard on it, at
    // the next thing to pick.
    const refocus = root.contains(document.activeElement);
    root.replaceChildren(...header());
    root.append(picker(tiles, legal, pick, draw, (action) => ctx.onMove(action)));
    if (legal.includes('stop')) {
      root.append(h('button', { class: 'btn stop', 'data-action': 'stop', onclick: () => ctx.onMove('stop') },
        `Stop at ${v.best}`));
    }
    if (legal.length) {
      root.append(h('p', { class: 'hint' }, pick.first === null ? 'Pick a number.'
        : pick.op === null ? 'Pick an operator.' : 'Pick the second number.'));
    }
    root.append(h('ol', { class: 'g24-steps', 'aria-label': 'steps' }, steps.map((m, i) => {
      const verdict = VERDICT[m.verdict] ?? { mark: '·', cls: 'neutral' };
      return h('li', { class: `${verdict.cls}${i === steps.length - 1 ? ' last' : ''}`, 'data-verdict': m.verdict ?? '' },
        `${m.step} ${verdict.mark} ${m.verdict ?? ''}`);
    })));
    if (refocus) {
      const next = pick.first === null ? '.tile:not([disabled])' : pick.op === null ? '.op:not([disabled])'
        : '.tile:not([disabled]):not(.picked)';
      root.querySelector(next)?.focus();
    }
  };
  draw();
  return root;
}

// The tiles and operators: a step is a number, an operator and a second number, offered
// only as far as some legal step starts that way.
function picker(tiles, legal, pick, redraw, move) {
  const stepsFrom = (first, op) => legal.filter((a) => a.startsWith(`${operandText(tiles[first].value)}${op ?? ''}`));
  const choose = (i) => {
    if (pick.first === null || pick.op === null) {
      pick.first = pick.first === i ? null : i;
      pick.op = null;
      return redraw();
    }
    if (i === pick.first) {
      pick.first = null;
      pick.op = null;
      return redraw();
    }
    const prefix = `${operandText(tiles[pick.first].value)}${pick.op}${operandText(tiles[i].value)}=`;
    const action = legal.find((a) => a.startsWith(prefix));
    pick.first = null;
    pick.op = null;
    if (action) move(action);
    else redraw();
  };
  const row = h('div', { class: 'tiles' });
  tiles.forEach((t, i) => {
    let usable = legal.length > 0;
    if (pick.first !== null && pick.op !== null) {
      const prefix = `${operandText(tiles[pick.first].value)}${pick.op}${operandText(t.value)}=`;
      usable = i !== pick.first && legal.some((a) => a.startsWith(prefix));
    } else if (pick.first === null) {
      usable = OPS.some((op) => legal.some((a) => a.startsWith(`${operandText(t.value)}${op}`)));
    }
    row.append(h('button', {
      class: `tile${pick.first === i ? ' picked' : ''}${usable ? ' legal' : ''}`, 'data-number': t.value, 'data-index': i,
      disabled: !usable && pick.first !== i, 'aria-pressed': pick.first === i ? 'true' : 'false',
      title: t.label ?? '', onclick: () => choose(i),
    }, t.value, t.label ? h('small', { class: 'label' }, t.label) : null));
  });
  const ops = h('div', { class: 'ops' });
  for (const op of OPS) {
    const ok = pick.first !== null && stepsFrom(pick.first, op).length > 0;
    ops.append(h('button', { class: `op${pick.op === op ? ' picked' : ''}${ok ? ' legal' : ''}`, 'data-op': op,
      disabled: !ok, 'aria-label': `operator ${op}`, onclick: () => { pick.op = op; redraw(); } }, OP_LABEL[op]));
  }
  return h('div', { class: 'picker' }, row, ops);
}
