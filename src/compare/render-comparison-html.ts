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

// The comparison's own rules, after htmlPageStart's PAGE_CSS.
const CSS = `
tr.first td { background: #eef8ee; font-weight: 600; }
tr.incomplete td { color: #777; }
.warning { color: #a05a00; }
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
