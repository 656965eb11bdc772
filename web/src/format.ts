import { episodeEndText } from '../../src/audit/render-table.js';

/** Integer fen as yuan with thousands separators: 123456 → "¥1,234.56", -5 → "-¥0.05". Never via floats. */
export function formatFen(fen: number): string {
  const negative = fen < 0;
  const digits = String(Math.abs(Math.trunc(fen))).padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${yuan}.${digits.slice(-2)}`;
}

/** The local (Asia/Shanghai) date of an ISO time with offset: the first ten characters after shifting. */
export function shanghaiDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso.slice(0, 10);
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Today's date in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** An ISO time shown as Shanghai wall time "YYYY-MM-DD HH:MM". */
export function shanghaiTime(iso: string | undefined): string {
  if (iso === undefined) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The formula on each side of a rate change: the rate, the fixed fee per sale and the cap (none when absent), and
 * the days it held (report-types.ts RateChange: `until` ends an episode; a cap flagged unknown is not compared).
 */
export interface RateFormulaChange {
  date: string;
  until?: string;
  beforeRate: string;
  afterRate: string;
  beforeFixedFen: number;
  afterFixedFen: number;
  beforeCapFen?: number | undefined;
  afterCapFen?: number | undefined;
  beforeCapUnknown?: true;
  afterCapUnknown?: true;
}

/** A cap no sale could reach on one side: nothing shows whether it was there, so no cap is compared. */
export function capUnknown(c: Pick<RateFormulaChange, 'beforeCapUnknown' | 'afterCapUnknown'>): boolean {
  return c.beforeCapUnknown === true || c.afterCapUnknown === true;
}

/**
 * What a rate change changed, and only that: "0.60%→0.63%", "每笔固定费 ¥0.00→¥3.00", "封顶 ¥20.00→无", joined
 * when several parts moved, and for an episode how it ended, as the CLI's table says it ("仅当天", "至 X 止").
 * A ¥3 surcharge with the rate unchanged must not read "0.60%→0.60%" (no change).
 */
export function rateChangeText(c: RateFormulaChange, lang: 'zh' | 'en'): string {
  const end = episodeEndText(c, lang);
  const formula = formulaText(c, lang);
  return end === undefined ? formula : `${formula}${lang === 'en' ? ', ' : '，'}${end}`;
}

function formulaText(c: RateFormulaChange, lang: 'zh' | 'en'): string {
  const en = lang === 'en';
  const cap = (fen: number | undefined) => (fen === undefined ? (en ? 'none' : '无') : formatFen(fen));
  const parts: string[] = [];
  if (c.beforeRate !== c.afterRate) parts.push(`${c.beforeRate}→${c.afterRate}`);
  if (c.beforeFixedFen !== c.afterFixedFen)
    parts.push(
      `${en ? 'fixed fee per sale' : '每笔固定费'} ${formatFen(c.beforeFixedFen)}→${formatFen(c.afterFixedFen)}`,
    );
  if (c.beforeCapFen !== c.afterCapFen && !capUnknown(c))
    parts.push(`${en ? 'cap' : '封顶'} ${cap(c.beforeCapFen)}→${cap(c.afterCapFen)}`);
  if (parts.length === 0) return `${c.beforeRate}→${c.afterRate}`;
  return parts.join(en ? ', ' : '，');
}

/** A text with `{name}` placeholders filled in: fillIn('{n} 行', { n: 3 }) → "3 行". */
export function fillIn(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) =>
    values[key] === undefined ? whole : String(values[key]),
  );
}
