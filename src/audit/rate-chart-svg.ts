import type { Lang } from '../cli/lang.js';
import { formatRate } from '../money/rate.js';
import { divideRoundedBig } from '../money/round.js';
import { dateFromDayNumber, dayNumber } from '../time/shanghai.js';
import type { AuditReport, RateChange } from './report-types.js';
import { channelCardName, displayWidth, rateChangeText, sameChangeKey } from './render-table.js';

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

type EffectiveRate = NonNullable<AuditReport['effectiveRates']>[number];

export interface RateChartOptions {
  lang: Lang;
  width?: number;
  height?: number;
}

interface Series {
  key: string;
  label: string;
  points: { day: number; ppm: number }[];
}

const COLOURS = ['#1f6fb2', '#d1495b', '#2a9d8f', '#e09f3e', '#6a4c93', '#3d5a80', '#8d6e63', '#43aa8b'];
const Y_STEPS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** fee ÷ amount in ppm, rounded half-even; exact for any size of day. */
function effectivePpm(r: EffectiveRate): number {
  return Number(divideRoundedBig(BigInt(r.feeFen) * 1_000_000n, BigInt(r.amountFen), 'half-even'));
}

function seriesOf(rates: readonly EffectiveRate[], lang: Lang): Series[] {
  const byKey = new Map<string, Series>();
  for (const r of rates) {
    if (r.amountFen <= 0) continue;
    const key = `${r.channel}|${r.card}`;
    let s = byKey.get(key);
    if (s === undefined) {
      s = { key, label: channelCardName(r.channel, r.card, lang), points: [] };
      byKey.set(key, s);
    }
    s.points.push({ day: dayNumber(r.date), ppm: effectivePpm(r) });
  }
  const all = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const s of all) s.points.sort((a, b) => a.day - b.day);
  return all;
}

/**
 * The effective rate per day per channel/card as an inline SVG line chart for HTML (no namespace, so no URL at all), each rate change marked with a
 * vertical line and a label (`<g class="rate-change" data-date="2026-08-03">`). Empty string when there is
 * nothing to draw.
 */
export function rateChartSvg(
  rates: readonly EffectiveRate[],
  changes: readonly RateChange[],
  options: RateChartOptions,
): string {
  const series = seriesOf(rates, options.lang);
  if (series.length === 0) return '';
  const width = options.width ?? 760;
  const height = options.height ?? 320;
  const left = 64;
  const right = 48;
  const plotW = width - left - right;

  let minDay = Number.POSITIVE_INFINITY;
  let maxDay = Number.NEGATIVE_INFINITY;
  let maxPpm = 0;
  for (const s of series)
    for (const p of s.points) {
      minDay = Math.min(minDay, p.day);
      maxDay = Math.max(maxDay, p.day);
      maxPpm = Math.max(maxPpm, p.ppm);
    }
  for (const c of changes) {
    const d = dayNumber(c.date);
    minDay = Math.min(minDay, d);
    maxDay = Math.max(maxDay, d);
  }
  if (maxDay === minDay) maxDay = minDay + 1;
  const x = (day: number) => left + ((day - minDay) / (maxDay - minDay)) * plotW;
  const markers = layoutMarkers(changes, x, left + plotW, options.lang);
  const rows = markers.reduce((m, k) => Math.max(m, k.row + 1), 0);

  const top = 24 + 14 * rows;
  const legendHeight = 18 * Math.ceil(series.length / 3);
  const bottom = 40 + legendHeight;
  const plotH = Math.max(80, height - top - bottom);
  const fullHeight = top + plotH + bottom;
  const step = Y_STEPS.find((s) => (maxPpm * 1.1) / s <= 6) ?? 200_000;
  const yMax = Math.max(step, Math.ceil((maxPpm * 1.1) / step) * step);
  const y = (ppm: number) => top + plotH - (ppm / yMax) * plotH;
  const n = (v: number) => (Math.round(v * 10) / 10).toString();

  const title = options.lang === 'en' ? 'Effective fee rate per day' : '每日实际费率';
  const parts: string[] = [
    `<svg class="rate-chart" viewBox="0 0 ${width} ${fullHeight}" width="${width}" height="${fullHeight}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#999"/>`,
  ];
  // Y axis: rate gridlines labelled as percentages.
  for (let v = 0; v <= yMax; v += step) {
    const yy = n(y(v));
    parts.push(
      `<g class="y-tick"><line x1="${left}" x2="${left + plotW}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>` +
        `<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${formatRate(v)}</text></g>`,
    );
  }
  // X axis: about eight evenly spaced dates.
  const every = Math.max(1, Math.ceil((maxDay - minDay) / 8));
  for (let d = minDay; d <= maxDay; d += every) {
    const xx = n(x(d));
    parts.push(
      `<g class="x-tick"><line x1="${xx}" x2="${xx}" y1="${top + plotH}" y2="${top + plotH + 4}" stroke="#999"/>` +
        `<text x="${xx}" y="${top + plotH + 16}" text-anchor="middle">${dateFromDayNumber(d)}</text></g>`,
    );
  }
  // One line per channel/card.
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] ?? '#000';
    const attrs = `class="rate-series" data-series="${escapeXml(s.key)}"`;
    const only = s.points[0];
    if (s.points.length === 1 && only !== undefined) {
      parts.push(`<circle ${attrs} cx="${n(x(only.day))}" cy="${n(y(only.ppm))}" r="3" fill="${colour}"/>`);
    } else {
      const points = s.points.map((p) => `${n(x(p.day))},${n(y(p.ppm))}`).join(' ');
      parts.push(`<polyline ${attrs} fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"/>`);
    }
    const lx = left + (i % 3) * Math.floor(plotW / 3);
    const ly = top + plotH + 32 + 18 * Math.floor(i / 3);
    parts.push(
      `<g class="legend"><rect x="${lx}" y="${ly - 8}" width="14" height="4" fill="${colour}"/>` +
        `<text x="${lx + 20}" y="${ly - 4}" dominant-baseline="middle">${escapeXml(s.label)}</text></g>`,
    );
  });
  // Rate changes: a dashed vertical line each, the label in the first row above the plot where it fits.
  for (const m of markers) {
    const c = m.change;
    const xx = n(m.x);
    const ly = top - 6 - 14 * m.row;
    parts.push(
      `<g class="rate-change" data-date="${escapeXml(c.date)}" data-channel="${escapeXml(c.channel)}" data-card="${escapeXml(c.card)}" data-before="${escapeXml(c.beforeRate)}" data-after="${escapeXml(c.afterRate)}">` +
        `<line x1="${xx}" x2="${xx}" y1="${ly + 2}" y2="${top + plotH}" stroke="#d1495b" stroke-dasharray="4 3"/>` +
        `<text x="${xx}" y="${ly}" text-anchor="${m.anchor}" fill="#d1495b">${escapeXml(m.label)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

interface Marker {
  change: RateChange;
  x: number;
  label: string;
  anchor: 'start' | 'end';
  row: number;
}

/**
 * One marker per distinct change (the same change at several merchants is one line, “×3”), each label placed in
 * the lowest row where it does not overlap a label already there.
 */
function layoutMarkers(
  changes: readonly RateChange[],
  x: (day: number) => number,
  rightEdge: number,
  lang: Lang,
): Marker[] {
  const groups = new Map<string, { change: RateChange; count: number }>();
  for (const c of changes) {
    const key = sameChangeKey(c);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { change: c, count: 1 });
    else g.count += 1;
  }
  const ends: number[] = [];
  const markers: Marker[] = [];
  const sorted = [...groups.values()].sort((a, b) =>
    a.change.date < b.change.date ? -1 : a.change.date > b.change.date ? 1 : 0,
  );
  for (const { change: c, count } of sorted) {
    const who = channelCardName(c.channel, c.card, lang);
    const label = `${c.date} ${rateChangeText(c, lang).replaceAll(lang === 'en' ? ', ' : '，', ' ')} ${who}${count > 1 ? ` ×${count}` : ''}`;
    const at = x(dayNumber(c.date));
    const w = displayWidth(label) * 6 + 8;
    const anchor = at + w > rightEdge ? 'end' : 'start';
    const from = anchor === 'start' ? at : at - w;
    let row = ends.findIndex((end) => end < from);
    if (row < 0) {
      row = ends.length;
      ends.push(0);
    }
    ends[row] = from + w;
    markers.push({ change: c, x: at, label, anchor, row });
  }
  return markers;
}
