import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { importFiles, xlsxLimits } from '../../src/statements/import.js';

// A header of two rows (QA X/twolevel2.xlsx): 退款 merged over C:D and 交易 over E:F, each over 单号 | 金额; the
// other columns merged down both rows. The amount is the 交易 金额 (F), not the first 金额 (the refund, D).
async function twoLevel(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('明细');
  ws.mergeCells('A1:A2');
  ws.getCell('A1').value = '订单号';
  ws.mergeCells('B1:B2');
  ws.getCell('B1').value = '交易时间';
  ws.mergeCells('C1:D1');
  ws.getCell('C1').value = '退款';
  ws.mergeCells('E1:F1');
  ws.getCell('E1').value = '交易';
  ws.mergeCells('G1:G2');
  ws.getCell('G1').value = '手续费';
  ws.mergeCells('H1:H2');
  ws.getCell('H1').value = '支付方式';
  ws.getCell('C2').value = '单号';
  ws.getCell('D2').value = '金额';
  ws.getCell('E2').value = '单号';
  ws.getCell('F2').value = '金额';
  ws.addRow(['O1', '2026-10-13 09:00:00', null, 0, 'W1', 1000, 3.8, '微信']);
  ws.addRow(['O2', '2026-10-13 10:00:00', 'R1', 200, 'W2', 500, 1.9, '微信']);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const PLAN = [
  'merchantId: "822841054119608"',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: [wechat, alipay], rate: 0.38% }',
  '',
].join('\n');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a header whose merged upper row groups repeated names', () => {
  it('reads 交易 金额 as the amount and 退款 金额 as the refund amount, whole and streamed', async () => {
    const bytes = await twoLevel();
    const dir = mkdtempSync(join(tmpdir(), 'posguard-grouped-header-'));
    dirs.push(dir);
    const path = join(dir, 'twolevel2.xlsx');
    writeFileSync(path, bytes);
    const saved = xlsxLimits.inMemoryBytes;
    for (const limit of [saved, 0]) {
      xlsxLimits.inMemoryBytes = limit;
      try {
        const result = await importFiles([{ path }]);
        expect(result.files[0]?.columns).toMatchObject({
          time: '交易时间',
          orderNo: '订单号',
          amount: '交易金额',
          refundAmount: '退款金额',
          fee: '手续费',
        });
        expect(result.records.map((r) => [r.orderNo, r.amountFen, r.feeFen])).toEqual([
          ['O1', 100000, 380],
          ['O2', 50000, 190],
        ]);
        expect(result.rejected).toEqual([]);
        expect(result.warnings).toEqual([]);
      } finally {
        xlsxLimits.inMemoryBytes = saved;
      }
    }
  });

  it('leaves `posguard audit` finding no overcharge on fees charged at the plan rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-grouped-header-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'twolevel2.xlsx'), await twoLevel());
    writeFileSync(join(dir, 'plan.yaml'), PLAN);
    const run = await runCli(
      ['audit', '--settlement', 'twolevel2.xlsx', '--plan', 'plan.yaml', '--format', 'json'],
      { cwd: dir, env: {} },
    );
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.summary.lossFen).toBe(0);
  });

  it('warns when two columns of one name are read with no group to tell them apart', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('明细');
    ws.addRow(['订单号', '交易时间', '金额', '金额', '手续费']);
    ws.addRow(['O1', '2026-10-13 09:00:00', 0, 1000, 3.8]);
    const result = await importFiles([
      { name: 'dup.xlsx', bytes: new Uint8Array(await wb.xlsx.writeBuffer()) },
    ]);
    expect(result.warnings.map((w) => [w.code, w.message])).toEqual([
      [
        'header.repeated:金额',
        '表头有 2 列都叫“金额”（第 3、4 列），无法确定哪一列是交易金额，已读取第 3 列；请核对，或导出时让各列名称不同（如合并表头“交易”“退款”下的“金额”），或在 --mapping 中用列号指定，如 amount: 4（列号从 1 数起）',
      ],
    ]);
  });
});
