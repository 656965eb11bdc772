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
