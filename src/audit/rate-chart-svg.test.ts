import { describe, expect, it } from 'vitest';
import { escapeXml, rateChartSvg } from './rate-chart-svg.js';
import { sampleReport } from './sample-report.js';

describe('rateChartSvg', () => {
  const report = sampleReport();
  const svg = rateChartSvg(report.effectiveRates ?? [], report.rateChanges, { lang: 'zh' });

  it('draws one line per channel/card', () => {
    expect(svg.match(/<polyline class="rate-series"/g)).toHaveLength(2);
    expect(svg).toContain('data-series="card|credit"');
    expect(svg).toContain('data-series="wechat|unknown"');
    expect(svg).toContain('>贷记卡</text>');
    expect(svg).toContain('>微信</text>');
  });

  it('labels the rate axis in percent: max 0.6804% × 1.1 → steps of 0.20% up to 0.80%', () => {
    const labels = [...svg.matchAll(/<g class="y-tick">.*?>([\d.]+%)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['0.00%', '0.20%', '0.40%', '0.60%', '0.80%']);
  });

  it('marks the rate change with a vertical line and a label on its date', () => {
    const marker = /<g class="rate-change" data-date="2026-08-03"[^>]*>(.*?)<\/g>/.exec(svg);
    expect(marker).not.toBeNull();
    expect(marker?.[1]).toContain('2026-08-03 0.60%→0.68%');
    // 2026-08-03 is day 2 of 08-01…08-04: two thirds across the 648-unit-wide plot that starts at x = 64.
    expect(marker?.[1]).toContain('x1="496"');
  });

  it('draws one marker for the same change at several merchants, and stacks labels that would overlap', () => {
    const base = report.rateChanges[0];
    if (base === undefined) throw new Error('sample has a rate change');
    const changes = [
      base,
      { ...base, merchantId: 'other' },
      {
        ...base,
        channel: 'wechat' as const,
        card: 'unknown' as const,
        beforeRate: '0.38%',
        afterRate: '0.60%',
      },
    ];
    const svg2 = rateChartSvg(report.effectiveRates ?? [], changes, { lang: 'zh' });
    const markers = [
      ...svg2.matchAll(/<g class="rate-change"[^>]*>.*?<text x="[\d.]+" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g),
    ];
    expect(markers.map((m) => m[2])).toEqual([
      '2026-08-03 0.60%→0.68% 贷记卡 ×2',
      '2026-08-03 0.38%→0.60% 微信',
    ]);
    expect(markers[0]?.[1]).not.toBe(markers[1]?.[1]);
  });

  it('is empty when there is nothing to draw', () => {
    expect(rateChartSvg([], [], { lang: 'zh' })).toBe('');
  });

  it('escapes markup', () => {
    expect(escapeXml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});
