import type { PosRecord } from '../records/index.js';

/** One merchant's journal lines; `merchantId` absent for lines that name no merchant (or a journal naming none). */
export interface MerchantGroup {
  merchantId?: string;
  records: PosRecord[];
}

export type MerchantGroups = { ok: true; groups: MerchantGroup[] } | { ok: false; zh: string; en: string };

/**
 * The journal's lines by merchant, each priced on its own: an agent's journal holds many shops, and one ranking
 * over their sales together fits none of them. Lines without a merchant number go with the one merchant when the
 * journal names only one (a shop's own cash-register lines); beside several they are a group of their own. With
 * `wanted` (--merchant), only those merchants; one the journal does not hold is an error listing those it does.
 */
export function merchantGroups(records: readonly PosRecord[], wanted?: readonly string[]): MerchantGroups {
  const byMerchant = new Map<string, PosRecord[]>();
  const unnamed: PosRecord[] = [];
  for (const r of records) {
    if (r.kind !== 'terminal') continue;
    const id = r.merchantId ?? '';
    if (id === '') {
      unnamed.push(r);
      continue;
    }
    const list = byMerchant.get(id);
    if (list === undefined) byMerchant.set(id, [r]);
    else list.push(r);
  }
  const ids = [...byMerchant.keys()].sort();
  if (wanted !== undefined && wanted.length > 0) {
    const missing = wanted.filter((id) => !byMerchant.has(id));
    if (missing.length > 0) {
      const shown = ids.slice(0, 10);
      const more = ids.length - shown.length;
      return {
        ok: false,
        zh: `--merchant ${missing.join('、')} 不在终端流水中；${ids.length === 0 ? '流水中的记录都没有商户号' : `流水中的商户：${shown.join('、')}${more > 0 ? ` 等 ${ids.length} 个` : ''}`}`,
        en: `--merchant ${missing.join(', ')}: not in the journals; ${ids.length === 0 ? 'no line of the journals names a merchant' : `the journals hold merchant${ids.length === 1 ? '' : 's'} ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`}`,
      };
    }
    const keep = [...new Set(wanted)].sort();
    return {
      ok: true,
      groups: keep.map((id) => ({
        merchantId: id,
        records: [...(byMerchant.get(id) ?? []), ...(ids.length === 1 ? unnamed : [])],
      })),
    };
  }
  if (ids.length <= 1) {
    const id = ids[0];
    const all = [...(id === undefined ? [] : (byMerchant.get(id) ?? [])), ...unnamed];
    return { ok: true, groups: [id === undefined ? { records: all } : { merchantId: id, records: all }] };
  }
  const groups: MerchantGroup[] = ids.map((id) => ({ merchantId: id, records: byMerchant.get(id) ?? [] }));
  if (unnamed.length > 0) groups.push({ records: unnamed });
  return { ok: true, groups };
}
