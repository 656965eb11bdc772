import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unzip } from '../../test/explain/explain-fixtures.js';
import { runCli } from '../cli/program.js';

const M = '822000000000009';

describe('the evidence pack’s report.html header', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /**
   * A statement whose title lines name the provider and the merchant, with its settled sales on 2026-10-12 to
   * 2026-10-14 (the last charged 0.63% against the plan's 0.60%), and a plan that names neither.
   */
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-pack-header-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'settlement.csv'),
      [
        '汇通支付有限公司商户结算明细',
        `商户号：${M}  商户名称：星光书店  结算日期：2026-10-13 至 2026-10-15`,
        '交易时间,结算日期,商户号,终端号,凭证号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
        `2026-10-12 09:05:00,2026-10-13,${M},10000001,000101,628500000101,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
        `2026-10-13 09:05:00,2026-10-14,${M},10000001,000102,628500000102,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
        `2026-10-14 09:05:00,2026-10-15,${M},10000001,000103,628500000103,贷记卡,刷卡,消费,1000.00,6.30,993.70`,
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'plan.yaml'),
      `merchantId: "${M}"\nperiods:\n  - from: 2026-09-01\n    rates:\n      - { card: credit, rate: 0.60% }\n`,
    );
    return dir;
  };
  const pack = async (lang: string[] = []) => {
    const dir = folder();
    const run = await runCli(
      [
        ...lang,
        'evidence',
        '--settlement',
        'settlement.csv',
        '--plan',
        'plan.yaml',
        '--date',
        '2026-11-01',
        '--out',
        'pack.zip',
      ],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    return unzip(readFileSync(join(dir, 'pack.zip')));
  };

  it('names the merchant, provider, period audited and the pack’s date, as the letter does', async () => {
    const files = await pack();
    const html = files.get('report.html')?.toString('utf8') ?? '';
    expect(html).toContain(`<dt>商户</dt><dd>星光书店（商户号 ${M}）</dd>`);
    expect(html).toContain('<dt>收单机构</dt><dd>汇通支付有限公司</dd>');
    expect(html).toContain(
      '<dt>核对期间</dt><dd>2026-10-12 至 2026-10-14（对账单中已结算交易的交易日期）</dd>',
    );
    expect(html).toContain('<dt>报告日期</dt><dd>2026-11-01</dd>');
    const letter = files.get('complaint-letter.txt')?.toString('utf8') ?? '';
    expect(letter).toContain('致 汇通支付有限公司 客户服务部：');
    expect(letter).toContain('日期：2026-11-01');
  });

  it('labels the header in English with --lang en', async () => {
    const html = (await pack(['--lang', 'en'])).get('report.html')?.toString('utf8') ?? '';
    expect(html).toContain(`<dt>Merchant</dt><dd>星光书店 (merchant no. ${M})</dd>`);
    expect(html).toContain('<dt>Provider</dt><dd>汇通支付有限公司</dd>');
    expect(html).toContain(
      '<dt>Period audited</dt><dd>2026-10-12 to 2026-10-14 (trade dates of the sales the statements settle)</dd>',
    );
    expect(html).toContain('<dt>Report date</dt><dd>2026-11-01</dd>');
  });
});
