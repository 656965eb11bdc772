/** Where an uploaded statement's lines went, as POST …/statements answers (`landings`, one per merchant). */
export interface Landing {
  merchantId: number;
  stored?: number;
  alreadyStored?: number;
  duplicate?: boolean;
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
