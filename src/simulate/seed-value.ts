/**
 * A seed as the JSON output and truth.json show it: a number when the text is an integer written plainly (`42` →
 * 42), else the text itself (`abc`, `007`, `1e3`), so that the value shown, given back as --seed, yields the same
 * data: the generator hashes the text, and `007` does not make what `7` makes.
 * @example seedValue('42') === 42; seedValue('007') === '007'
 */
export function seedValue(seed: string): number | string {
  const n = Number(seed);
  return /^-?\d+$/.test(seed) && Number.isSafeInteger(n) && String(n) === seed ? n : seed;
}
