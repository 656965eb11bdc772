import { describe, expect, it } from 'vitest';
import { headline, renderTable } from './render-table.js';
import type { AuditReport, Finding } from './report-types.js';
import { sampleReport } from './sample-report.js';

// The headline tells a rate change as the cause of all the overcharge only when it is: the sample's credit card
// raise of 2026-08-03 accounts for f-0001 (¥0.99) and f-0002 (¥0.40), ¥1.39 on 2 sales; its ¥0.08 on a refund
// (f-0004) is no matter of that change.

/** The report with only these findings, its totals worked out by hand. */
function only(report: AuditReport, ids: readonly string[], overchargeFen: number): AuditReport {
  const findings = report.findings.filter((f) => ids.includes(f.id));
  return { ...report, findings, summary: { ...report.summary, overchargeFen } };
}

describe('headline with a rate change that accounts for part of the overcharge', () => {
  it('says what part of the total the change accounts for, in zh and en', () => {
    const report = sampleReport();
    expect(headline(report, 'zh')).toBe(
      '共多扣 ¥1.47，涉及 3 笔交易；其中商户 898440153991234：自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（多扣 ¥1.39，2 笔）',
    );
    expect(headline(report, 'en')).toBe(
      'Overcharged ¥1.47 in total on 3 transaction(s); of which: for merchant 898440153991234, since 2026-08-03 the credit card rate went from 0.60% to 0.68% (¥1.39 on 2 transaction(s))',
    );
    expect(renderTable(report, { lang: 'zh' }).split('\n')[0]).toBe(headline(report, 'zh'));
  });

  it('keeps the plain form when the change accounts for the whole total', () => {
    // f-0001 + f-0002 = 99 + 40 = 139 fen, both since the change.
    const report = only(sampleReport(), ['f-0001', 'f-0002'], 139);
    expect(headline(report, 'zh')).toBe(
      '共多扣 ¥1.39，涉及 2 笔交易，商户 898440153991234：自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%',
    );
    expect(headline(report, 'en')).toBe(
      'Overcharged ¥1.39 in total on 2 transaction(s); for merchant 898440153991234, since 2026-08-03 the credit card rate went from 0.60% to 0.68%',
    );
  });

  it('does not count a sale before the change, nor a fee kept on a reversed sale, as the change’s', () => {
    const report = sampleReport();
    const [first, second] = report.findings as [Finding, Finding];
    // f-0001 moved to the day before the change (a cap never applied, say); f-0002 a reversed sale's fee kept.
    const before: Finding = { ...first, time: '2026-08-02T09:12:00+08:00' };
    const reversed: Finding = { ...second, cancelledBy: 'reversal' };
    const changed = {
      ...report,
      findings: [before, reversed],
      summary: { ...report.summary, overchargeFen: 139 },
    };
    expect(headline(changed, 'zh')).toBe(
      '共多扣 ¥1.39，涉及 2 笔交易；商户 898440153991234：自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（未计多扣）',
    );
    expect(headline(changed, 'en')).toBe(
      'Overcharged ¥1.39 in total on 2 transaction(s); for merchant 898440153991234, since 2026-08-03 the credit card rate went from 0.60% to 0.68% (no overcharge counted)',
    );
  });
});
