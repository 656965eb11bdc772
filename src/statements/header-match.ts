import type { AmountUnit, RateUnit } from '../money/index.js';
import { toHalfWidth } from '../money/index.js';

/** A header cell reduced for matching, and the unit its suffix named. */
export interface NormalisedHeader {
  readonly key: string;
  readonly unit?: AmountUnit | RateUnit;
}

// Exports write the unit many ways: （元）, (分), (单位：元), (人民币元), （¥）, /元, (万分之一), (%).
const UNIT_SUFFIX =
  /(?:[([](?:单位:?)?(?:人民币)?(元|分|万分之一|千分之一|百分之一|%|‰|‱|¥|￥|rmb)[)\]]|\/(元|分|%))$/;
const UNIT_OF: Record<string, AmountUnit | RateUnit> = {
  元: 'yuan',
  分: 'fen',
  万分之一: 'per-myriad',
  '‱': 'per-myriad',
  千分之一: 'per-mille',
  '‰': 'per-mille',
  百分之一: 'percent',
  '%': 'percent',
  '¥': 'yuan',
  '￥': 'yuan',
  rmb: 'yuan',
};

/**
 * Normalises a header or alias for matching: case, spaces, full/half width and brackets are ignored, and a unit
 * suffix such as （元）, (分), (万分之一) or (%) is stripped and returned as the unit.
 * @example normaliseHeader('交易金额（元）') → { key: '交易金额', unit: 'yuan' }
 */
export function normaliseHeader(text: string): NormalisedHeader {
  let s = toHalfWidth(text)
    .replace(/^[\s\u00a0\ufeff`'"=]+|[\s\u00a0"]+$/g, '')
    .replace(/[【〔［]/g, '[')
    .replace(/[】〕］]/g, ']')
    .replace(/\s+/g, '')
    .toLowerCase();
  const m = UNIT_SUFFIX.exec(s);
  let unit: AmountUnit | RateUnit | undefined;
  const named = m?.[1] ?? m?.[2];
  if (m !== null && named !== undefined) {
    unit = UNIT_OF[named];
    s = s.slice(0, m.index);
  }
  s = s.replace(/[()[\]<>《》]/g, '');
  return unit === undefined ? { key: s } : { key: s, unit };
}
