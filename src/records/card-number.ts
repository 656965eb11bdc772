/**
 * Masks a card number so that at most the first six and last four digits survive, as PCI DSS allows.
 * Already-masked numbers are normalised the same way; anything with fewer than 10 digits is kept as it is.
 * @example maskCardNumber('6222021234567890123') === '622202*********0123'
 */
export function maskCardNumber(text: string): string {
  const compact = text.replace(/[\s-]/g, '');
  if (!/^[0-9*xX#]+$/.test(compact)) return text.trim();
  const digits = compact.replace(/[^0-9]/g, '');
  if (digits.length < 10 && compact.length < 13) return compact;
  const head = compact.slice(0, 6);
  const tail = compact.slice(-4);
  const middle = '*'.repeat(Math.max(compact.length - 10, 0));
  return `${head.replace(/[xX#]/g, '*')}${middle}${tail.replace(/[xX#]/g, '*')}`;
}

/** True when a text holds an unmasked card-like run of 13–19 digits (a PAN that must not be stored). */
export function containsFullCardNumber(text: string): boolean {
  return /(?<!\d)\d{13,19}(?!\d)/.test(text);
}
