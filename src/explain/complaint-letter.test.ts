import { describe, expect, it } from 'vitest';
import { auditReport } from '../../test/explain/explain-fixtures.js';
import type { AuditReport, Finding } from '../audit/report-types.js';
import { complaintLetter } from './complaint-letter.js';

const M = '822000000000009';

/** A one-merchant report of these findings, as the audit writes it. */
const reportOf = (findings: Finding[]): AuditReport => auditReport(findings, [], { merchantId: M });

describe('the complaint letter’s largest losses', () => {
  it('names a sale without 参考号 or 订单号 by the line it is on, not as a settlement day', () => {
    // A cashier's sale never settled: ¥300.00 − fee ¥1.80 = ¥298.20 due.
    const missing: Finding = {
      id: 'f-1',
      kind: 'missing_settlement',
      merchantId: M,
      terminalId: '10000001',
      time: '2026-10-14T15:00:00+08:00',
      amountFen: 30000,
      overchargeFen: 0,
      lossFen: 29820,
      message: '',
      messageEn: '',
      source: [{ file: 'terminal.csv', row: 14 }],
    };
    const zh = complaintLetter(reportOf([missing]), { date: '2026-10-20' });
    expect(zh).toContain('  terminal.csv 第 14 行  2026-10-14  终端 10000001  金额 ¥300.00  损失 ¥298.20');
    expect(zh).not.toContain('结算日 2026-10-14');
    const en = complaintLetter(reportOf([missing]), { date: '2026-10-20', lang: 'en' });
    expect(en).toContain(
      '  terminal.csv row 14  2026-10-14  terminal 10000001  amount ¥300.00  lost ¥298.20',
    );
  });
});
