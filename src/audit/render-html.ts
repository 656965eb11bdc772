import type { Lang } from '../cli/lang.js';
import { diagnosisHtml } from '../explain/render-diagnoses.js';
import { reportParties } from '../explain/report-parties.js';
import type { StatementParties } from '../explain/statement-parties.js';
import { formatFen } from '../money/fen.js';
import { parsePlan } from '../plans/parse-plan.js';
import type { FeePlan } from '../plans/plan-types.js';
import { localDateOf, todayInShanghai } from '../time/shanghai.js';
import { rateChartSvg, escapeXml as esc } from './rate-chart-svg.js';
import { owedOf } from './rebates.js';
import { type AuditReport, FINDING_KINDS } from './report-types.js';
import {
  bandName,
  channelCardName,
  findingKindName,
  headline,
  isFrozen,
  isUnplacedJournal,
  kindRows,
  skippedCheckGroups,
  skippedChecksText,
  unplacedJournalLabel,
} from './render-table.js';
import { warningIn } from './warning-text.js';

export interface RenderHtmlOptions {
  lang: Lang;
  /** The fee plan(s) as the user wrote them, shown verbatim at the end. */
  planText?: string;
  title?: string;
  /**
   * The plans the audit used, for the merchant's and the provider's names; without them, the plan `planText`
   * holds when it is a single plan.
   */
  plans?: readonly FeePlan[];
  /** Who the statements' and journals' title lines name (statementParties), as the complaint letter reads them. */
  parties?: readonly StatementParties[];
  /**
   * When the report is produced: a moment, or its day (YYYY-MM-DD, Asia/Shanghai), shown as the report's date.
   * The system clock by default.
   */
  now?: Date | string;
}

// The report's own rules, after htmlPageStart's PAGE_CSS.
const CSS = `
.headline { font-size: 20px; font-weight: 600; margin: 12px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dl.facts > div { display: contents; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.total { border: 1px solid #ccc; border-radius: 6px; padding: 10px 16px; min-width: 160px; }
.total .value { font-size: 28px; font-weight: 700; font-variant-numeric: tabular-nums; }
.total.bad .value { color: #c0392b; }
.total .label { color: #555; font-size: 13px; }
td.nowrap, td.id { white-space: nowrap; }
/* Identifiers (参考号, 终端, 商户号) are read and typed back digit by digit: never broken. */
td.id { font-variant-numeric: tabular-nums; word-break: keep-all; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 10px; overflow-x: auto; font-size: 12px; white-space: pre-wrap; }
svg.rate-chart { max-width: 100%; height: auto; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  table { font-size: 8.5pt; }
  /* Twelve columns on 186 mm: smaller type and less padding keep a finding to two or three lines. */
  table.findings { font-size: 7pt; }
  table.findings th, table.findings td { padding: 1px 3px; }
  thead { display: table-header-group; }
  tr, .total, svg { break-inside: avoid; }
  section.findings, section.plan { break-before: page; }
}
`;

/** The audit report as one self-contained HTML page (inline CSS and SVG, no external request; prints on A4). */
export function* renderHtmlChunks(report: AuditReport, options: RenderHtmlOptions): Generator<string> {
  const { lang } = options;
  const t = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const s = report.summary;
  const title = options.title ?? t('POS 跳点审计报告', 'POS fee audit report');
  const head: string[] = htmlPageStart(title, lang, CSS);
  head.push(factsHtml(report, options));
  head.push(`<p class="headline">${esc(headline(report, lang))}</p>`);
  head.push('<div class="totals">');
  const total = (value: string, label: string, bad: boolean) =>
    `<div class="total${bad ? ' bad' : ''}"><div class="value">${esc(value)}</div><div class="label">${esc(label)}</div></div>`;
  head.push(total(formatFen(s.overchargeFen), t('多扣手续费', 'fees overcharged'), s.overchargeFen > 0));
  head.push(total(formatFen(s.lossFen), t('合计损失', 'total loss'), s.lossFen > 0));
  // What rebate lines gave back, and what is still owed, only when the statements have any.
  if (s.returnedFen > 0) {
    head.push(total(formatFen(s.returnedFen), t('服务商已返还', 'given back by the provider'), false));
    const { offsetFen, owedFen: owed } = owedOf(s);
    // A deposit come home or a cashback makes good no loss: without this part, loss − returned ≠ owed puzzles.
    if (offsetFen < s.returnedFen)
      head.push(total(formatFen(offsetFen), t('其中抵扣损失', 'of it, set against the loss'), false));
    head.push(total(formatFen(owed), t('仍欠', 'still owed'), owed > 0));
  }
  head.push(total(String(report.findings.length), t('问题', 'findings'), report.findings.length > 0));
  head.push(
    total(String(report.rateChanges.length), t('费率变化', 'rate changes'), report.rateChanges.length > 0),
  );
  head.push('</div>');
  head.push(
    `<p class="muted">${esc(
      t(
        `终端流水 ${s.terminalRecords} 条 · 结算记录 ${s.settlementRecords} 条 · 银行入账 ${s.bankRecords} 条 · 已配对 ${s.matched} · 待结算 ${s.pending} · 容差内差额 ${formatFen(s.withinToleranceFen)}`,
        `journal ${s.terminalRecords} · statements ${s.settlementRecords} · bank ${s.bankRecords} · matched ${s.matched} · pending ${s.pending} · within tolerance ${formatFen(s.withinToleranceFen)}`,
      ),
    )}</p>`,
  );

  // Findings by kind, every kind with at least one finding; money frozen in a row of its own, and a column of its
  // own only then: it is held, not lost.
  const byKind = kindRows(report, lang);
  head.push(`<section class="by-kind"><h2>${t('按类型', 'Findings by kind')}</h2>`);
  if (byKind.rows.length === 0) head.push(`<p>${t('未发现问题。', 'No findings.')}</p>`);
  else
    head.push(
      table(
        [
          t('类型', 'Kind'),
          t('笔数', 'Count'),
          t('多扣', 'Overcharge'),
          t('损失', 'Loss'),
          ...(byKind.held ? [t('冻结', 'Held')] : []),
        ],
        byKind.rows.map((r) => [
          cell(r.name),
          num(String(r.count)),
          num(formatFen(r.overchargeFen)),
          num(formatFen(r.lossFen)),
          ...(byKind.held ? [num(formatFen(r.heldFen))] : []),
        ]),
      ),
    );
  head.push('</section>');

  if (report.merchants.length > 0) {
    // An agent sends each merchant its own claim: what came back and what is still owed, merchant by merchant.
    const anyReturned = report.merchants.some((m) => m.summary.returnedFen > 0);
    const returnedCells = (m: AuditReport['merchants'][number], shown: boolean) =>
      !anyReturned
        ? []
        : shown
          ? [num(formatFen(m.summary.returnedFen)), num(formatFen(owedOf(m.summary).owedFen))]
          : [num('—'), num('—')];
    head.push(`<section class="by-merchant"><h2>${t('按商户', 'By merchant')}</h2>`);
    head.push(
      table(
        [
          t('商户号', 'Merchant'),
          t('结算记录', 'Statement rows'),
          t('终端流水', 'Journal rows'),
          t('问题', 'Findings'),
          t('多扣', 'Overcharge'),
          t('损失', 'Loss'),
          ...(anyReturned ? [t('已返还', 'Given back'), t('仍欠', 'Still owed')] : []),
        ],
        report.merchants.map((m) => {
          const findings = FINDING_KINDS.reduce((n, k) => n + m.summary.findingsByKind[k], 0);
          // Lines no merchant took were never set against a statement: their zeros would read as “checked, fine”.
          if (isUnplacedJournal(m)) {
            const none = (text: string) => (findings > 0 ? num(text) : num('—'));
            return [
              cell(unplacedJournalLabel(m, lang), 'unplaced'),
              num('—'),
              num(String(m.summary.terminalRecords)),
              none(String(findings)),
              none(formatFen(m.summary.overchargeFen)),
              none(formatFen(m.summary.lossFen)),
              ...returnedCells(m, findings > 0),
            ];
          }
          return [
            cell(m.merchantId || t('（无商户号）', '(none)'), m.merchantId ? 'id' : undefined),
            num(String(m.summary.settlementRecords)),
            num(String(m.summary.terminalRecords)),
            num(String(findings)),
            num(formatFen(m.summary.overchargeFen)),
            num(formatFen(m.summary.lossFen)),
            ...returnedCells(m, true),
          ];
        }),
      ),
    );
    head.push('</section>');
  }

  head.push(`<section class="rates"><h2>${t('实际费率走势', 'Effective rate over time')}</h2>`);
  const svg = rateChartSvg(report.effectiveRates ?? [], report.rateChanges, { lang });
  head.push(
    svg === '' ? `<p class="muted">${t('没有可绘制的费率数据。', 'No rate data to chart.')}</p>` : svg,
  );
  if (report.rateChanges.length > 0) {
    const yesNo = (v: boolean | null) =>
      v === null ? t('未知', 'unknown') : v ? t('是', 'yes') : t('否', 'no');
    const cap = (v: number | undefined) => (v === undefined ? '—' : formatFen(v));
    head.push(
      table(
        [
          t('日期', 'Date'),
          t('商户号', 'Merchant'),
          t('渠道/卡种', 'Channel/card'),
          t('金额段', 'Band'),
          t('原费率', 'Before'),
          t('新费率', 'After'),
          t('固定费', 'Fixed'),
          t('封顶', 'Cap'),
          t('笔数', 'Transactions'),
          t('方案内', 'In plan'),
          t('按期通知', 'Notice honoured'),
        ],
        report.rateChanges.map((c) => [
          // An episode that ended shows its days: “2026-11-20（仅当天）”, “2026-11-20 至 2026-11-22”.
          cell(
            c.until === undefined
              ? c.date
              : c.until === c.date
                ? t(`${c.date}（仅当天）`, `${c.date} (that day only)`)
                : t(`${c.date} 至 ${c.until}`, `${c.date} to ${c.until}`),
            'nowrap',
          ),
          cell(c.merchantId ?? '', 'id'),
          cell(channelCardName(c.channel, c.card, lang)),
          cell(bandName(c.band, lang), 'nowrap'),
          num(c.beforeRate),
          num(c.afterRate),
          num(`${formatFen(c.beforeFixedFen)}→${formatFen(c.afterFixedFen)}`),
          num(`${cap(c.beforeCapFen)}→${cap(c.afterCapFen)}`),
          num(String(c.transactions)),
          cell(yesNo(c.inPlan)),
          cell(yesNo(c.noticeHonoured)),
        ]),
        'rate-changes',
      ),
    );
  }
  head.push('</section>');
  if (report.diagnoses !== undefined && report.diagnoses.length > 0)
    head.push(diagnosisHtml(report.diagnoses, lang));
  yield head.join('\n');

  yield `\n<section class="findings"><h2>${t('问题明细', 'Findings')} (${report.findings.length})</h2>\n`;
  if (report.findings.length > 0) {
    // Money frozen is held, not lost: its amount goes under a column of its own, there only when a finding is.
    const held = report.findings.some(isFrozen);
    yield `<table class="findings"><thead><tr>${[
      t('时间', 'Time'),
      t('类型', 'Kind'),
      t('参考号/订单号', 'Ref/order'),
      t('终端', 'Terminal'),
      t('金额', 'Amount'),
      t('应收', 'Expected'),
      t('实收', 'Charged'),
      t('多扣', 'Overcharge'),
      t('损失', 'Loss'),
      ...(held ? [t('冻结', 'Held')] : []),
      t('说明', 'Message'),
      t('来源', 'Source'),
    ]
      .map((h) => `<th>${esc(h)}</th>`)
      .join('')}</tr></thead><tbody>\n`;
    const m = (v: number | undefined) => (v === undefined ? '' : formatFen(v));
    let buffer = '';
    for (const f of report.findings) {
      const when = f.time === undefined ? (f.settleDate ?? '') : f.time.slice(0, 19).replace('T', ' ');
      const frozen = isFrozen(f);
      // data-kind is the JSON's kind (unplanned_deduction for money frozen): what scripts select rows by.
      buffer += `<tr data-kind="${f.kind}" data-id="${esc(f.id)}">${[
        cell(when, 'nowrap'),
        cell(findingKindName(f, lang), 'nowrap'),
        cell(f.refNo ?? f.orderNo ?? '', 'id'),
        cell(f.terminalId ?? '', 'id'),
        num(m(f.amountFen)),
        num(m(f.expectedFeeFen)),
        num(m(f.chargedFeeFen)),
        num(m(f.overchargeFen)),
        num(frozen ? '' : m(f.lossFen)),
        ...(held ? [num(frozen ? m(f.lossFen) : '')] : []),
        cell(lang === 'en' ? f.messageEn : f.message),
        sourceCell(f.source),
      ].join('')}</tr>\n`;
      if (buffer.length > 1 << 16) {
        yield buffer;
        buffer = '';
      }
    }
    yield `${buffer}</tbody></table>\n`;
  }
  yield '</section>\n';

  const tail: string[] = [];
  if (report.ambiguous.length > 0) {
    tail.push(
      `<section class="ambiguous"><h2>${t('无法确定配对', 'Ambiguous matches')} (${report.ambiguous.length})</h2>`,
    );
    tail.push(
      table(
        [t('原因', 'Reason'), t('来源', 'Source')],
        report.ambiguous.map((a) => [cell(lang === 'en' ? a.reasonEn : a.reason), sourceCell(a.source)]),
      ),
    );
    tail.push('</section>');
  }
  tail.push(
    `<section class="rejected"><h2>${t('被拒绝的行', 'Rejected rows')} (${report.rejected.length})</h2>`,
  );
  if (report.rejected.length === 0) tail.push(`<p>${t('没有。', 'None.')}</p>`);
  else
    tail.push(
      table(
        [t('文件', 'File'), t('行', 'Row'), t('列', 'Column'), t('原因', 'Reason')],
        report.rejected.map((r) => [cell(r.file), num(String(r.row)), cell(r.column ?? ''), cell(r.reason)]),
      ),
    );
  tail.push('</section>');
  const skipped = skippedCheckGroups(report);
  if (skipped.length > 0 || report.warnings.length > 0) {
    tail.push(
      `<section class="notes"><h2>${t('未执行的检查与提示', 'Skipped checks and warnings')}</h2><ul>`,
    );
    for (const group of skipped) {
      const cls = group.merchantIds === undefined ? 'skipped' : 'skipped partly';
      tail.push(`<li class="${cls}">${esc(skippedChecksText(group, lang))}</li>`);
    }
    for (const w of report.warnings) tail.push(`<li class="warning">${esc(warningIn(w, lang))}</li>`);
    tail.push('</ul></section>');
  }
  if (report.files.length > 0) {
    tail.push(`<section class="files"><h2>${t('输入文件', 'Input files')}</h2>`);
    tail.push(
      table(
        [t('文件', 'File'), t('类别', 'Kind'), t('格式', 'Preset'), t('行数', 'Rows'), 'SHA-256'],
        report.files.map((f) => [
          cell(f.file),
          cell(f.kind),
          cell(f.preset),
          num(String(f.rows)),
          `<td class="muted"><code>${esc(f.sha256)}</code></td>`,
        ]),
      ),
    );
    tail.push('</section>');
  }
  if (options.planText !== undefined) {
    tail.push(
      `<section class="plan"><h2>${t('费率方案', 'Fee plan')}</h2><pre>${esc(options.planText)}</pre></section>`,
    );
  }
  tail.push('</body>', '</html>', '');
  yield tail.join('\n');
}

/** Merchants named one by one in the header; an agent's report of hundreds says how many more there are. */
const NAMED_MERCHANTS = 10;

/** One of the header's facts: its class in the HTML (merchant, provider, period, date), label and value. */
export interface ReportFact {
  cls: 'merchant' | 'provider' | 'period' | 'date';
  label: string;
  value: string;
}

/**
 * The header's facts: the merchant (name and number, where known), the provider, the period audited and the
 * report's date — named as the complaint letter names them (plan, then the inputs' title lines). report.html and
 * report.pdf both open with them.
 */
export function reportFacts(
  report: AuditReport,
  options: Pick<RenderHtmlOptions, 'lang' | 'planText' | 'plans' | 'parties' | 'now'>,
): ReportFact[] {
  const { lang } = options;
  const t = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const plans = options.plans ?? plansOfText(options.planText);
  const named = reportParties(report, plans, options.parties ?? []);
  const nameOf = (m: { merchantId: string; merchant?: string }) =>
    m.merchant === undefined
      ? t(`商户号 ${m.merchantId}`, `merchant no. ${m.merchantId}`)
      : t(`${m.merchant}（商户号 ${m.merchantId}）`, `${m.merchant} (merchant no. ${m.merchantId})`);
  const shown = named.merchants.slice(0, NAMED_MERCHANTS).map(nameOf);
  const more = named.merchants.length - shown.length;
  const merchant =
    named.merchants.length === 0
      ? (named.merchant ??
        t('未注明（对账单和费率方案均未写明）', 'not named (neither the statements nor the plan name it)'))
      : `${shown.join(t('；', '; '))}${more > 0 ? t(` 等共 ${named.merchants.length} 个商户`, ` and ${more} more (${named.merchants.length} merchants)`) : ''}`;
  const provider =
    named.providers.length === 0
      ? t('未注明（对账单和费率方案均未写明）', 'not named (neither the statements nor the plan name it)')
      : named.providers.join(t('、', ', '));
  const period = auditedPeriod(report);
  const periodText =
    period === undefined
      ? t('没有已结算的交易', 'no settled sales')
      : t(
          `${period.from} 至 ${period.to}（${period.basis === 'sales' ? '对账单中已结算交易的交易日期' : '问题交易的日期'}）`,
          `${period.from} to ${period.to} (${period.basis === 'sales' ? 'trade dates of the sales the statements settle' : 'dates of the findings'})`,
        );
  const now = options.now ?? new Date();
  const date = typeof now === 'string' ? now : todayInShanghai(now.getTime());
  return [
    {
      cls: 'merchant',
      label: named.merchants.length > 1 ? t('商户', 'Merchants') : t('商户', 'Merchant'),
      value: merchant,
    },
    { cls: 'provider', label: t('收单机构', 'Provider'), value: provider },
    { cls: 'period', label: t('核对期间', 'Period audited'), value: periodText },
    { cls: 'date', label: t('报告日期', 'Report date'), value: date },
  ];
}

function factsHtml(report: AuditReport, options: RenderHtmlOptions): string {
  const rows = reportFacts(report, options).map(
    (f) => `<div class="${f.cls}"><dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd></div>`,
  );
  return ['<dl class="facts">', ...rows, '</dl>'].join('');
}

/** The one plan a plan text holds; none when it holds several (loadPlans joins them) or does not parse. */
export function plansOfText(text: string | undefined): FeePlan[] {
  if (text === undefined) return [];
  const parsed = parsePlan(text, 'plan.yaml');
  return parsed.ok ? [parsed.plan] : [];
}

/** The days an audit covers, as 核对期间 states them. */
export interface AuditedPeriod {
  from: string;
  to: string;
  basis: 'sales' | 'findings';
}

/**
 * The days the report covers: the first and last trade date of the sales the statements settle (the rate chart's
 * days, within --from/--to); without any, the first and last date of the findings. The complaint letter states the
 * same, so a pack never gives two periods.
 */
export function auditedPeriod(report: AuditReport): AuditedPeriod | undefined {
  const span = (dates: readonly string[]) => {
    const ds = dates.filter((d) => d !== '').sort();
    const [from, to] = [ds[0], ds.at(-1)];
    return from === undefined || to === undefined ? undefined : { from, to };
  };
  const sales = span((report.effectiveRates ?? []).map((e) => e.date));
  if (sales !== undefined) return { ...sales, basis: 'sales' };
  const findings = span(
    report.findings.map((f) => (f.time !== undefined ? localDateOf(f.time) : (f.settleDate ?? ''))),
  );
  return findings === undefined ? undefined : { ...findings, basis: 'findings' };
}

/**
 * The rules every page htmlPageStart opens shares, before the page's own: the type, the headings and the tables
 * (a page's rules come after them, so its own win where they differ).
 */
export const PAGE_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
  margin: 0 auto; max-width: 1100px; padding: 24px; color: #1d1d1f; line-height: 1.5; font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #1d1d1f; padding-bottom: 2px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 12.5px; }
/* break-word, not anywhere: anywhere lets a cell's min-content shrink to one character, so the table squeezed
   numbers and reference numbers to one digit a line and printed a finding a page; break-word only breaks a word
   that would otherwise overflow its column. */
th, td { border: 1px solid #d0d0d0; padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: #666; }`;

/**
 * The opening of a self-contained page, up to its <h1>: the styles inline (PAGE_CSS, then the page's own `css`),
 * nothing fetched, so the file works offline and as an attachment.
 */
export function htmlPageStart(title: string, lang: Lang, css: string): string[] {
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang === 'en' ? 'en' : 'zh-CN'}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${PAGE_CSS}${css}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(title)}</h1>`,
  ];
}

/** The whole HTML page as one string. */
export function renderHtml(report: AuditReport, options: RenderHtmlOptions): string {
  return [...renderHtmlChunks(report, options)].join('');
}

function cell(text: string, cls?: string): string {
  const body = esc(text).replaceAll('\n', '<br>');
  return cls === undefined ? `<td>${body}</td>` : `<td class="${cls}">${body}</td>`;
}

/**
 * Where a finding comes from, one `file:row` a line. A path breaks only after a `/` (<wbr>), so a narrow column
 * wraps it at a directory and never inside the file's name or row number.
 */
function sourceCell(source: readonly { file: string; row: number }[]): string {
  const line = (r: { file: string; row: number }) => esc(`${r.file}:${r.row}`).replaceAll('/', '/<wbr>');
  return `<td class="source">${source.map(line).join('<br>')}</td>`;
}

function num(text: string): string {
  return `<td class="num">${esc(text)}</td>`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], cls?: string): string {
  const th = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n');
  return `<table${cls === undefined ? '' : ` class="${cls}"`}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
