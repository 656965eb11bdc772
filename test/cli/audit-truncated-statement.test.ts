import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { warningIn } from '../../src/audit/warning-text.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from './audit-fixtures.js';

// A merchant downloads one statement a day. The download of 10-14's was cut off: two whole rows, then half a row,
// no 合计 row, no final newline. The half row was rejected as "千位逗号或缺少单元格？" with nothing saying the file
// was cut off, and the sales after the cut were reported as missing_settlement (收单机构后台差错 · 把握大) though
// the bank had been paid for them. The file is now called cut off, and its last day is not taken as covered: the
// sales due then that it lacks cannot be checked, and say so; the findings of the whole files stand.

const tmp = tmpDirs('posguard-cli-truncated-');

const M = '822000000000077';
const PLAN = `merchantId: "${M}"
provider: 某某支付
settlement: D1
periods:
  - from: 2026-09-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;

const HEADER =
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const title = (day: string) => ['某某支付有限公司商户结算明细', `商户号：${M}  结算日期：${day}`];
const line = (time: string, settle: string, ref: string, amount: string, fee: string, net: string) =>
  `${time},${settle},${M},10000077,${ref},622588******${ref.slice(-4)},贷记卡,刷卡,消费,${amount},${fee},${net}`;

// 10-13: whole, with its 合计 row and final CRLF. B is charged ¥3.50 where 0.60% of ¥500.00 is ¥3.00: 50 fen over.
const DAY1 = [
  ...title('2026-10-13'),
  HEADER,
  line('2026-10-12 09:00:00', '2026-10-13', '000007700001', '1000.00', '6.00', '994.00'),
  line('2026-10-12 10:00:00', '2026-10-13', '000007700002', '500.00', '3.50', '496.50'),
  '合计,,,,,,,,,1500.00,9.50,1490.50',
];

// 10-14: C, then D charged ¥5.60 where 0.60% of ¥800.00 is ¥4.80 (80 fen over), then E, then (not in the cut file) F.
const C = line('2026-10-13 09:00:00', '2026-10-14', '000007700003', '2000.00', '12.00', '1988.00');
const D = line('2026-10-13 10:00:00', '2026-10-14', '000007700004', '800.00', '5.60', '794.40');
const E = line('2026-10-13 11:00:00', '2026-10-14', '000007700005', '300.00', '1.80', '298.20');
// E cut in its 卡号 cell: 6 of the 12 cells, and the bytes stop there.
const E_CUT = E.slice(0, E.indexOf('贷记卡') - 3);

const gbk = (lines: string[], end: string) => iconv.encode(lines.join('\r\n') + end, 'gbk');

// The journal: A–F as above, G (10-12 11:00, ¥700.00, due 10-13, in no statement: missing, ¥700.00 − ¥4.20 =
// ¥695.80), and H (10-11, due 10-12, a day before the first statement: not checked).
const JOURNAL = [
  '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额',
  ...[
    ['2026-10-11 15:00:00', '000007700008', '400.00'],
    ['2026-10-12 09:00:00', '000007700001', '1000.00'],
    ['2026-10-12 10:00:00', '000007700002', '500.00'],
    ['2026-10-12 11:00:00', '000007700007', '700.00'],
    ['2026-10-13 09:00:00', '000007700003', '2000.00'],
    ['2026-10-13 10:00:00', '000007700004', '800.00'],
    ['2026-10-13 11:00:00', '000007700005', '300.00'],
    ['2026-10-13 12:00:00', '000007700006', '1200.00'],
  ].map(
    ([time, ref, amount]) =>
      `${time},${M},10000077,${ref},622588******${ref?.slice(-4)},贷记卡,刷卡,消费,${amount}`,
  ),
];

async function audit(day2: Uint8Array): Promise<{ exitCode: number; report: AuditReport }> {
  const dir = tmp();
  writeFileSync(join(dir, '结算明细_20261013.csv'), gbk(DAY1, '\r\n'));
  writeFileSync(join(dir, '结算明细_20261014.csv'), day2);
  writeFileSync(join(dir, 'pos.csv'), `${JOURNAL.join('\n')}\n`);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  const run = await runCli(
    [
      'audit',
      '--settlement',
      '结算明细_20261013.csv',
      '结算明细_20261014.csv',
      '--terminal',
      'pos.csv',
      '--plan',
      'plan.yaml',
      '--format',
      'json',
    ],
    { cwd: dir, env: {} },
  );
  expect(run.stderr).toBe('');
  return { exitCode: run.exitCode, report: JSON.parse(run.stdout) as AuditReport };
}

const byKind = (report: AuditReport) =>
  report.findings
    .map((f) => [f.kind, f.refNo, f.lossFen])
    .sort((a, b) => String(a[1]).localeCompare(String(b[1])));

describe('posguard audit: a daily statement cut off mid-row', () => {
  it('rejects the cut row as a cut-off file and does not call the sales of its day missing', async () => {
    const { exitCode, report } = await audit(gbk([...title('2026-10-14'), HEADER, C, D, E_CUT], ''));
    expect(exitCode).toBe(1);

    // The half row (row 6: two title lines, the header, C, D) says the file is cut off, not a thousands comma.
    expect(report.rejected).toEqual([
      {
        file: '结算明细_20261014.csv',
        row: 6,
        column: '卡类型',
        reason:
          '文件似乎不完整/被截断：最后一行只有 6 个单元格（表头有 12 列）且文件没有以换行结束，未导入；请重新下载',
      },
    ]);
    expect(report.files.find((f) => f.file === '结算明细_20261014.csv')?.truncated).toBe(true);
    expect(report.files.find((f) => f.file === '结算明细_20261013.csv')?.truncated).toBeUndefined();
    expect(report.warnings.map((w) => warningIn(w, 'zh'))).toContain(
      '结算明细_20261014.csv 似乎不完整（被截断）：最后一行只有 6 个单元格（表头有 12 列）且文件没有以换行结束，第 6 行未导入，其后的交易可能缺失；请重新下载该文件',
    );

    // E (cut) and F (after the cut) were due on 10-14, the cut file's last day: not missing, named as not checked.
    expect(byKind(report)).toEqual([
      ['fee_overcharge', '000007700002', 50],
      ['fee_overcharge', '000007700004', 80],
      ['missing_settlement', '000007700007', 69580],
    ]);
    expect(report.summary.findingsByKind.missing_settlement).toBe(1);
    // 50 + 80 fen over, ¥695.80 = 69580 fen of G never settled.
    expect(report.summary.overchargeFen).toBe(130);
    expect(report.summary.lossFen).toBe(69710);
    expect(report.warnings).toContain(
      '结算明细_20261014.csv 似乎不完整（被截断），2 笔应于 2026-10-14 结算的终端交易不在其中，可能在截断的部分：未计为漏结算，无法核对是否结算；请重新下载该日对账单 / ' +
        "结算明细_20261014.csv appears cut off: 2 journal sales due on 2026-10-14 are not in it and may be in the part cut off; they are not counted as missing settlements and cannot be checked — download that day's statement again",
    );
    // H, due the day before the first statement, names that day and the file that may be missing.
    expect(report.warnings).toContain(
      '1 笔终端交易的应结算日（2026-10-12）不在对账单覆盖的日期内，未核对是否到账；可能缺少该日的对账单文件，请补充 / ' +
        '1 journal sales are due on days no statement covers (2026-10-12) and were not checked for settlement; the statement file for that day may be missing — add it',
    );
  });

  it('does not call a whole file cut off because it lacks the final newline', async () => {
    // 10-14 whole (C, D, E), no 合计 row and no final line break: F, due that day, is missing: ¥1,200.00 − ¥7.20.
    const { report } = await audit(gbk([...title('2026-10-14'), HEADER, C, D, E], ''));
    expect(report.rejected).toEqual([]);
    expect(report.files.some((f) => f.truncated === true)).toBe(false);
    expect(report.warnings.filter((w) => w.includes('截断'))).toEqual([]);
    expect(byKind(report)).toEqual([
      ['fee_overcharge', '000007700002', 50],
      ['fee_overcharge', '000007700004', 80],
      ['missing_settlement', '000007700006', 119280],
      ['missing_settlement', '000007700007', 69580],
    ]);
  });

  it('keeps the old reason for a short row that is followed by a line break', async () => {
    // The same half row, but the file ends with CRLF: a malformed row, not a download cut off.
    const { report } = await audit(gbk([...title('2026-10-14'), HEADER, C, D, E_CUT], '\r\n'));
    expect(report.rejected.map((r) => r.reason)).toEqual([
      '该行有 6 个单元格，表头有 12 列，各列会错位（金额中未加引号的千位逗号或缺少单元格？），缺少“卡类型”列，未导入',
    ]);
    expect(report.files.some((f) => f.truncated === true)).toBe(false);
  });
});
