import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { formatFen } from '../../src/money/index.js';

// `posguard compare` on what its inputs say: several merchants in one journal, a GBK catalogue, the provider a
// statement's title names, a plan that starts after the switch date, --plan without statements.

let dir: string;

function write(name: string, content: string | Buffer): void {
  writeFileSync(join(dir, name), content);
}

const run = (...args: string[]) => runCli(['compare', ...args], { cwd: dir });

const FLAT = [
  'plans:',
  '  - provider: 标准',
  '    plan: 0.60%',
  '    settlement: T1',
  '    source: 测试',
  '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
].join('\n');

// An agent's December journal: one sale of merchant …001, two of merchant …002.
const MULTI = [
  '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额',
  '2026-12-01 12:00:00,898000000000001,T0000001,100000000001,,,微信,消费,成功,100.00',
  '2026-12-01 12:00:00,898000000000002,T0000009,100000000002,,,微信,消费,成功,100.00',
  '2026-12-31 12:00:00,898000000000002,T0000009,100000000003,,,微信,消费,成功,100.00',
].join('\n');

const JOURNAL_HEADER =
  '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注';
const SETTLEMENT_HEADER =
  '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注';
const SHOP = '822841054119608';
// A credit-card sale of ¥1,000.00 charged 0.70 % (¥7.00) where the plan agrees 0.60 % (¥6.00): ¥1.00 overcharged;
// a WeChat sale of ¥200.00 at the agreed 0.38 % (¥0.76); a ¥99.00 流量费 the plan does not agree.
const STATEMENT_ROWS = [
  SETTLEMENT_HEADER,
  `2026-10-12 10:00:00,2026-10-13,${SHOP},T0000001,000001,000001,101200000001,,622588******5678,贷记卡,刷卡,消费,1000.00,7.00,993.00,0.70%,`,
  `2026-10-13 10:00:00,2026-10-14,${SHOP},T0000001,000001,000002,101300000002,SO1,,,微信,消费,200.00,0.76,199.24,0.38%,`,
  `2026-10-13 00:30:00,2026-10-13,${SHOP},,,,,,,,,流量费,-99.00,0.00,-99.00,,流量费`,
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-compare-inputs-'));
  write('flat.yaml', FLAT);
  write('multi.csv', MULTI);
  write(
    'journal.csv',
    `\uFEFF${[
      JOURNAL_HEADER,
      `2026-10-12 10:00:00,${SHOP},T0000001,000001,000001,101200000001,,622588******5678,贷记卡,刷卡,,消费,成功,1000.00,,,,`,
      `2026-10-13 10:00:00,${SHOP},T0000001,000001,000002,101300000002,SO1,,,微信,oUser1,消费,成功,200.00,,,,`,
    ].join('\n')}\n`,
  );
  write(
    'titled.csv',
    iconv.encode(
      [
        '汇通支付有限公司商户结算明细',
        `"商户号：${SHOP}  商户名称：鸿运便利店  结算日期：2026-10-13 至 2026-10-14"`,
        ...STATEMENT_ROWS,
      ].join('\r\n'),
      'gbk',
    ),
  );
  write('untitled.csv', iconv.encode(STATEMENT_ROWS.join('\r\n'), 'gbk'));
  write(
    'plan.yaml',
    [
      'provider: 汇通支付',
      'settlement: T1',
      'periods:',
      '  - from: 2026-09-01',
      '    rates:',
      '      - { channel: [wechat, alipay], rate: 0.38% }',
      '      - { rate: 0.60% }',
    ].join('\n'),
  );
  write(
    'huitong.yaml',
    [
      'plans:',
      '  - provider: 汇通支付',
      '    plan: 现方案',
      '    settlement: T1',
      '    source: t',
      '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
    ].join('\n'),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Priced {
  provider: string;
  yearlyFen: number;
  totalFen: number;
  startDate: string;
  jumpRecord?: {
    provider?: string;
    names: string[];
    findings: number;
    overchargeFen: number;
    lossFen: number;
  };
}
interface Out {
  merchantId?: string;
  history: { sales: number; terminals: number };
  plans: Priced[];
  jumpRecords: { provider?: string; findings: number; overchargeFen: number; lossFen: number }[];
}

describe('compare: a journal of several merchants', () => {
  it('ranks each merchant on its own sales, not all of them together', async () => {
    const res = await run(
      '--terminal',
      'multi.csv',
      '--catalog',
      'flat.yaml',
      '--as-of',
      '2027-01-01',
      '--format',
      'json',
    );
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { merchants: Out[] };
    // December, 31 days. …001: ¥100.00 × 0.60 % = 60 fen → 60 × 365 ÷ 31 = 706.45 → 706.
    // …002: 2 × 60 = 120 fen → 120 × 365 ÷ 31 = 1,412.90 → 1,413. (Together they were 180 → 2,119.)
    expect(
      out.merchants.map((m) => [m.merchantId, m.history.sales, m.history.terminals, m.plans[0]?.yearlyFen]),
    ).toEqual([
      ['898000000000001', 1, 1, 706],
      ['898000000000002', 2, 1, 1_413],
    ]);
    const table = await run('--terminal', 'multi.csv', '--catalog', 'flat.yaml', '--as-of', '2027-01-01');
    expect(table.stdout).toContain('流水中有 2 个商户（898000000000001、898000000000002）');
    expect(table.stdout).toContain('=== 商户 898000000000001 ===');
    expect(table.stdout).toContain('=== 商户 898000000000002 ===');
  });

  it('compares only the merchant --merchant names, and refuses one the journal does not hold, listing those it does', async () => {
    const one = await run(
      '--terminal',
      'multi.csv',
      '--catalog',
      'flat.yaml',
      '--as-of',
      '2027-01-01',
      '--merchant',
      '898000000000002',
      '--format',
      'json',
    );
    expect(one.exitCode, one.stderr).toBe(0);
    const out = JSON.parse(one.stdout) as Out;
    expect(out.merchantId).toBe('898000000000002');
    expect(out.history.sales).toBe(2);
    expect(out.plans[0]?.yearlyFen).toBe(1_413);
    const wrong = await run('--terminal', 'multi.csv', '--merchant', '898000000000009', '--lang', 'en');
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain(
      '--merchant 898000000000009: not in the journals; the journals hold merchants 898000000000001, 898000000000002',
    );
  });
});

describe('compare: a GBK catalogue', () => {
  it('reads it as plan check does (GB18030), says so, and prices its plan', async () => {
    write(
      'gbk.yaml',
      iconv.encode(
        [
          'plans:',
          '  - provider: 庚支付',
          '    plan: 杂乱写法',
          '    settlement: T1',
          '    deposit: 99',
          '    source: 测试',
          '    periods:',
          '      - from: 2020-01-01',
          '        rates:',
          '          - { channel: 微信, rate: 万分之38 }',
          '          - { card: 借记卡, rate: 0.55%, cap: 20元 }',
          '          - { rate: 0.6%+0.5 }',
        ].join('\n'),
        'gbk',
      ),
    );
    write(
      'mix.csv',
      [
        '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额',
        '2026-11-02 10:00:00,898000000000001,T0000001,000000000001,,,微信,消费,成功,100.00',
        '2026-11-03 10:00:00,898000000000001,T0000001,000000000002,622848******1234,借记卡,刷卡,消费,成功,5000.00',
        '2026-11-04 10:00:00,898000000000001,T0000001,000000000003,622588******5678,贷记卡,刷卡,消费,成功,1000.00',
      ].join('\n'),
    );
    const res = await run(
      '--terminal',
      'mix.csv',
      '--catalog',
      'gbk.yaml',
      '--as-of',
      '2027-01-01',
      '--format',
      'json',
    );
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stderr).toContain('gbk.yaml：文件不是 UTF-8，已按 GB18030 读取');
    const plan = (JSON.parse(res.stdout) as Out).plans[0];
    // WeChat ¥100.00 × 0.38 % = 38; debit ¥5,000.00 × 0.55 % = 2,750 capped at ¥20 = 2,000; credit ¥1,000.00
    // × 0.6 % + ¥0.50 = 600 + 50 = 650: 38 + 2,000 + 650 = 2,688 fen.
    expect(plan).toMatchObject({ provider: '庚支付', totalFen: 2_688 });
  });
});

describe("compare: the provider's 跳点 record", () => {
  it("names the provider the statement's title names, not the preset, and finds it in the catalogue", async () => {
    const res = await run(
      '--terminal',
      'journal.csv',
      '--settlement',
      'titled.csv',
      '--catalog',
      'huitong.yaml',
      '--as-of',
      '2027-01-01',
      '--format',
      'json',
    );
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as Out;
    const record = out.plans[0]?.jumpRecord;
    expect(record?.provider).toBe('汇通支付有限公司');
    expect(record?.names).toContain('汇通支付');
    const table = await run(
      '--terminal',
      'journal.csv',
      '--settlement',
      'titled.csv',
      '--catalog',
      'huitong.yaml',
      '--as-of',
      '2027-01-01',
    );
    expect(table.stdout).not.toContain('generic');
    expect(table.stdout).not.toContain('目录中无此服务商');
  });

  it('says "your provider" when nothing names it', async () => {
    const zh = await run(
      '--terminal',
      'journal.csv',
      '--settlement',
      'untitled.csv',
      '--catalog',
      'flat.yaml',
      '--as-of',
      '2027-01-01',
    );
    expect(zh.exitCode, zh.stderr).toBe(0);
    expect(zh.stdout).toContain('您的收单机构在您数据中的跳点记录');
    expect(zh.stdout).not.toContain('generic');
    const en = await run(
      '--terminal',
      'journal.csv',
      '--settlement',
      'untitled.csv',
      '--catalog',
      'flat.yaml',
      '--as-of',
      '2027-01-01',
      '--lang',
      'en',
    );
    expect(en.stdout).toContain("your provider's 跳点 record in your data");
  });

  it('shows in the table the whole loss JSON gives (overcharge and the unagreed 流量费), not the overcharge alone', async () => {
    const args = [
      '--terminal',
      'journal.csv',
      '--settlement',
      'titled.csv',
      '--plan',
      'plan.yaml',
      '--catalog',
      'huitong.yaml',
      '--as-of',
      '2027-01-01',
    ];
    const json = await run(...args, '--format', 'json');
    expect(json.exitCode, json.stderr).toBe(0);
    const record = (JSON.parse(json.stdout) as Out).plans[0]?.jumpRecord;
    // Credit card: ¥7.00 taken, 0.60 % of ¥1,000.00 = ¥6.00 agreed → 100 fen overcharged; the ¥99.00 流量费 is not
    // in the plan → 9,900 fen lost. Loss 100 + 9,900 = 10,000 fen, of which 100 overcharged fees.
    expect(record).toMatchObject({ provider: '汇通支付', overchargeFen: 100, lossFen: 10_000 });
    const zh = await run(...args);
    expect(zh.stdout).toContain(`${record?.findings} 项，损失 ¥100.00（其中多收手续费 ¥1.00）`);
    const en = await run(...args, '--lang', 'en');
    expect(en.stdout).toContain('lost ¥100.00 (fees overcharged ¥1.00)');
    expect(formatFen(record?.lossFen ?? 0)).toBe('¥100.00');
  });
});

describe('compare: what the table must not leave unsaid', () => {
  const LATER = [
    'plans:',
    '  - provider: 己支付',
    '    plan: 2027-06-01 开始',
    '    settlement: T1',
    '    source: 测试',
    '    periods: [{ from: 2027-06-01, rates: [{ rate: 0.70% }] }]',
    '  - provider: 标准',
    '    plan: 0.60%',
    '    settlement: T1',
    '    source: 测试',
    '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.80% }] }]',
  ].join('\n');

  it('marks a plan that starts after the switch date with its start, zh and en', async () => {
    write('later.yaml', LATER);
    const zh = await run('--terminal', 'journal.csv', '--catalog', 'later.yaml', '--as-of', '2027-01-01');
    expect(zh.exitCode, zh.stderr).toBe(0);
    expect(zh.stdout).toContain('（2027-06-01 起）');
    // 2027-01-01 → 2027-06-01: 31 + 28 + 31 + 30 + 31 = 151 days.
    expect(zh.stdout).toContain('己支付 的方案 2027-06-01 才开始（换用日 2027-01-01 之后 151 天）');
    const en = await run(
      '--terminal',
      'journal.csv',
      '--catalog',
      'later.yaml',
      '--as-of',
      '2027-01-01',
      '--lang',
      'en',
    );
    expect(en.stdout).toContain('(starts 2027-06-01)');
    expect(en.stdout).toContain(
      "己支付's plan starts on 2027-06-01, 151 days after the switch date 2027-01-01",
    );
    // 标准 starts on the switch date: no mark.
    expect(en.stdout).not.toContain("标准's plan starts");
  });

  it('warns that --plan without --settlement is ignored', async () => {
    const res = await run(
      '--terminal',
      'journal.csv',
      '--catalog',
      'flat.yaml',
      '--plan',
      'plan.yaml',
      '--lang',
      'en',
      '--as-of',
      '2027-01-01',
    );
    expect(res.exitCode).toBe(0);
    expect(res.stderr).toContain('--plan only audits the statements given with --settlement');
    expect(res.stderr).toContain('--plan is ignored');
    const zh = await run(
      '--terminal',
      'journal.csv',
      '--catalog',
      'flat.yaml',
      '--plan',
      'plan.yaml',
      '--as-of',
      '2027-01-01',
    );
    expect(zh.stderr).toContain('没有给结算单，已忽略 --plan');
  });

  it('writes English counts in the singular for one', async () => {
    write(
      'single.csv',
      [
        '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额,原参考号',
        '2026-11-02 10:00:00,898000000000001,T0000001,000000000001,622588******5678,贷记卡,刷卡,消费,成功,1000.00,',
        '2026-11-03 10:00:00,898000000000001,T0000001,000000000002,622588******5678,贷记卡,刷卡,退货,成功,100.00,000000000001',
      ].join('\n'),
    );
    const en = await run(
      '--terminal',
      'single.csv',
      '--catalog',
      'flat.yaml',
      '--as-of',
      '2027-01-01',
      '--lang',
      'en',
    );
    expect(en.exitCode, en.stderr).toBe(0);
    expect(en.stdout).toContain(
      'History: 1 sale ¥1,000.00 from 2026-11-02 to 2026-11-02, 1 refund, 0 voided/reversed, 1 terminal;',
    );
    expect(en.stdout).toContain('(only 1 sale)');
    expect(en.stdout).not.toMatch(/\b1 (sales|refunds|terminals|days|findings)\b/);
  });
});
