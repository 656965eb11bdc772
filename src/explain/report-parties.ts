import type { AuditReport } from '../audit/report-types.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { StatementParties } from './statement-parties.js';

const defined = <T>(x: T | undefined): x is T => x !== undefined;

/** The plan that governs a merchant, as the audit picks it: its own, else one without a merchant, else the only one. */
export function planOf(plans: readonly FeePlan[], merchantId: string | undefined): FeePlan | undefined {
  return (
    (merchantId === undefined ? undefined : plans.find((p) => p.merchantId === merchantId)) ??
    plans.find((p) => p.merchantId === undefined) ??
    (plans.length === 1 ? plans[0] : undefined)
  );
}

/**
 * The merchant and provider names the inputs' title lines give for these merchants: for one merchant, the
 * first a file naming that merchant's number (or no number) gives, statements before journals; for several, only
 * a provider every file that names one agrees on.
 */
function partiesNamed(
  parties: readonly StatementParties[],
  ids: readonly string[],
): { merchant?: string; provider?: string } {
  const ordered = [
    ...parties.filter((p) => p.kind === 'settlement'),
    ...parties.filter((p) => p.kind !== 'settlement'),
  ];
  const mine =
    ids.length === 1 ? ordered.filter((p) => p.merchantId === undefined || p.merchantId === ids[0]) : [];
  const only = (xs: (string | undefined)[]) => {
    const set = new Set(xs.filter(defined));
    return set.size === 1 ? [...set][0] : undefined;
  };
  const merchant =
    ids.length === 1
      ? mine.map((p) => p.merchant).find(defined)
      : ids.length === 0
        ? only(ordered.map((p) => p.merchant))
        : undefined;
  const provider =
    ids.length === 1 ? mine.map((p) => p.provider).find(defined) : only(ordered.map((p) => p.provider));
  return {
    ...(merchant === undefined ? {} : { merchant }),
    ...(provider === undefined ? {} : { provider }),
  };
}

/** Who a report (or a letter) is about: the merchant's name and the provider's, when anything names them. */
export interface NamedParties {
  merchant?: string;
  provider?: string;
}

/**
 * The merchant and provider of these merchants (all of a report's, or one letter's): the plan's names first — a
 * plan written for another merchant does not name this one — then the names the inputs' title lines give.
 */
export function namedParties(
  ids: readonly string[],
  plans: readonly FeePlan[] = [],
  parties: readonly StatementParties[] = [],
): NamedParties {
  const planned = planOf(plans, ids.length === 1 ? ids[0] : undefined);
  // A plan written for another merchant (applied to this one as the only plan) does not name this merchant.
  const own =
    planned !== undefined &&
    (planned.merchantId === undefined || ids.length !== 1 || planned.merchantId === ids[0]);
  const named = partiesNamed(parties, ids);
  const merchant = (own ? planned?.merchant : undefined) ?? named.merchant;
  const provider = planned?.provider ?? named.provider;
  return {
    ...(merchant === undefined ? {} : { merchant }),
    ...(provider === undefined ? {} : { provider }),
  };
}

/** A report's merchants, each by number and, where known, name; and the providers named for them. */
export interface ReportParties {
  /** The merchants by number, in the report's order, each with its name where a plan or a title gives it. */
  merchants: { merchantId: string; merchant?: string }[];
  /** A name for a report whose records carry no merchant number. */
  merchant?: string;
  /** Every provider named for the report's merchants, once each. */
  providers: string[];
}

/**
 * The parties a report is about, named as its complaint letters name them (namedParties): each merchant with
 * the plan and the title lines that speak for it alone, as complaintLetters writes one letter per merchant.
 */
export function reportParties(
  report: AuditReport,
  plans: readonly FeePlan[] = [],
  parties: readonly StatementParties[] = [],
): ReportParties {
  const ids = [...new Set(report.merchants.map((m) => m.merchantId).filter((m) => m !== ''))];
  if (ids.length <= 1) {
    const named = namedParties(ids, plans, parties);
    return {
      merchants: ids.map((merchantId) => ({
        merchantId,
        ...(named.merchant === undefined ? {} : { merchant: named.merchant }),
      })),
      ...(ids.length === 0 && named.merchant !== undefined ? { merchant: named.merchant } : {}),
      providers: named.provider === undefined ? [] : [named.provider],
    };
  }
  // A file's title speaks for one merchant of several only when it names that merchant's number.
  const each = ids.map((merchantId) => ({
    merchantId,
    ...namedParties(
      [merchantId],
      plans,
      parties.filter((p) => p.merchantId === merchantId),
    ),
  }));
  const shared = partiesNamed(parties, ids).provider;
  const providers = [...new Set([...each.map((m) => m.provider), shared].filter(defined))];
  return {
    merchants: each.map(({ merchantId, merchant }) => ({
      merchantId,
      ...(merchant === undefined ? {} : { merchant }),
    })),
    providers,
  };
}
