import { CliError } from '../errors.js';
import type { Unused } from './directory-inputs.js';

// Two plans for one merchant used to be settled by load order: the last loaded priced the audit and the other was
// passed over without a word, so a stale top-level plan.yaml could outrank the contract in the merchant's own
// folder. Now the more specific plan wins and the other is named as not used; where neither is more specific, the
// audit stops rather than pick a contract.

/** A plan as loaded, with where it lies: what decides between two plans for one merchant. */
export interface PlacedPlan {
  path: string;
  /** The merchant it governs: the merchantId it names, else the one its folder or file name implies. */
  merchantId: string | undefined;
  /** The per-merchant sub-folder of the data directory that holds it; undefined at the top and for --plans DIR. */
  folder: string | undefined;
  /** Where its merchantId comes from when the plan names none. */
  impliedBy: 'folder' | 'file name' | undefined;
}

/**
 * One plan per merchant: of several plans for one merchant, the one in that merchant's own folder of the data
 * directory (`X/plan.yaml` for X) is the more specific and is kept; the others are returned as not used, naming
 * it. Several with no such one between them (two files of --plans DIR, or plans of other folders naming X) are
 * two contracts for one merchant: a usage error naming both, since picking one would be a guess.
 */
export function onePlanPerMerchant(plans: readonly PlacedPlan[]): { kept: number[]; superseded: Unused[] } {
  const byMerchant = new Map<string, number[]>();
  plans.forEach((plan, i) => {
    if (plan.merchantId !== undefined)
      byMerchant.set(plan.merchantId, [...(byMerchant.get(plan.merchantId) ?? []), i]);
  });
  const dropped = new Set<number>();
  const superseded: Unused[] = [];
  for (const [id, group] of byMerchant) {
    if (group.length < 2) continue;
    const own = group.filter((i) => plans[i]?.folder === id);
    const winner = own.length === 1 ? plans[own[0] ?? -1] : undefined;
    if (winner === undefined) {
      const [a, b] = (own.length > 1 ? own : group).map((i) => plans[i] as PlacedPlan);
      throw twoPlansError(id, a as PlacedPlan, b as PlacedPlan);
    }
    for (const i of group) {
      const plan = plans[i];
      if (plan === undefined || plan === winner) continue;
      dropped.add(i);
      superseded.push({
        file: plan.path,
        zh: `它与 ${winner.path} 都是商户 ${id} 的费率方案；${winner.path} 在该商户自己的目录中，更具体，核对用的是它`,
        en: `it and ${winner.path} are both plans for merchant ${id}; ${winner.path} lies in the merchant's own folder, so it is the more specific and the audit applied it`,
      });
    }
  }
  return { kept: plans.flatMap((_, i) => (dropped.has(i) ? [] : [i])), superseded };
}

function twoPlansError(id: string, a: PlacedPlan, b: PlacedPlan): CliError {
  // A plan without merchantId is X's by its name or folder: said, or the user looks for "X" in it in vain.
  const implied = [a, b].filter((p) => p.impliedBy !== undefined);
  const zhWhy = implied
    .map(
      (p) =>
        `${p.path} 没有写 merchantId，按${p.impliedBy === 'folder' ? '所在目录名' : '文件名'}当作商户 ${id} 的方案`,
    )
    .join('；');
  const enWhy = implied
    .map((p) => `${p.path} names no merchantId, so its ${p.impliedBy} makes it merchant ${id}'s`)
    .join('; ');
  return new CliError(
    `${a.path} 与 ${b.path} 都是商户 ${id} 的费率方案${zhWhy === '' ? '' : `（${zhWhy}）`}，无法判断用哪一个：请只留一个，或用 --plan 指定`,
    `${a.path} and ${b.path} are both plans for merchant ${id}${enWhy === '' ? '' : ` (${enWhy})`}; which is the contract is unknown: keep one, or give it with --plan`,
  );
}
