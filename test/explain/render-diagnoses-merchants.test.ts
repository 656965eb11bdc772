import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/explain/diagnosis-types.js';
import { diagnosisHtml, diagnosisLines } from '../../src/explain/render-diagnoses.js';

// An agent's report over several merchants: the same cause at two merchants must say which merchant each is.

const d = (merchantId: string, lossFen: number): Diagnosis => ({
  id: `dx-${merchantId}`,
  cause: 'settlement_mode_change',
  merchantId,
  title: '结算方式被改为 D0/秒到，按笔收取提现费',
  titleEn: 'Settlement switched to D0/instant payout with a per-payout fee',
  evidence: ['每次结算都扣一笔固定费用'],
  evidenceEn: ['A fixed fee on every payout'],
  findingIds: ['f1'],
  terminalIds: [],
  overchargeFen: 0,
  lossFen,
  confidence: 'high',
  remedies: ['contact_service'],
  steps: ['联系客服'],
  stepsEn: ['Contact customer service'],
});

describe('diagnoses of several merchants', () => {
  it('names the merchant of each diagnosis in the table and the HTML', () => {
    const ds = [d('822227854115366', 5400), d('822716454112117', 5400)];
    const zh = diagnosisLines(ds, 'zh');
    expect(zh.find((l) => l.includes('1. '))).toContain('商户 822227854115366');
    expect(zh.find((l) => l.includes('2. '))).toContain('商户 822716454112117');
    expect(diagnosisLines(ds, 'en').find((l) => l.includes('1. '))).toContain('merchant 822227854115366');
    const html = diagnosisHtml(ds, 'zh');
    expect(html).toContain('商户 822227854115366');
    expect(html).toContain('商户 822716454112117');
  });

  it('leaves a one-merchant report as it was', () => {
    const zh = diagnosisLines([d('822227854115366', 5400)], 'zh');
    expect(zh.join('\n')).not.toContain('商户 822227854115366');
  });
});
