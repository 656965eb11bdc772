import { describe, expect, it } from 'vitest';
import { renderHtml } from './render-html.js';
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
