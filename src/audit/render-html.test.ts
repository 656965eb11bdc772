import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planOf } from '../../test/explain/explain-fixtures.js';
import { runCli } from '../cli/program.js';
import { todayInShanghai } from '../time/shanghai.js';
import { htmlPageStart, PAGE_CSS, renderHtml } from './render-html.js';
import { HOSTILE_MERCHANT, sampleReport } from './sample-report.js';

const PLAN =
  'merchantId: "898440153991234"\nperiods:\n  - from: 2026-01-01\n    rates: [{ rate: 0.60% }] # <不要> & 注释\n';

describe('renderHtml', () => {
  const html = renderHtml(sampleReport(), { lang: 'zh', planText: PLAN });

  it('is one self-contained document with no external request', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<[^>]*\ssrc=/);
    expect(html).not.toMatch(/<link\b|<script\b|<img\b|<iframe\b|@import|url\(/);
    expect(html).toContain('@media print');
    expect(html).toContain('size: A4');
  });

  it('shows the totals first and big', () => {
    const headline = html.indexOf(
      '共多扣 ¥1.47，涉及 3 笔交易，自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%',
    );
    expect(headline).toBeGreaterThan(0);
    expect(html).toContain('<div class="value">¥1.47</div><div class="label">多扣手续费</div>');
    expect(html).toContain('<div class="value">¥205.27</div><div class="label">合计损失</div>');
    expect(headline).toBeLessThan(html.indexOf('<svg'));
  });

  it('contains the rate chart with the change marked on 2026-08-03', () => {
    expect(html).toContain('<svg class="rate-chart"');
    expect(html).toMatch(
      /<g class="rate-change" data-date="2026-08-03" data-channel="card" data-card="credit"/,
    );
    expect(html).toContain('2026-08-03 0.60%→0.68%');
  });

  it('lists findings with their source rows, rejected rows and the plan', () => {
    expect(html).toContain('<tr data-kind="amount_mismatch" data-id="f-0003">');
    expect(html).toContain('terminal.csv:9<br>settlement.csv:7');
    expect(html).toContain(
      '<td>settlement.csv</td><td class="num">8</td><td>交易金额</td><td>“12.3.4” 不是金额 &lt;b&gt;</td>',
    );
    expect(html).toContain('rates: [{ rate: 0.60% }] # &lt;不要&gt; &amp; 注释');
  });

  it('escapes markup in merchant ids and messages', () => {
    expect(html).not.toContain(HOSTILE_MERCHANT);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('speaks English with lang en', () => {
    const en = renderHtml(sampleReport(), { lang: 'en' });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Overcharged ¥1.47 in total on 3 transaction(s)');
    expect(en).not.toContain('Fee plan');
  });
});

describe('htmlPageStart', () => {
  it('styles a page with the shared rules first, then its own, once each', () => {
    const page = htmlPageStart('标题', 'zh', '\n.own { color: red; }\n').join('\n');
    expect(page).toContain(`<style>${PAGE_CSS}\n.own { color: red; }\n</style>`);
    expect(PAGE_CSS).toContain('"PingFang SC"');
    expect(PAGE_CSS).toContain('th, td {');
    const report = renderHtml(sampleReport(), { lang: 'zh' });
    const style = report.slice(report.indexOf('<style>'), report.indexOf('</style>'));
    expect(style.match(/:root \{/g)).toHaveLength(1);
    expect(style.match(/\nth, td \{/g)).toHaveLength(1);
    expect(style.indexOf('th, td {')).toBeLessThan(style.indexOf('.headline {'));
    expect(style).toContain('@page { size: A4; margin: 12mm; }');
  });
});

describe('renderHtml header: who, what period, when', () => {
  const M1 = '898440153991234';
  const NAMED = `merchant: 鸿运便利店\nmerchantId: "${M1}"\nprovider: 乐刷科技\nperiods:\n  - from: 2026-01-01\n    rates: [{ rate: 0.60% }]\n`;
  /** The header block: everything from <dl class="facts"> to its end. */
  const facts = (html: string) => /<dl class="facts">.*?<\/dl>/s.exec(html)?.[0] ?? '';

  it('names the merchant and provider from the plan, the period of the settled sales and the injected date', () => {
    const html = renderHtml(sampleReport(), { lang: 'zh', plans: [planOf(NAMED)], now: '2026-11-01' });
    const dl = facts(html);
    expect(dl).toContain(`<dt>商户</dt><dd>鸿运便利店（商户号 ${M1}）；商户号 &lt;script&gt;`);
    expect(dl).toContain('<dt>收单机构</dt><dd>乐刷科技</dd>');
    // The sample's settled sales run from 2026-08-01 to 2026-08-04.
    expect(dl).toContain(
      '<dt>核对期间</dt><dd>2026-08-01 至 2026-08-04（对账单中已结算交易的交易日期）</dd>',
    );
    expect(dl).toContain('<dt>报告日期</dt><dd>2026-11-01</dd>');
    expect(html.indexOf('<dl class="facts">')).toBeLessThan(html.indexOf('class="headline"'));
  });

  it('dates the report by the injected clock in Shanghai time, whatever TZ is', () => {
    // 16:30 UTC on 2026-10-31 is 00:30 on 2026-11-01 in Shanghai.
    const html = renderHtml(sampleReport(), { lang: 'zh', now: new Date(Date.UTC(2026, 9, 31, 16, 30)) });
    expect(facts(html)).toContain('<dt>报告日期</dt><dd>2026-11-01</dd>');
  });

  it('reads the names from the plan text when no plans are given (posguard audit --format html)', () => {
    const html = renderHtml(sampleReport(), { lang: 'en', planText: NAMED, now: '2026-11-01' });
    const dl = facts(html);
    expect(dl).toContain(
      `<dt>Merchants</dt><dd>鸿运便利店 (merchant no. ${M1}); merchant no. &lt;script&gt;`,
    );
    expect(dl).toContain('<dt>Provider</dt><dd>乐刷科技</dd>');
    expect(dl).toContain(
      '<dt>Period audited</dt><dd>2026-08-01 to 2026-08-04 (trade dates of the sales the statements settle)</dd>',
    );
    expect(dl).toContain('<dt>Report date</dt><dd>2026-11-01</dd>');
  });

  it('says so when nothing names the provider', () => {
    const dl = facts(renderHtml(sampleReport(), { lang: 'zh', now: '2026-11-01' }));
    expect(dl).toContain('<dt>收单机构</dt><dd>未注明（对账单和费率方案均未写明）</dd>');
    expect(dl).toContain(`<dd>商户号 ${M1}；`);
  });
});

describe('posguard audit --format html: the header', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('names the merchant, provider, period and the day it was produced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-html-'));
    dirs.push(dir);
    const M = '822000000000009';
    writeFileSync(
      join(dir, 'settlement.csv'),
      [
        '交易时间,结算日期,商户号,终端号,凭证号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
        `2026-10-12 09:05:00,2026-10-13,${M},10000001,000101,628500000101,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
        `2026-10-14 11:00:00,2026-10-15,${M},10000001,000103,628500000103,贷记卡,刷卡,消费,1234.56,7.41,1227.15`,
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'plan.yaml'),
      `merchant: 星光书店\nmerchantId: "${M}"\nprovider: 汇通支付\nperiods:\n  - from: 2026-09-01\n    rates:\n      - { card: credit, rate: 0.60% }\n`,
    );
    const before = todayInShanghai();
    const run = await runCli(
      [
        'audit',
        '--settlement',
        'settlement.csv',
        '--plan',
        'plan.yaml',
        '--format',
        'html',
        '--out',
        'r.html',
      ],
      { cwd: dir },
    );
    const after = todayInShanghai();
    expect(run.stderr).toBe('');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain(`<dt>商户</dt><dd>星光书店（商户号 ${M}）</dd>`);
    expect(html).toContain('<dt>收单机构</dt><dd>汇通支付</dd>');
    expect(html).toContain(
      '<dt>核对期间</dt><dd>2026-10-12 至 2026-10-14（对账单中已结算交易的交易日期）</dd>',
    );
    expect([`<dt>报告日期</dt><dd>${before}</dd>`, `<dt>报告日期</dt><dd>${after}</dd>`]).toContain(
      /<dt>报告日期<\/dt><dd>[^<]*<\/dd>/.exec(html)?.[0],
    );
  });

  it('takes the names from the statement title when the plans do not give them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-html-'));
    dirs.push(dir);
    const M = '822000000000010';
    writeFileSync(
      join(dir, 'settlement.csv'),
      [
        '汇通支付有限公司商户结算明细',
        `商户名称：月光茶社,商户号：${M}`,
        '交易时间,结算日期,商户号,终端号,凭证号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
        `2026-10-12 09:05:00,2026-10-13,${M},10000001,000101,628500000101,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
      ].join('\n'),
    );
    mkdirSync(join(dir, 'plans'));
    writeFileSync(
      join(dir, 'plans', `${M}.yaml`),
      `merchantId: "${M}"\nperiods:\n  - from: 2026-09-01\n    rates:\n      - { card: credit, rate: 0.60% }\n`,
    );
    const run = await runCli(
      ['audit', '--settlement', 'settlement.csv', '--plans', 'plans', '--format', 'html', '--out', 'r.html'],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain(`<dt>商户</dt><dd>月光茶社（商户号 ${M}）</dd>`);
    expect(html).toContain('<dt>收单机构</dt><dd>汇通支付有限公司</dd>');
  });
});
