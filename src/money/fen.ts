/** An amount of money in integer fen (0.01 元). Never a float. */
export type Fen = number & { readonly __brand: 'Fen' };

/** Brands a safe integer as fen; throws on anything else because a non-integer here is a programming error. */
export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of fen: ${value}`);
  return value as Fen;
}

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Formats fen as the yuan text people read: `¥1,234.56`, `-¥0.50`. */
export function formatFen(amount: number): string {
  const body = formatYuanPlain(amount < 0 ? -amount : amount, true);
  return `${amount < 0 ? '-' : ''}¥${body}`;
}

/** Formats fen as a plain decimal yuan string for CSV and JSON consumers: `1234.56`, `-0.50`. */
export function formatYuan(amount: number): string {
  return `${amount < 0 ? '-' : ''}${formatYuanPlain(amount < 0 ? -amount : amount, false)}`;
}

function formatYuanPlain(magnitude: number, grouped: boolean): string {
  fen(magnitude);
  const yuan = Math.floor(magnitude / 100);
  const cents = magnitude - yuan * 100;
  const integer = grouped ? yuan.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') : yuan.toString();
  return `${integer}.${cents.toString().padStart(2, '0')}`;
}

/** Sums fen exactly; throws if the total leaves the safe-integer range. */
export function sumFen(values: Iterable<number>): Fen {
  let total = 0;
  for (const value of values) total += value;
  return fen(total);
}
