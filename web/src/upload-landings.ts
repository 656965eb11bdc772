/** Where an uploaded statement's lines went, as POST …/statements answers (`landings`, one per merchant). */
export interface Landing {
  merchantId: number;
  stored?: number;
  alreadyStored?: number;
  /** Pushed records this file's lines completed (fee, settlement): taken, not stored again. */
  updated?: number;
  duplicate?: boolean;
}

/** Lines of merchant numbers the uploader has no shop for, as POST …/statements answers: counted, never stored. */
export interface Unassigned {
  merchantId: string;
  records: number;
}

/**
 * What an upload's answer says of the shop it was sent to and of the uploader's other shops: `alreadyStored`
 * counts the lines of the shop uploaded to that an earlier file had brought (skipped, not counted twice);
 * `otherShops` the lines whose merchant number is another shop of the uploader (an agent's file holding several
 * merchants), stored on that shop or already there — none of them was skipped as an overlap of this shop's exports.
 * @example landingCounts([{ merchantId: 2, alreadyStored: 0 }, { merchantId: 1, stored: 0, alreadyStored: 4 }], 2)
 *   // → { alreadyStored: 0, otherShops: 4 }
 */
export function landingCounts(
  landings: readonly Landing[] | undefined,
  merchantId: number,
): { alreadyStored: number; otherShops: number } {
  let alreadyStored = 0;
  let otherShops = 0;
  for (const l of landings ?? []) {
    if (l.merchantId === merchantId) alreadyStored += l.alreadyStored ?? 0;
    else otherShops += (l.stored ?? 0) + (l.alreadyStored ?? 0);
  }
  return { alreadyStored, otherShops };
}

/**
 * How an upload ended for the uploader: `done` when every line was taken (stored, already there, or gone to
 * another of the uploader's shops) or the file was a duplicate; `partial` when some lines named a merchant
 * number the uploader has no shop for (not stored anywhere); `nothing` when no line was taken at all for that
 * reason. A file whose lines were all another merchant's must not read as a success.
 * @example uploadOutcome({ duplicate: false, landings: [{ merchantId: 1, stored: 0 }],
 *   unassigned: [{ merchantId: '822000000000002', records: 18 }] }) // → 'nothing'
 */
export function uploadOutcome(answer: {
  duplicate: boolean;
  landings?: readonly Landing[] | undefined;
  unassigned?: readonly Unassigned[] | undefined;
}): 'done' | 'partial' | 'nothing' {
  const notTaken = (answer.unassigned ?? []).reduce((n, u) => n + u.records, 0);
  if (answer.duplicate || notTaken === 0) return 'done';
  const taken = (answer.landings ?? []).reduce(
    (n, l) => n + (l.stored ?? 0) + (l.alreadyStored ?? 0) + (l.updated ?? 0),
    0,
  );
  return taken === 0 ? 'nothing' : 'partial';
}
