import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('posguard import: deduction words in 交易类型', () => {
  it('reads 扣款, 其他扣款, 代扣 and 扣除 as deductions, and 消费扣款 still as a sale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-cli-deduction-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 's.csv'),
      [
        '交易时间,交易类型,支付方式,卡类型,交易状态,交易金额,手续费',
        '2026-10-01 10:00:00,扣款,刷卡,,成功,99.00,',
        '2026-10-01 10:01:00,其他扣款,,,成功,5.00,',
        '2026-10-01 10:02:00,代扣,,,成功,3.00,',
        '2026-10-01 10:03:00,扣除,,,成功,1.00,',
        '2026-10-01 10:04:00,消费,刷卡,贷记卡,成功,10.00,0.06',
        '2026-10-01 10:05:00,消费扣款,刷卡,贷记卡,成功,20.00,0.12',
      ].join('\n'),
    );
    const run = await runCli(['import', 's.csv', '--format', 'json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as {
      files: { warnings: { code: string }[] }[];
      records: { type: string; label?: string; amountFen: number }[];
    };
    expect(out.records.map((r) => [r.type, r.label, r.amountFen])).toEqual([
      ['deduction', '扣款', 9900],
      ['deduction', '其他扣款', 500],
      ['deduction', '代扣', 300],
      ['deduction', '扣除', 100],
      ['sale', undefined, 1000],
      ['sale', undefined, 2000],
    ]);
    expect(out.files[0]?.warnings.filter((w) => w.code === 'value.unknown')).toEqual([]);
  });
});
