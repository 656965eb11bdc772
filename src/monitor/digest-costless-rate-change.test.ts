import { describe, expect, it } from 'vitest';
import { summariseAlerts } from './daily-digest.js';

const GROUP = 'card|credit|r0.1';

describe('a rate change that costs the merchant nothing is no fee jump in the digest', () => {
  it('is not counted under rate changes: one line says how many, the loss is the costly change alone', () => {
    const summary = summariseAlerts(
      [
        // Costly: 330 fen over the plan on 12-05, no fee_overcharge alert carries it.
        { kind: 'rate_change', amountFen: 330, details: { group: GROUP, days: { '2026-12-05': 330 } } },
        // Brought to ¥0.00 by a corrected plan: no day over it is left.
        {
          kind: 'rate_change',
          amountFen: 0,
          details: { group: GROUP, days: {}, overchargeFen: 0, notifiedFen: 0 },
        },
        // Under a plan, the fee changed but no line is over it: no days at all.
        {
          kind: 'rate_change',
          amountFen: null,
          details: { group: 'wechat|unknown|*', before: { rate: '0.38%', fixedFen: 0 }, after: null },
        },
        // Without a plan: 3 sales charged 125 fen less than by the old formula.
        {
          kind: 'rate_change',
          amountFen: null,
          details: { group: 'alipay|unknown|*', extraFen: -125, extraLines: 3 },
        },
      ],
      new Set(),
    );
    expect(summary.lossFen).toBe(330);
    expect(summary.counts).toEqual({ rate_change: { n: 1, fen: 330 } });
    expect(summary.costlessRateChanges).toBe(3);
    expect(summary.lines).toEqual([
      '费率变化（疑似跳点） 1 条，多扣 ¥3.30',
      '合计损失 ¥3.30',
      '费率变化未造成多扣 3 条（不计为跳点）',
    ]);
    expect(summary.linesEn).toEqual([
      'Rate change (suspected fee jump): 1 alert, overcharged ¥3.30',
      'Total lost ¥3.30',
      'Rate changes that cost nothing: 3 alerts (not counted as fee jumps)',
    ]);
  });

  it('a day with only a change brought to ¥0.00 has no rate-change line and no loss', () => {
    const summary = summariseAlerts(
      [{ kind: 'rate_change', amountFen: 0, details: { group: GROUP, days: {}, overchargeFen: 0 } }],
      new Set(),
    );
    expect(summary).toMatchObject({ counts: {}, lossFen: 0, costlessRateChanges: 1 });
    expect(summary.lines).toEqual(['费率变化未造成多扣 1 条（不计为跳点）']);
    expect(summary.linesEn).toEqual(['Rate changes that cost nothing: 1 alert (not counted as fee jumps)']);
  });

  it('a change from an unknown formula, its cost not known, stays a rate change', () => {
    const summary = summariseAlerts(
      [{ kind: 'rate_change', amountFen: null, details: { group: GROUP, before: null, after: null } }],
      new Set(),
    );
    expect(summary.counts).toEqual({ rate_change: { n: 1, fen: 0 } });
    expect(summary.costlessRateChanges).toBe(0);
  });
});
