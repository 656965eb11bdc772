import { escapeXml as esc } from '../audit/rate-chart-svg.js';
import { htmlPageStart } from '../audit/render-html.js';
import type { Comparison } from './compare-plans.js';
import {
  comparisonFootnote,
  historyText,
  planNotes,
  rankingHeader,
  rankingRow,
  unmatchedJumpRecords,
  unmatchedJumpText,
} from './render-comparison.js';

type Lang = 'zh' | 'en';

// Everything inline: no fonts, images or scripts are fetched, so the page works offline and as an attachment.
const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
  margin: 0 auto; max-width: 1100px; padding: 24px; color: #1d1d1f; line-height: 1.5; font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #1d1d1f; padding-bottom: 2px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 12.5px; }
th, td { border: 1px solid #d0d0d0; padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.first td { background: #eef8ee; font-weight: 600; }
tr.incomplete td { color: #777; }
.warning { color: #a05a00; }
.muted { color: #666; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
`;

/** Columns of the ranking that hold money (right-aligned). */
const MONEY_COLUMNS = new Set([4, 5, 6, 7, 8, 9]);

function comparisonSection(c: Comparison, lang: Lang, several: boolean): string[] {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const out: string[] = ['<section class="comparison">'];
  if (several) {
    const name =
      c.merchantId === undefined
        ? t('没有商户号的交易', 'The lines without a merchant number')
        : t(`商户 ${c.merchantId}`, `Merchant ${c.merchantId}`);
    out.push(`<h2>${esc(name)}</h2>`);
  } else if (c.merchantId !== undefined) {
    out.push(`<div class="muted">${esc(t('商户号', 'Merchant'))}: ${esc(c.merchantId)}</div>`);
  }
  out.push(`<p>${esc(historyText(c, lang))}</p>`);
  out.push(`<p class="muted">${esc(t(`换用日：${c.asOf}`, `Switch date: ${c.asOf}`))}</p>`);
  for (const w of c.warnings)
    out.push(`<p class="warning">${esc(t(`注意：${w.zh}`, `Warning: ${w.en}`))}</p>`);
  out.push('<table>', '<thead><tr>');
  out.push(...rankingHeader(lang).map((h) => `<th>${esc(h)}</th>`));
  out.push('</tr></thead>', '<tbody>');
  for (const p of c.plans) {
    const cls = [p.rank === 1 && p.complete ? 'first' : '', p.complete ? '' : 'incomplete']
      .filter((s) => s !== '')
      .join(' ');
    const cells = rankingRow(c, p, lang).map(
      (cell, i) => `<td${MONEY_COLUMNS.has(i) ? ' class="num"' : ''}>${esc(cell)}</td>`,
    );
    out.push(`<tr${cls === '' ? '' : ` class="${cls}"`}>${cells.join('')}</tr>`);
  }
  out.push('</tbody>', '</table>');
  const notes = [...planNotes(c, lang), ...unmatchedJumpRecords(c).map((j) => unmatchedJumpText(j, lang))];
  if (notes.length > 0) out.push('<ul>', ...notes.map((n) => `<li>${esc(n)}</li>`), '</ul>');
  out.push('</section>');
  return out;
}

/**
 * The comparisons as one self-contained HTML page (inline CSS, no script, font or image fetched; zh-CN unless
 * English): per merchant, the history priced, the warnings, the ranking cheapest first and its notes.
 */
export function renderComparisonHtml(comparisons: readonly Comparison[], lang: Lang): string {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const title = t('收单服务商方案比较', 'Acquiring plan comparison');
  const several = comparisons.length > 1;
  const out: string[] = htmlPageStart(title, lang, CSS);
  if (several) {
    const ids = comparisons.map(
      (c) => c.merchantId ?? t('没有商户号的交易', 'lines without a merchant number'),
    );
    out.push(
      `<p>${esc(
        t(
          `流水中有 ${ids.length} 个商户（${ids.join('、')}），各自的交易分别比较如下。`,
          `The journals hold ${ids.length} merchants (${ids.join(', ')}); each is compared on its own sales below.`,
        ),
      )}</p>`,
    );
  }
  for (const c of comparisons) out.push(...comparisonSection(c, lang, several));
  out.push(`<p class="muted">${esc(comparisonFootnote(lang))}</p>`, '</body>', '</html>');
  return `${out.join('\n')}\n`;
}
