// Small DOM, SVG and REST helpers shared by every page. Browser main thread only.

const SVG_NS = 'http://www.w3.org/2000/svg';

// An HTML element: h('a', {href: '#/'}, 'text', child...). Attributes starting with "on"
// are event listeners; null/undefined/false children are skipped; text is never parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// An SVG element, same calling convention as h().
export function s(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A REST error with the server's code ("bad_request", "unknown_match", ...).
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// GET (or another method with a JSON body) under the same origin; resolves the parsed JSON,
// rejects with ApiError carrying the server's {error: {code, message}}.
export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { text };
  }
  if (!res.ok) {
    const err = data?.error ?? {};
    throw new ApiError(res.status, err.code ?? `http_${res.status}`, err.message ?? `HTTP ${res.status}`);
  }
  return data;
}

// Shows a message in the page's alert area for a few seconds (errors from the server).
let toastTimer = null;
export function toast(message, kind = 'error') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.className = `toast ${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 6000);
}

// "1:05" / "0:09.4" for a clock in milliseconds; "∞" for untimed (-1).
export function fmtClock(ms) {
  if (ms === null || ms === undefined || ms < 0) return '∞';
  const t = Math.max(0, ms);
  const m = Math.floor(t / 60000);
  const sec = (t % 60000) / 1000;
  return t < 10000 ? `${m}:${sec.toFixed(1).padStart(4, '0')}` : `${m}:${String(Math.floor(sec)).padStart(2, '0')}`;
}

export const fmtElo = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toString());

// The game's name in a spec, without its parameters: "name(a=1,b=2)" -> "name".
export const gameName = (spec) => String(spec ?? '').split('(')[0];

// A short readable date-time from an ISO string.
export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

// A player's name for display: a guest's ("guest-" and 64 hex digits, the hash of its
// cookie) shortened to "guest-1a2b3c4d…"; other names as they are.
export function displayName(name) {
  if (typeof name !== 'string') return name;
  return /^guest-[0-9a-f]{64}$/.test(name) ? `${name.slice(0, 14)}…` : name;
}

// The seat of a stored step in which every acting seat moved at once; its action is their
// moves as a JSON array by seat.
export const SIMULTANEOUS = -2;

// Such a step's moves as text, "alice: x, y · carol: z" (seats that did not act left out);
// the action itself when it is not that array.
export function fmtSimultaneous(seats, action) {
  let bySeat = null;
  try {
    bySeat = JSON.parse(action);
  } catch {
    // not JSON: shown as it is
  }
  if (!Array.isArray(bySeat)) return String(action ?? '');
  return bySeat.map((moves, i) => (Array.isArray(moves) && moves.length
    ? `${displayName(seats?.[i]?.name) ?? `seat ${i + 1}`}: ${moves.join(', ')}` : null)).filter(Boolean).join(' · ');
}

// The result of a finished match as text, by seat: "random 1 – guest −1".
export function fmtResult(seats, result) {
  if (!result || result.length === 0) return '';
  return result.map((r, i) => `${displayName(seats?.[i]?.name) ?? `seat ${i + 1}`} ${r > 0 ? '+' : ''}${r}`).join(' · ');
}
