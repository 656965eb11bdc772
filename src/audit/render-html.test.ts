import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cjkFont, evidencePack, planOf } from '../../test/explain/explain-fixtures.js';
import { runCli } from '../cli/program.js';
import { renderPdf } from '../explain/render-pdf.js';
import type { AuditReport } from './report-types.js';
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
      '共多扣 ¥1.47，涉及 3 笔交易；其中商户 898440153991234：自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（多扣 ¥1.39，2 笔）',
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
    // The rate changes' 金额段 in words, not the code “all”.
    const row = /<table class="rate-changes">[\s\S]*?<tbody>\s*(<tr>.*?<\/tr>)/.exec(html)?.[1] ?? '';
    expect(row).toContain('<td class="nowrap">全部金额</td>');
    expect(row).not.toContain('>all<');
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

// A Leshua 冻结 (frozen) sale: the audit reports the settled money the provider holds as an unplanned deduction
// labelled 资金冻结 (the JSON contract). The HTML report and the evidence pack's HTML and PDF findings tables put
// its amount under 损失 and called it 方案外扣费; it is the merchant's own money, held, not lost.
describe('money frozen (资金冻结) in the HTML report and the evidence pack’s HTML and PDF', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-frozen-html-'));
    dirs.push(dir);
    return dir;
  };

  // One Leshua merchant, credit cards at 0.55% (55 in 万分之一), T1; 2026-11-02 is a Monday, paid on 11-03.
  const M = '1000054321';
  const HEADER =
    'BT,编号,交易时间,订单号,商户号,费率(万分之一),交易金额(分),手续费(分),结算金额(分),资金流向,交易类型,支付方式,卡类型,商户优惠类型,参考号,凭证号,终端号,第三方订单号,第三方退款号,支付时间,上游订单号(网、银联),上游订单号(微信、支付宝),付款银行,消费者标识,扫码支付交易类型';
  const row = (
    no: number,
    time: string,
    order: string,
    fen: [number, number, number],
    flow: string,
    ref: string,
  ) =>
    `BV,${no},${time},${order},${M},55,${fen[0]},${fen[1]},${fen[2]},${flow},消费,刷卡,贷记卡,标准类,${ref},00000${no},50054321,*,*,${time},UP${order},*,中国银行,*,*`;
  // Sale A: 100000 fen at 0.55% = 550, settled 99450, paid. Sale B: 66600 fen at 0.55% = 366.3 → 366, settled
  // 66600 − 366 = 66234, frozen (冻结): held, so the audit's deduction is 66234 fen = ¥662.34.
  const TRADES = [
    HEADER,
    row(1, '2026-11-02 10:00:00', 'LS202611020000001', [100000, 550, 99450], '进账', '628300000001'),
    row(2, '2026-11-02 19:45:20', 'LS202611020000002', [66600, 366, 66234], '冻结', '628300000002'),
    '',
  ].join('\n');
  // The 打款单 pays A's 99450 on 11-03 (B is held).
  const BILLS = [
    'billId,createTime,bankretTime,merchantId,planAmount,suspendAmount,realAmount,state,settType,settDate,bankAccount,remark',
    `B1,2026-11-03 03:33:36.0,2026-11-03 09:02:11.0,${M},99450,0,99450,1,t1,2026-11-03,621226*********4882,客户账T1待结算账本`,
    '',
  ].join('\n');

  async function audit(dir: string, format: 'json' | 'html', lang: 'zh' | 'en' = 'zh'): Promise<string> {
    writeFileSync(join(dir, '8000123456_trade_new_20261102.txt'), TRADES);
    writeFileSync(
      join(dir, 'plan.yaml'),
      'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.55% }\n',
    );
    writeFileSync(join(dir, 'merchant-settlement-order.csv'), BILLS);
    const run = await runCli(
      [
        'audit',
        '--settlement',
        '8000123456_trade_new_20261102.txt',
        '--plan',
        'plan.yaml',
        '--bank',
        'merchant-settlement-order.csv',
        '--format',
        format,
        '--lang',
        lang,
      ],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    return run.stdout;
  }

  /** The findings table of an HTML page: its header cells and each row's cells, tags stripped. */
  const findingsTable = (html: string) => {
    const table = /<table class="findings">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const cells = (tr: string, tag: string) =>
      [...tr.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
    const trs = [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[0]);
    return { header: cells(trs[0] ?? '', 'th'), rows: trs.slice(1).map((tr) => cells(tr, 'td')), trs };
  };
  const byKind = (html: string) => /<section class="by-kind">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';

  it('the HTML report names it 资金冻结 / money frozen with ¥662.34 under 冻结 / Held, not 损失 / Loss', async () => {
    const zh = await audit(newDir(), 'html');
    const table = findingsTable(zh);
    expect(table.header).toEqual([
      '时间',
      '类型',
      '参考号/订单号',
      '终端',
      '金额',
      '应收',
      '实收',
      '多扣',
      '损失',
      '冻结',
      '说明',
      '来源',
    ]);
    expect(table.rows).toHaveLength(1);
    // Kind 资金冻结; amount ¥666.00, over ¥0.00, loss blank, held ¥662.34.
    expect(table.rows[0]?.slice(1, 10)).toEqual([
      '资金冻结',
      '628300000002',
      '50054321',
      '¥666.00',
      '',
      '',
      '¥0.00',
      '',
      '¥662.34',
    ]);
    // The row keeps the JSON's kind for scripts.
    expect(table.trs[1]).toContain('data-kind="unplanned_deduction"');
    expect(zh).not.toContain('方案外扣费');
    expect(byKind(zh)).toContain('<th>损失</th><th>冻结</th>');
    expect(byKind(zh)).toContain(
      '<tr><td>资金冻结</td><td class="num">1</td><td class="num">¥0.00</td><td class="num">¥0.00</td><td class="num">¥662.34</td></tr>',
    );

    const en = await audit(newDir(), 'html', 'en');
    const tableEn = findingsTable(en);
    expect(tableEn.header.slice(8, 10)).toEqual(['Loss', 'Held']);
    expect(tableEn.rows[0]?.[1]).toBe('money frozen');
    expect(tableEn.rows[0]?.slice(8, 10)).toEqual(['', '¥662.34']);
    expect(en).not.toContain('unplanned deduction');
    expect(byKind(en)).toContain('<tr><td>money frozen</td><td class="num">1</td>');
  });

  /** Each word pdftotext finds in a PDF, with its right edge (points from the page's left). */
  const pdfWords = (pdf: Buffer, dir: string): { text: string; xMax: number; yMin: number }[] => {
    const path = join(dir, `w-${Math.random().toString(16).slice(2)}.pdf`);
    writeFileSync(path, pdf);
    const html = execFileSync('pdftotext', ['-bbox', path, '-'], { encoding: 'utf8' });
    return [
      ...html.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g),
    ].map((m) => ({ text: m[3] ?? '', xMax: Number(m[2]), yMin: Number(m[1]) }));
  };

  it('the evidence pack’s report.html and report.pdf do the same; the CSV keeps the contract', async () => {
    const dir = newDir();
    const report = JSON.parse(await audit(dir, 'json')) as AuditReport;
    expect(report.findings.map((f) => [f.kind, f.label, f.lossFen])).toEqual([
      ['unplanned_deduction', '资金冻结', 66234],
    ]);
    const { files } = await evidencePack({ report });
    const html = files.get('report.html')?.toString('utf8') ?? '';
    expect(findingsTable(html).rows[0]?.slice(1, 10)).toEqual([
      '资金冻结',
      '628300000002',
      '50054321',
      '¥666.00',
      '',
      '',
      '¥0.00',
      '',
      '¥662.34',
    ]);
    // The CSV: the kind code stays unplanned_deduction and the money in its loss column (column 15).
    const csv = files.get('findings.csv')?.toString('utf8').split('\r\n') ?? [];
    expect(csv[1]?.split(',')[2]).toBe('unplanned_deduction');
    expect(csv[1]?.split(',')[14]).toBe('662.34');

    // The PDF's findings table, the last page: ¥662.34 right-aligned under 冻结 / Held, none under 损失 / Lost.
    const check = (pdf: Buffer, kind: string, lost: string, held: string) => {
      // pdftotext lists words in its own reading order: the table's are told apart by their line (yMin).
      const words = pdfWords(pdf, dir);
      const heading = words.findLast((w) => w.text === held);
      const lostHeading = words.findLast((w) => w.text === lost && w.yMin === heading?.yMin);
      const amount = words.findLast((w) => w.text === '¥662.34');
      const row = words.filter((w) => Math.abs(w.yMin - (amount?.yMin ?? -99)) < 1);
      expect(amount?.yMin).toBeGreaterThan(heading?.yMin ?? Number.POSITIVE_INFINITY);
      expect(heading).toBeDefined();
      expect(lostHeading).toBeDefined();
      expect(amount).toBeDefined();
      // Both right-aligned in their column: the same right edge (within a point), the loss column's 46 to its left.
      expect(Math.abs((amount?.xMax ?? 0) - (heading?.xMax ?? 0))).toBeLessThan(1);
      expect((heading?.xMax ?? 0) - (lostHeading?.xMax ?? 0)).toBeGreaterThan(40);
      expect(row.map((w) => w.text).join(' ')).toContain(kind);
      // Nothing else of the row ends under 损失 / Lost.
      expect(row.some((w) => Math.abs(w.xMax - (lostHeading?.xMax ?? 0)) < 1)).toBe(false);
    };
    const pdf = files.get('report.pdf') ?? Buffer.alloc(0);
    check(pdf, '资金冻结', '损失', '冻结');
    const en = await renderPdf(report, { font: cjkFont(), letter: '', lang: 'en' });
    check(en, 'money frozen', 'Lost', 'Held');
  });
});
