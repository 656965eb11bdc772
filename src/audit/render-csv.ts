import type { Lang } from '../cli/lang.js';
import { formatYuan } from '../money/fen.js';
import { channelCardWords } from '../records/vocabulary.js';
import type { AuditReport, Finding } from './report-types.js';
import { channelCardName, findingKindName } from './render-table.js';

export type CsvValue = string | number | boolean | null | undefined;

const NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * One RFC 4180 cell. Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * apostrophe; plain numbers such as `-12.50` stay numbers.
 * @example csvCell('=1+1') === "'=1+1"; csvCell('a,"b"') === '"a,""b"""'
 */
export function csvCell(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV text: CRLF line ends, a BOM first unless `bom: false` (so Excel reads UTF-8 Chinese). */
export function toCsv(rows: Iterable<readonly CsvValue[]>, options: { bom?: boolean } = {}): string {
  let out = options.bom === false ? '' : '\ufeff';
  for (const row of rows) out += `${row.map(csvCell).join(',')}\r\n`;
  return out;
}

const HEADER_ZH = [
  '问题编号',
  '类型',
  '类型代码',
  '商户号',
  '参考号',
  '订单号',
  '终端号',
  '交易时间',
  '结算日期',
  '渠道/卡种',
  '交易金额(元)',
  '应收手续费(元)',
  '实收手续费(元)',
  '多扣(元)',
  '损失(元)',
  '依据',
  '费率规则',
  '说明',
  '来源',
];
const HEADER_EN = [
  'id',
  'kind',
  'kind code',
  'merchant',
  'ref no',
  'order no',
  'terminal',
  'time',
  'settle date',
  'channel/card',
  'amount (CNY)',
  'expected fee (CNY)',
  'charged fee (CNY)',
  'overcharge (CNY)',
  'loss (CNY)',
  'basis',
  'rule',
  'message',
  'source',
];

/** The CSV header for a language. */
export function findingCsvHeader(lang: Lang): readonly string[] {
  return lang === 'en' ? HEADER_EN : HEADER_ZH;
}

// describeRule (src/audit/describe-rule.ts) writes a rule's English with the channels and cards named; this scope
// wording is describe-plan's, re-exported for the letter that imports it from here.
/** A finding's channel and card in a cell: `UnionPay QR (debit card)` in English, `银联二维码·借记卡` in Chinese. */
function channelCardCell(f: Finding, lang: Lang): string | undefined {
  if (f.channel === undefined) return undefined;
  const card = f.card ?? 'unknown';
  return lang === 'en' ? channelCardWords(f.channel, card).en : channelCardName(f.channel, card, 'zh');
}

/** One finding as a CSV row, money in 元. */
export function findingCsvRow(f: Finding, lang: Lang): CsvValue[] {
  const yuan = (v: number | undefined) => (v === undefined ? '' : formatYuan(v));
  const basis =
    f.basis === undefined
      ? ''
      : lang === 'en'
        ? f.basis === 'plan'
          ? 'fee plan'
          : 'inferred (rate before the change)'
        : f.basis === 'plan'
          ? '费率方案'
          : '推断（变化前费率）';
  return [
    f.id,
    findingKindName(f, lang),
    f.kind,
    f.merchantId,
    f.refNo,
    f.orderNo,
    f.terminalId,
    f.time === undefined ? undefined : f.time.slice(0, 19).replace('T', ' '),
    f.settleDate,
    channelCardCell(f, lang),
    // A payout_mismatch's amount is a settlement day's net payout, no sale's amount: the column would misread it
    // as one (a reader adds the column up as sales); its 说明 gives the net and what the bank credited.
    f.kind === 'payout_mismatch' ? undefined : yuan(f.amountFen),
    yuan(f.expectedFeeFen),
    yuan(f.chargedFeeFen),
    yuan(f.overchargeFen),
    yuan(f.lossFen),
    basis,
    f.rule === undefined
      ? undefined
      : `${lang === 'en' ? (f.rule.textEn ?? f.rule.text) : f.rule.text} (${lang === 'en' ? 'line' : '第'} ${f.rule.line}${lang === 'en' ? '' : ' 行'})`,
    lang === 'en' ? f.messageEn : f.message,
    f.source.map((s) => `${s.file}:${s.row}`).join('; '),
  ];
}

/** The findings as CSV, one row per finding, in pieces of about 64 KiB (BOM first). */
export function* renderCsvChunks(report: AuditReport, options: { lang: Lang }): Generator<string> {
  let buffer = toCsv([findingCsvHeader(options.lang)]);
  for (const f of report.findings) {
    buffer += toCsv([findingCsvRow(f, options.lang)], { bom: false });
    if (buffer.length > 1 << 16) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer;
}

/** The findings as one CSV string with a BOM. */
export function renderCsv(report: AuditReport, options: { lang: Lang }): string {
  return [...renderCsvChunks(report, options)].join('');
}
