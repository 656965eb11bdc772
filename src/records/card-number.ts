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

/** Whether a digit string passes the Luhn check every payment card number passes. */
export function luhn(digits: string): boolean {
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return total % 10 === 0;
}

/**
 * The text with each full card number in it (a 16–19 digit run that passes the Luhn check: UnionPay cards)
 * masked, for free texts that quote a cell, such as why a row was rejected, where a card number may have landed
 * in any column. Shorter runs are left alone: 15-digit UnionPay merchant numbers pass the check one time in ten.
 */
export function maskCardNumbersIn(text: string): string {
  if (!containsFullCardNumber(text)) return text;
  return text.replace(/(?<!\d)\d{16,19}(?!\d)/g, (run) => (luhn(run) ? maskCardNumber(run) : run));
}
