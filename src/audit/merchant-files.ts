// Which input files hold only the records of merchants --merchant leaves out. A bank statement names no merchant:
// in an agent's folder of one sub-folder per merchant, the folder says whose it is — the merchants its statements
// name. Its credits are then no payout of the merchants asked for, and its file no evidence of theirs.

/** A statement file and the merchant numbers its lines carry ('' for a line without; undefined when unknown). */
export interface StatementMerchants {
  file: string;
  merchants: readonly string[] | undefined;
}

/**
 * The files, of `statements` and `others` (journals, bank files, devices files), that belong to merchants outside
 * `selected`: a statement whose lines all name other merchants, and any other file in a directory whose statements
 * are all such. A directory with no statement, or with one of a selected merchant or of lines without a number,
 * cannot say: its files are kept. Empty when `selected` is undefined (no --merchant).
 */
export function filesOfOtherMerchants(
  statements: readonly StatementMerchants[],
  others: readonly string[],
  selected: ReadonlySet<string> | undefined,
  directoryOf: (file: string) => string,
): Set<string> {
  const theirs = new Set<string>();
  if (selected === undefined) return theirs;
  const othersOnly = new Map<string, boolean>();
  for (const s of statements) {
    const other =
      s.merchants !== undefined &&
      s.merchants.length > 0 &&
      s.merchants.every((m) => m !== '' && !selected.has(m));
    if (other) theirs.add(s.file);
    const dir = directoryOf(s.file);
    othersOnly.set(dir, (othersOnly.get(dir) ?? true) && other);
  }
  for (const file of others) if (othersOnly.get(directoryOf(file)) === true) theirs.add(file);
  return theirs;
}

/** The warning naming the bank files left out as other merchants' (zh / en, as the run's warnings are). */
export function otherMerchantsBankWarning(files: readonly string[]): string {
  const shown = files.slice(0, 5);
  const more = files.length > shown.length ? ` 等 ${files.length} 个` : '';
  const moreEn = files.length > shown.length ? ` and ${files.length - shown.length} more` : '';
  return (
    `${shown.join('、')}${more} 所在目录的结算单只属于 --merchant 以外的商户，未用于核对所选商户的到账 / ` +
    `${shown.join(', ')}${moreEn}: the statements beside ${files.length === 1 ? 'it' : 'them'} are only of merchants other than --merchant, so ${files.length === 1 ? 'it was' : 'they were'} not used to check the selected merchants' payouts`
  );
}
