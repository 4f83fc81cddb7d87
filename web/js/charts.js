// Charts drawn in SVG for the project (no library): horizontal interval bars (ratings with
// confidence intervals), line charts (rating history over time, training metrics by step)
// and grouped bars of probabilities with interval whiskers (AUCs). Browser main thread only.

import { s, h } from './util.js';

// Rows of {label, value, low, high, href?, note?, mark?}: a point at value and a bar from
// low to high on a shared horizontal scale, one row each (`mark` highlights a row).
export function intervalBars(rows, { unit = 'Elo', width = 640 } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, 'No ratings yet.');
  const labelW = Math.min(220, Math.max(90, 7 * Math.max(...rows.map((r) => String(r.label).length))));
  const rowH = 26;
  const top = 24;
  const right = 60;
  const height = top + rows.length * rowH + 10;
  const vals = rows.flatMap((r) => [r.low, r.high, r.value]).filter(Number.isFinite);
  let lo = Math.min(0, ...vals);
  let hi = Math.max(0, ...vals);
  if (hi - lo < 1) { lo -= 50; hi += 50; }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const x = (v) => labelW + ((v - lo) / (hi - lo)) * (width - labelW - right);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart bars', role: 'img',
    'aria-label': `ratings with 95% intervals (${unit})` });
  for (const t of ticks(lo, hi, 5)) {
    svg.append(s('line', { x1: x(t), y1: top - 6, x2: x(t), y2: height - 6, class: t === 0 ? 'axis zero' : 'axis' }));
    svg.append(s('text', { x: x(t), y: top - 10, class: 'tick' }, String(t)));
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const g = s('g', { class: r.mark ? 'bar-row mark' : 'bar-row' });
    const label = s('text', { x: labelW - 8, y: y + 4, class: 'bar-label' }, r.label);
    if (r.href) {
      const a = s('a', { href: r.href });
      a.append(label);
      g.append(a);
    } else g.append(label);
    if (Number.isFinite(r.low) && Number.isFinite(r.high)) {
      g.append(s('rect', { x: x(r.low), y: y - 5, width: Math.max(2, x(r.high) - x(r.low)), height: 10, rx: 3, class: 'interval' }));
    }
    if (Number.isFinite(r.value)) {
      g.append(s('circle', { cx: x(r.value), cy: y, r: 5, class: 'estimate' }));
      g.append(s('text', { x: width - right + 6, y: y + 4, class: 'bar-value' }, Math.round(r.value)));
    }
    g.append(s('title', {}, `${r.label}: ${Math.round(r.value)} ${unit} (95% ${Math.round(r.low)} to ${Math.round(r.high)})${r.note ? ` · ${r.note}` : ''}`));
    svg.append(g);
  });
  return svg;
}

// Series of {name, points: [{x, y, lo?, hi?}]} on numeric axes: lines with a shaded band
// from lo to hi where given. `xText` and `yText` write a value (axis ends, ticks, each
// point's title); an axis spanning less than `minSpan` (y) or nothing (x) is widened by
// `yPad` or `xPad` on each side.
export function lineChart(series, { width = 640, height = 260, label = 'values', xText = String,
  yText = (v) => String(Math.round(v)), minSpan = 1, yPad = 50, xPad = 1 } = {}) {
  const pts = series.flatMap((se) => se.points);
  if (pts.length === 0) return h('p', { class: 'empty' }, 'No history yet.');
  const left = 50;
  const bottom = 28;
  const top = 14;
  const right = 14;
  const xs = pts.map((p) => p.x);
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (x1 === x0) { x0 -= xPad; x1 += xPad; }
  const ys = pts.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y1 - y0 < minSpan) { y0 -= yPad; y1 += yPad; }
  const X = (v) => left + ((v - x0) / (x1 - x0)) * (width - left - right);
  const Y = (v) => top + (1 - (v - y0) / (y1 - y0)) * (height - top - bottom);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart line', role: 'img', 'aria-label': label });
  for (const v of ticks(y0, y1, 5)) {
    svg.append(s('line', { x1: left, y1: Y(v), x2: width - right, y2: Y(v), class: 'axis' }));
    svg.append(s('text', { x: left - 6, y: Y(v) + 4, class: 'tick y' }, String(v)));
  }
  svg.append(s('text', { x: left, y: height - 8, class: 'tick x start' }, xText(x0)));
  svg.append(s('text', { x: width - right, y: height - 8, class: 'tick x end' }, xText(x1)));
  series.forEach((se, k) => {
    const sorted = [...se.points].sort((a, b) => a.x - b.x);
    const cls = `series s${k % 6}`;
    if (sorted.some((p) => p.lo !== undefined)) {
      const upper = sorted.map((p) => `${X(p.x)},${Y(p.hi)}`);
      const lower = sorted.map((p) => `${X(p.x)},${Y(p.lo)}`).reverse();
      svg.append(s('polygon', { points: [...upper, ...lower].join(' '), class: `${cls} band` }));
    }
    svg.append(s('polyline', { points: sorted.map((p) => `${X(p.x)},${Y(p.y)}`).join(' '), class: `${cls} path` }));
    for (const p of sorted) {
      if (p.lo !== undefined) svg.append(s('line', { x1: X(p.x), y1: Y(p.lo), x2: X(p.x), y2: Y(p.hi), class: `${cls} whisker` }));
      svg.append(s('circle', { cx: X(p.x), cy: Y(p.y), r: 3, class: `${cls} dot` },
        s('title', {}, `${se.name}: ${yText(p.y)} at ${xText(p.x)}`)));
    }
  });
  const legend = h('ul', { class: 'legend' }, series.map((se, k) => h('li', { class: `s${k % 6}` }, se.name)));
  return h('figure', { class: 'chart-wrap' }, svg, legend);
}

// Series of {name, points: [{t: Date, y, lo?, hi?}]}: lineChart over time.
export function timeChart(series, { width = 640, height = 260, unit = 'rating' } = {}) {
  const timed = series.map((se) => ({ ...se, points: se.points.map((p) => ({ ...p, x: p.t.getTime() })) }));
  return lineChart(timed, { width, height, label: `${unit} over time`, xText: (x) => new Date(x).toLocaleString(), xPad: 60000 });
}

// Grouped vertical bars on a fixed [0, 1] scale with 95% whiskers: groups of {label, bars:
// [{value, low, high, note?}]}, bar k of each group in series k (series: their names, for the
// legend; a value of null draws no bar). `reference` draws a dashed line (0.5: chance).
export function probabilityBars(groups, series, { width = 640, height = 220, reference = 0.5, unit = 'AUC' } = {}) {
  if (groups.length === 0) return h('p', { class: 'empty' }, 'Nothing measured yet.');
  const left = 36;
  const right = 10;
  const top = 12;
  const bottom = 34;
  const slot = (width - left - right) / groups.length;
  const barW = Math.max(4, Math.min(28, (slot * 0.8) / Math.max(1, series.length)));
  const Y = (v) => top + (1 - v) * (height - top - bottom);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart prob-bars', role: 'img',
    'aria-label': `${unit} with 95% intervals` });
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s('line', { x1: left, y1: Y(v), x2: width - right, y2: Y(v), class: v === reference ? 'axis zero' : 'axis' }));
    svg.append(s('text', { x: left - 6, y: Y(v) + 4, class: 'tick y' }, String(v)));
  }
  groups.forEach((g, i) => {
    const x0 = left + i * slot + (slot - barW * series.length) / 2;
    svg.append(s('text', { x: left + (i + 0.5) * slot, y: height - bottom + 16, class: 'tick' }, g.label));
    g.bars.forEach((b, k) => {
      if (!Number.isFinite(b?.value)) return;
      const x = x0 + k * barW;
      const grp = s('g', { class: `prob-bar s${k % 6}` });
      grp.append(s('rect', { x: x + 1, y: Y(b.value), width: barW - 2, height: Math.max(1, Y(0) - Y(b.value)), class: 'bar' }));
      if (Number.isFinite(b.low) && Number.isFinite(b.high)) {
        const cx = x + barW / 2;
        grp.append(s('line', { x1: cx, y1: Y(b.low), x2: cx, y2: Y(b.high), class: 'whisker' }));
        grp.append(s('line', { x1: cx - 3, y1: Y(b.low), x2: cx + 3, y2: Y(b.low), class: 'whisker' }));
        grp.append(s('line', { x1: cx - 3, y1: Y(b.high), x2: cx + 3, y2: Y(b.high), class: 'whisker' }));
      }
      const interval = Number.isFinite(b.low) ? ` (95% ${b.low.toFixed(3)} to ${b.high.toFixed(3)})` : '';
      grp.append(s('title', {}, `${series[k]} · ${g.label}: ${unit} ${b.value.toFixed(3)}${interval}${b.note ? ` · ${b.note}` : ''}`));
      svg.append(grp);
    });
  });
  const legend = h('ul', { class: 'legend' }, series.map((name, k) => h('li', { class: `s${k % 6}` }, name)));
  return h('figure', { class: 'chart-wrap' }, svg, legend);
}

// About n round numbers spanning [lo, hi].
function ticks(lo, hi, n) {
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  const out = [];
  const digits = Math.max(0, -Math.floor(Math.log10(step)));  // a step of 0.05 keeps two
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Number(v.toFixed(digits)));
  return out;
}
