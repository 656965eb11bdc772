import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addDays } from '../time/shanghai.js';
import { GenericSettlementWriter, type MerchantHeader, type SettlementWriter } from './generic-writers.js';
import { Prng } from './prng.js';
import { LeshuaSettlementWriter, WechatSettlementWriter } from './provider-writers.js';
import { type Scenario, scenarioParams } from './scenarios.js';
import { STANDARD_RULES } from './sim-plan.js';
import type { SimTerminal } from './sim-types.js';
import { type MerchantResult, simulateMerchant } from './simulate-merchant.js';

/** Statement layouts the simulator can write. */
export const SIM_PRESETS = ['generic', 'leshua', 'wechat'] as const;
export type SimPreset = (typeof SIM_PRESETS)[number];

/** Scenarios a layout cannot show: no settlement dates (payouts, lateness, deductions) or no card sales. */
export const UNSUPPORTED: Record<SimPreset, readonly Scenario[]> = {
  generic: [],
  leshua: ['d0-forced', 'sim-fee', 'late-settlement'],
  wechat: [
    'd0-forced',
    'sim-fee',
    'late-settlement',
    'deposit',
    'cap-ignored',
    'silent-rate-change',
    'fixed-surcharge',
    'limit-change',
  ],
};

export interface SimulateOptions {
  out: string;
  merchants: number;
  terminals: number;
  days: number;
  perDay: number;
  start: string;
  seed: string;
  scenarios: readonly Scenario[];
  preset: SimPreset;
}

export interface SimulateResult {
  merchants: MerchantResult[];
  files: string[];
  terminalRows: number;
  settlementRows: number;
  bankRows: number;
  findings: number;
  overchargeFen: number;
  lossFen: number;
  byKind: Record<string, number>;
  rateChanges: number;
}

const SHOP_NAMES = [
  '鸿运便利店',
  '福满楼餐厅',
  '顺发五金店',
  '悦来茶馆',
  '丽人美发',
  '百味烘焙',
  '金鼎烟酒行',
  '康宁药房',
];
const MODELS = [
  { model: 'N910', vendor: '新大陆', firmware: ['V2.1.3', 'V2.2.0'], app: ['5.3.1', '5.4.0'] },
  { model: 'A8', vendor: '联迪', firmware: ['V1.8.6', 'V1.9.1'], app: ['3.0.8', '3.1.0'] },
  { model: 'P2', vendor: '商米', firmware: ['V3.4.2', 'V3.5.0'], app: ['2.6.0', '2.7.2'] },
];

const PROVIDERS: Record<SimPreset, { short: string; full: string }> = {
  generic: { short: '汇通支付', full: '汇通支付有限公司' },
  leshua: { short: '乐刷', full: '深圳市乐刷科技有限公司' },
  wechat: { short: '财付通', full: '财付通支付科技有限公司' },
};

/** Writes every merchant's files under `out` and returns what was written and the truth totals. */
export function simulate(options: SimulateOptions): SimulateResult {
  const scenarios = new Set(options.scenarios);
  const params = scenarioParams(options.start, options.days);
  const ids = new Prng(`${options.seed}:ids`);
  const provider = PROVIDERS[options.preset];
  const results: MerchantResult[] = [];
  const files: string[] = [];
  const ext = options.preset === 'leshua' ? 'txt' : 'csv';
  const seen = new Set<string>();
  for (let m = 0; m < options.merchants; m++) {
    let merchantId = '';
    do {
      merchantId =
        options.preset === 'generic'
          ? `822${ids.digits(4)}5411${ids.digits(4)}`
          : `1${ids.int(1, 9)}${ids.digits(8)}`;
    } while (seen.has(merchantId));
    seen.add(merchantId);
    const dir = join(options.out, merchantId);
    mkdirSync(dir, { recursive: true });
    const terminals: SimTerminal[] = [];
    for (let t = 0; t < options.terminals; t++) {
      const kind = ids.pick(MODELS);
      const terminal: SimTerminal = {
        terminalId: `${ids.int(1, 9)}${ids.digits(7)}`,
        sn: `${kind.vendor === '新大陆' ? 'NL' : kind.vendor === '联迪' ? 'LD' : 'SM'}${ids.digits(4)}A${ids.digits(6)}`,
        model: kind.model,
        vendor: kind.vendor,
        versions: [
          { from: addDays(options.start, -120), firmware: kind.firmware[0] ?? '', app: kind.app[0] ?? '' },
        ],
      };
      if (terminals.some((x) => x.terminalId === terminal.terminalId)) {
        t -= 1;
        continue;
      }
      terminals.push(terminal);
    }
    const updated = terminals.at(-1);
    if (scenarios.has('software-update') && updated) {
      const kind = MODELS.find((k) => k.model === updated.model);
      updated.versions.push({
        from: params.updateOn,
        firmware: kind?.firmware[1] ?? '',
        app: kind?.app[1] ?? '',
      });
    }
    const merchant = `${SHOP_NAMES[m % SHOP_NAMES.length]}${m >= SHOP_NAMES.length ? String(Math.floor(m / SHOP_NAMES.length) + 1) : ''}`;
    const result = simulateMerchant({
      dir,
      seed: options.seed,
      index: m,
      merchantId,
      merchant,
      provider: provider.short,
      providerFullName: provider.full,
      terminals,
      start: options.start,
      days: options.days,
      perDay: options.perDay,
      scenarios,
      params,
      plan: {
        merchant,
        merchantId,
        provider: provider.short,
        rounding: 'half-up',
        toleranceFen: 1,
        from: addDays(options.start, -30),
        noticed: addDays(options.start, -75),
        rules: STANDARD_RULES,
      },
      channelWeights:
        options.preset === 'wechat'
          ? [0, 0, 0, 1, 0]
          : options.preset === 'leshua'
            ? [45, 0, 0, 35, 20]
            : [35, 15, 5, 30, 15],
      withRefNo: options.preset !== 'wechat',
      openSettlement: (header: MerchantHeader, period): SettlementWriter => {
        const path = join(dir, `settlement.${ext}`);
        if (options.preset === 'leshua') return new LeshuaSettlementWriter(path, header);
        if (options.preset === 'wechat') return new WechatSettlementWriter(path, header);
        return new GenericSettlementWriter(path, header, period);
      },
    });
    results.push(result);
    for (const name of [
      'terminal.csv',
      `settlement.${ext}`,
      'bank.csv',
      'plan.yaml',
      'devices.yaml',
      'truth.json',
    ])
      files.push(join(dir, name));
  }
  const byKind: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.byKind)) byKind[k] = (byKind[k] ?? 0) + v;
  const sum = (f: (r: MerchantResult) => number) => results.reduce((a, r) => a + f(r), 0);
  return {
    merchants: results,
    files,
    terminalRows: sum((r) => r.terminalRows),
    settlementRows: sum((r) => r.settlementRows),
    bankRows: sum((r) => r.bankRows),
    findings: sum((r) => r.findings),
    overchargeFen: sum((r) => r.overchargeFen),
    lossFen: sum((r) => r.lossFen),
    byKind,
    rateChanges: sum((r) => r.rateChanges),
  };
}
