import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { rateChangeText } from './format.js';
import { useI18n } from './i18n.js';
import type { AuditReport, RateChange } from './types.js';

echarts.use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

/** The label a rate change carries on the chart, e.g. "2026-10-11 0.60%→0.63%". */
export function changeLabel(c: RateChange, lang: 'zh' | 'en'): string {
  return `${c.date} ${rateChangeText(c, lang)}`;
}

// Percent with 4 decimals from integer fen; a display value only, never used for money.
function percent(feeFen: number, amountFen: number): number {
  return Math.round((feeFen * 1_000_000) / amountFen) / 10_000;
}

/** Effective rate per day per channel/card (fee ÷ amount), each rate change marked and labelled; SVG renderer. */
export function RateChart(props: { audit: AuditReport }) {
  const { word, lang } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  const audit = props.audit;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `word` changes exactly when `lang` does.
  useEffect(() => {
    const rates = audit.effectiveRates ?? [];
    const changes = audit.rateChanges;
    const node = el.current;
    if (node === null) return;
    const chart = echarts.init(node, null, { renderer: 'svg' });
    const keys = [...new Set(rates.map((r) => `${r.channel}/${r.card}`))];
    const dates = [...new Set(rates.map((r) => r.date))].sort();
    const series = keys.map((key) => {
      const byDate = new Map<string, number>();
      for (const r of rates) {
        if (`${r.channel}/${r.card}` === key && r.amountFen > 0)
          byDate.set(r.date, percent(r.feeFen, r.amountFen));
      }
      const [channel = '', card = ''] = key.split('/');
      const marks = changes.filter((c) => c.channel === channel && c.card === card && dates.includes(c.date));
      return {
        name: `${word(channel)}/${word(card)}`,
        type: 'line' as const,
        connectNulls: false,
        showSymbol: false,
        data: dates.map((d) => byDate.get(d) ?? null),
        markLine: {
          symbol: 'none',
          lineStyle: { type: 'dashed' as const, color: '#c0392b' },
          label: { position: 'insideEndTop' as const, fontSize: 11 },
          data: marks.map((c) => ({ xAxis: c.date, label: { formatter: changeLabel(c, lang) } })),
        },
      };
    });
    // A change on a channel/card without chart data still gets its mark, on the first series.
    const orphan = changes.filter((c) => !keys.includes(`${c.channel}/${c.card}`) && dates.includes(c.date));
    const firstSeries = series[0];
    if (firstSeries !== undefined) {
      for (const c of orphan)
        firstSeries.markLine.data.push({ xAxis: c.date, label: { formatter: changeLabel(c, lang) } });
    }
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)}%` : ''),
      },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 16, top: 56, bottom: 32 },
      xAxis: { type: 'category', data: dates },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => `${v.toFixed(2)}%` } },
      series,
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [audit, lang]);
  return <div ref={el} className="chart" data-testid="rate-chart" />;
}
