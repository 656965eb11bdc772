import { z } from 'zod';
import { parseAmount } from '../money/parse-amount.js';
import { toHalfWidth } from '../money/normalize-text.js';
import { formatRate, parseRate, type RateUnit } from '../money/rate.js';
import type { CardType, Channel } from '../records/vocabulary.js';
import { isValidWallTime } from '../time/shanghai.js';
import { CARD_CHOICES, CHANNEL_CHOICES, cardFromName, channelFromName } from './plan-vocabulary.js';
import { type PathPart, type PlainValue, YamlNumber } from './yaml-tree.js';

/** The outcome of checking one value of the plan file; `path` points inside the value (an item of a list). */
export type Check<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly zh: string; readonly en: string; readonly path?: readonly PathPart[] };

const good = <T>(value: T): Check<T> => ({ ok: true, value });
const bad = (zh: string, en: string, path?: readonly PathPart[]): Check<never> =>
  path === undefined ? { ok: false, zh, en } : { ok: false, zh, en, path };

const MISSING = bad('缺少此项', 'this key is required');

/** A zod schema that runs a bilingual check on a raw value and reports failures as custom issues. */
export function leaf<T>(check: (value: PlainValue | undefined) => Check<T>) {
  return z.unknown().transform((raw, ctx) => {
    const result = check(raw as PlainValue | undefined);
    if (result.ok) return result.value;
    ctx.addIssue({
      code: 'custom',
      message: result.en,
      params: { zh: result.zh },
      ...(result.path === undefined ? {} : { path: [...result.path] }),
    });
    return z.NEVER;
  });
}

const show = (value: PlainValue | undefined): string => {
  if (value instanceof YamlNumber) return value.source;
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'undefined';
};

export function checkText(value: PlainValue | undefined): Check<string> {
  if (value === undefined) return MISSING;
  if (typeof value === 'string' && value.trim() !== '') return good(value.trim());
  if (value instanceof YamlNumber) return good(value.source);
  return bad(`应为文字，而不是 ${show(value)}`, `expected text, not ${show(value)}`);
}

export function checkId(value: PlainValue | undefined): Check<string> {
  if (value instanceof YamlNumber) {
    return bad(
      `请给编号加引号：merchantId: "${value.source}"（不加引号的长数字会丢失位数）`,
      `quote the ID: merchantId: "${value.source}" (an unquoted long number loses digits)`,
    );
  }
  return checkText(value);
}

export function checkDate(value: PlainValue | undefined): Check<string> {
  if (value === undefined) return MISSING;
  const text = typeof value === 'string' ? value.trim() : show(value);
  // Contracts and notices write dates year first in several ways (2026/9/1, 2026.9.1, 2026年9月1日); with the
  // year first none is ambiguous, so each is taken as it is meant and kept as YYYY-MM-DD.
  const match = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$/.exec(text);
  const parts = match
    ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }
    : undefined;
  if (typeof value !== 'string' || parts === undefined || !isValidWallTime(parts)) {
    return bad(
      `“${text}”不是有效日期（应为 2026-09-01 这样的 YYYY-MM-DD）`,
      `"${text}" is not a valid date (expected YYYY-MM-DD such as 2026-09-01)`,
    );
  }
  const two = (n: number) => String(n).padStart(2, '0');
  return good(`${parts.year}-${two(parts.month)}-${two(parts.day)}`);
}

export function checkDateList(value: PlainValue | undefined): Check<string[]> {
  if (value === undefined || value === null) return good([]);
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const [index, item] of items.entries()) {
    const date = checkDate(item);
    if (!date.ok) return Array.isArray(value) ? bad(date.zh, date.en, [index]) : date;
    out.push(date.value);
  }
  return good(out);
}

/**
 * A rate must carry its unit: a bare 0.6 could mean 0.6 % or 60 %. Contracts' shorthand is read as written
 * there: `万60` is 万分之60, `千6` 千分之6.
 */
export function checkRate(value: PlainValue | undefined): Check<number> {
  if (value === undefined) return MISSING;
  if (value instanceof YamlNumber) return unitless(value.source);
  if (typeof value !== 'string') {
    return bad(`应为 0.60% 这样的费率`, `expected a percentage such as 0.60%`);
  }
  const parsed = parseRate(contractShorthand(value));
  if (parsed.ok) return good(parsed.value);
  // A quoted "0.6" is as unitless as a bare 0.6.
  if (parsed.problem.code === 'rate.unit' && /^\d*\.?\d+$/.test(value.trim())) return unitless(value.trim());
  if (parsed.problem.code === 'rate.unit' || parsed.problem.code === 'rate.invalid') {
    return bad(
      `“${value}”不是费率，应为 0.60% 、万分之38 或 千分之6 这样的费率`,
      `expected a percentage such as 0.60%, not "${value}"`,
    );
  }
  return bad(parsed.problem.zh, parsed.problem.en);
}

/** A rule's rate, and the fixed fee per transaction when the rate was written the contracts' way (`0.6%+3`). */
export interface RateAndFixed {
  readonly ppm: number;
  /** Present only when the rate text carried `+N` (yuan); the rule's own `fixed` then must be absent. */
  readonly fixedFen?: number;
}

/**
 * A rule's `rate`: a rate as {@link checkRate} reads it, or a rate plus a fixed fee per transaction as contracts
 * and sales pitches write them (`0.6%+3`, `万60+3`, `2.99%+3元`): the fixed part is yuan, as `fixed` is.
 */
export function checkRateAndFixed(value: PlainValue | undefined): Check<RateAndFixed> {
  const text = typeof value === 'string' ? value.trim() : undefined;
  const split = text === undefined ? null : /^(.+?)\+\s*(\d+(?:\.\d+)?)\s*元?$/.exec(toHalfWidth(text));
  if (text === undefined || split === null) {
    const rate = checkRate(value);
    return rate.ok ? good({ ppm: rate.value }) : rate;
  }
  const [, ratePart = '', fixedPart = ''] = split;
  const rate = checkRate(ratePart.trim());
  if (!rate.ok) {
    return bad(
      `“${text}”的费率部分有误：${rate.zh}；每笔固定费也可单独写成 fixed: ${fixedPart}`,
      `the rate part of "${text}" is wrong: ${rate.en}; the fixed fee may also be written fixed: ${fixedPart}`,
    );
  }
  const fixed = parseAmount(fixedPart, 'yuan');
  if (!fixed.ok) return bad(fixed.problem.zh, fixed.problem.en);
  return good({ ppm: rate.value, fixedFen: fixed.value });
}

/** `万60` → `万分之60`, `千6` → `千分之6`: the shorthand contracts and salesmen use (万60+3 …). */
function contractShorthand(text: string): string {
  return toHalfWidth(text)
    .trim()
    .replace(/^万(?!分之)\s*/, '万分之')
    .replace(/^千(?!分之)\s*/, '千分之');
}

/**
 * The error for a rate written without a unit, with the unit its size suggests: rates under 5 % are what POS
 * contracts sign, so below 0.05 the number is most likely a fraction (0.006 = 0.60 %), from 0.05 to 5 a
 * percentage (0.6 = 0.6 %), and from 5 up 万分之 (60 = 万分之60 = 0.60 %). Merely adding a % sign to 0.006 would
 * make the plan 100 times too low, so the suggestion names the unit and the rate it comes to.
 */
function unitless(source: string): Check<never> {
  const generic = bad(
    `费率“${source}”缺少单位，请照合同写上单位：0.60%、万分之60 或 千分之6`,
    `the rate "${source}" has no unit: write it with the contract's unit, such as 0.60%, 万分之60 or 千分之6`,
  );
  const asPercent = parseRate(source, 'percent');
  if (!asPercent.ok) return generic;
  const unit: RateUnit =
    asPercent.value < 500 ? 'fraction' : asPercent.value < 50_000 ? 'percent' : 'per-myriad';
  const guessed = parseRate(source, unit);
  if (!guessed.ok) return generic;
  const percent = formatRate(guessed.value);
  const otherwise = {
    zh: '；若合同另有所指，请照合同写上 %、‰ 或 万分之',
    en: '; if the contract means otherwise, write its unit (%, ‰ or 万分之)',
  };
  if (unit === 'fraction') {
    return bad(
      `费率“${source}”缺少单位。小于 0.05 的数多半是小数形式的费率：${source} = ${percent}，请写成 rate: ${percent}${otherwise.zh}`,
      `the rate "${source}" has no unit. A number below 0.05 is most likely a fraction: ${source} = ${percent}, so write rate: ${percent}${otherwise.en}`,
    );
  }
  if (unit === 'percent') {
    return bad(
      `费率“${source}”缺少单位。0.05 到 5 之间的数多半是百分数：${source} 即 ${source}%，请写成 rate: ${source}%${otherwise.zh}`,
      `the rate "${source}" has no unit. A number from 0.05 to 5 is most likely a percentage: ${source} means ${source}%, so write rate: ${source}%${otherwise.en}`,
    );
  }
  return bad(
    `费率“${source}”缺少单位。5 及以上的数多半是万分之（合同常写作“万${source}”）：${source} 即 万分之${source} = ${percent}，请写成 rate: 万分之${source} 或 rate: ${percent}${otherwise.zh}`,
    `the rate "${source}" has no unit. A number of 5 or more is most likely per ten thousand (万分之, written "万${source}" in contracts): ${source} means 万分之${source} = ${percent}, so write rate: 万分之${source} or rate: ${percent}${otherwise.en}`,
  );
}

/** An amount in 元, non-negative, converted exactly from the text as written. */
export function checkYuan(value: PlainValue | undefined): Check<number> {
  if (value === undefined) return MISSING;
  let text: string;
  if (value instanceof YamlNumber) {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value.source)) {
      return bad(
        `金额“${value.source}”请写成 20 或 0.01 这样的普通小数`,
        `write the amount "${value.source}" as a plain decimal such as 20 or 0.01`,
      );
    }
    text = value.source;
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return bad(`应为金额（元），如 20 或 0.01`, `expected an amount in yuan such as 20 or 0.01`);
  }
  const parsed = parseAmount(text, 'yuan');
  if (!parsed.ok) return bad(parsed.problem.zh, parsed.problem.en);
  if (parsed.value < 0) return bad(`金额不能为负数：${text}`, `must not be negative: ${text}`);
  return good(parsed.value);
}

export function checkCount(value: PlainValue | undefined): Check<number> {
  if (value === undefined) return MISSING;
  const text = value instanceof YamlNumber ? value.source : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,4}$/.test(text)) return bad(`应为天数（非负整数）`, `expected a number of days (0 or more)`);
  return good(Number(text));
}

/** A number of days of at least one, such as a refund window (`refundWindowDays: 360`). */
export function checkPositiveDays(value: PlainValue | undefined): Check<number> {
  if (value === undefined) return MISSING;
  const text = value instanceof YamlNumber ? value.source : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,4}$/.test(text) || Number(text) === 0)
    return bad(
      `应为天数（正整数，如 180 或 360）`,
      `expected a number of days, 1 or more (such as 180 or 360)`,
    );
  return good(Number(text));
}

export function checkBoolean(value: PlainValue | undefined): Check<boolean> {
  if (typeof value === 'boolean') return good(value);
  return bad(`应为 true 或 false`, `expected true or false`);
}

export function checkTextList(value: PlainValue | undefined): Check<string[]> {
  if (value === undefined || value === null) return good([]);
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const [index, item] of items.entries()) {
    const text = checkText(item);
    if (!text.ok) return Array.isArray(value) ? bad(text.zh, text.en, [index]) : text;
    out.push(text.value);
  }
  return good(out);
}

function checkNames<T>(
  value: PlainValue | undefined,
  read: (name: string) => T | undefined,
  what: { zh: string; en: string; choices: string },
): Check<T[]> {
  if (value === undefined) return MISSING;
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return bad(`${what.zh}列表不能为空`, `the ${what.en} list is empty`);
  const out: T[] = [];
  for (const [index, item] of items.entries()) {
    const found = typeof item === 'string' ? read(item) : undefined;
    if (found === undefined) {
      return bad(
        `未知${what.zh}“${show(item)}”（可选：${what.choices}）`,
        `unknown ${what.en} "${show(item)}" (expected one of ${what.choices})`,
        Array.isArray(value) ? [index] : undefined,
      );
    }
    if (!out.includes(found)) out.push(found);
  }
  return good(out);
}

export const checkChannels = (value: PlainValue | undefined): Check<Channel[]> =>
  checkNames(value, channelFromName, { zh: '渠道', en: 'channel', choices: CHANNEL_CHOICES });

export const checkCards = (value: PlainValue | undefined): Check<CardType[]> =>
  checkNames(value, cardFromName, { zh: '卡种', en: 'card type', choices: CARD_CHOICES });

export function checkChoice<T extends string>(choices: readonly T[]) {
  return (value: PlainValue | undefined): Check<T> => {
    if (value === undefined) return MISSING;
    const text = typeof value === 'string' ? value.trim() : show(value);
    const found = choices.find((choice) => choice === text);
    if (found !== undefined) return good(found);
    return bad(
      `“${text}”无效，可选：${choices.join(' | ')}`,
      `"${text}" is not one of ${choices.join(' | ')}`,
    );
  };
}

/** `T1`, `D0`, `t2` … → basis and days. */
export function checkSettlement(value: PlainValue | undefined): Check<{ basis: 'T' | 'D'; days: number }> {
  if (value === undefined) return MISSING;
  const text = typeof value === 'string' ? value.trim() : show(value);
  const match = /^([TD])(\d{1,2})$/i.exec(text);
  if (!match) {
    return bad(
      `结算周期“${text}”无效，应为 T0、T1、D0、D1、Tn 或 Dn`,
      `settlement "${text}" is not one of T0, T1, D0, D1, Tn, Dn`,
    );
  }
  return good({ basis: match[1]?.toUpperCase() === 'D' ? 'D' : 'T', days: Number(match[2]) });
}
