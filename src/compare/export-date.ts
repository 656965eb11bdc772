/** `导出时间：2026-11-15 10:22:33`, `下载日期:2026/11/15`, `#导出时间：[2026年11月15日 10:22]`, `生成时间 2026.11.15`. */
const EXPORTED =
  /(?:导出|下载|生成|打印|制表)(?:时间|日期)\s*[：:]?\s*[[【（(]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/u;

/**
 * The day a journal's title says it was exported (Asia/Shanghai, YYYY-MM-DD), if it says so: the file holds no
 * later day, whatever month its lines are of.
 * @example exportDateOfTitle(['鸿运便利店交易流水  导出时间：2026-11-15 10:22:33']) === '2026-11-15'
 */
export function exportDateOfTitle(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const m = EXPORTED.exec(line);
    if (m === null) continue;
    const [, y = '', mo = '', d = ''] = m;
    const date = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
    const ms = Date.parse(`${date}T00:00:00Z`);
    // Date.parse rolls 11-31 over to 12-01: the date must read back the same.
    if (!Number.isNaN(ms) && new Date(ms).toISOString().startsWith(date)) return date;
  }
  return undefined;
}
