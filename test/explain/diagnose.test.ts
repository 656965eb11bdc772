import { describe, expect, it } from 'vitest';
import { attachDiagnoses, diagnose } from '../../src/explain/attach-diagnoses.js';
import { parseDevices } from '../../src/explain/parse-devices.js';
import { REMEDIES_BY_CAUSE } from '../../src/explain/remedies.js';
import type { PosRecord } from '../../src/records/index.js';
import { finding, auditReport as report, MERCHANT_NO as M, rateChange } from './explain-fixtures.js';

const fee = (terminalId: string, day: string, over: number) =>
  finding('fee_overcharge', {
    terminalId,
    refNo: `ref-${terminalId}-${day}`,
    time: `${day}T10:00:00+08:00`,
    channel: 'card',
    card: 'credit',
    amountFen: 100_000,
    overchargeFen: over,
    lossFen: over,
  });

describe('diagnose', () => {
  it('a change on several terminals from one date is the provider’s; one terminal of several is its setting', () => {
    const change = rateChange({
      channel: 'card',
      card: 'credit',
      date: '2026-10-09',
      beforeRate: '0.60%',
      afterRate: '0.63%',
      transactions: 3,
      noticeHonoured: false,
    });
    // ¥1,000.00 × 0.03% = ¥0.30 over on each sale.
    const spread = diagnose(
      report(
        [fee('T1', '2026-10-09', 30), fee('T2', '2026-10-10', 30), fee('T1', '2026-10-11', 30)],
        [change],
      ),
    );
    expect(spread.map((d) => [d.cause, d.findingIds.length, d.overchargeFen, d.since, d.confidence])).toEqual(
      [['provider_rate_change', 3, 90, '2026-10-09', 'high']],
    );
    expect(spread[0]?.evidence[0]).toBe('自 2026-10-09 起，贷记卡费率由 0.60% 变为 0.63%');
    expect(spread[0]?.evidence[1]).toBe('此后 3 笔交易多扣 ¥0.90，2026-10-09 至 2026-10-11');
    expect(spread[0]?.remedies).toEqual(['contact_service', 'reconcile_regularly']);

    // The same change only on T1 while T2 and T3 charged the contract on credit card sales then: T1's parameters.
    const journal = ['T2', 'T3'].map(
      (t) =>
        ({
          merchantId: M,
          terminalId: t,
          status: 'success',
          type: 'sale',
          channel: 'card',
          card: 'credit',
          time: '2026-10-09T15:00:00+08:00',
          amountFen: 50_000,
        }) as PosRecord,
    );
    const one = diagnose(report([fee('T1', '2026-10-09', 30), fee('T1', '2026-10-10', 30)], [change]), {
      terminal: journal,
    });
    expect(one.map((d) => [d.cause, d.terminalIds])).toEqual([['terminal_setting_error', ['T1']]]);
  });

  it('a promo rate jumping to a standard one is a promo expiry; a plan period ending the day before says so for sure', () => {
    const change = rateChange({
      channel: 'wechat',
      card: 'unknown',
      date: '2026-10-13',
      beforeRate: '0.38%',
      afterRate: '0.68%',
      transactions: 1,
    });
    const f = finding('fee_overcharge', {
      terminalId: 'T1',
      time: '2026-10-13T12:00:00+08:00',
      channel: 'wechat',
      card: 'unknown',
      amountFen: 10_000,
      overchargeFen: 30,
      lossFen: 30,
    });
    const [d] = diagnose(report([f], [change]));
    expect([d?.cause, d?.confidence, d?.title]).toEqual([
      'promo_expiry',
      'medium',
      '微信优惠费率到期：0.38% → 0.68%',
    ]);
  });

  it('a change of the cap or the fixed add-on alone is named for what changed, not as the same rate twice', () => {
    const base = rateChange({
      channel: 'card',
      card: 'debit',
      date: '2026-09-26',
      beforeRate: '0.55%',
      afterRate: '0.55%',
      transactions: 2,
      noticeHonoured: false,
    });
    // ¥8,000.00 × 0.55% = ¥44.00 charged against the ¥20.00 cap: ¥24.00 over; on two terminals.
    const capped = (terminalId: string, day: string) =>
      finding('fee_overcharge', {
        terminalId,
        time: `${day}T11:00:00+08:00`,
        channel: 'card',
        card: 'debit',
        amountFen: 800_000,
        overchargeFen: 2400,
        lossFen: 2400,
      });
    const fs = () => [capped('T1', '2026-09-26'), capped('T2', '2026-09-27')];
    const [cap] = diagnose(report(fs(), [{ ...base, beforeCapFen: 2000 }]));
    expect([cap?.cause, cap?.title, cap?.titleEn]).toEqual([
      'provider_rate_change',
      '收单机构/代理商调价：借记卡封顶 ¥20.00 → 无封顶',
      'Provider or agent price change: debit card cap ¥20.00 → none',
    ]);
    expect(cap?.evidence[0]).toBe('自 2026-09-26 起，借记卡封顶由 ¥20.00 变为无封顶');
    expect(cap?.evidenceEn[0]).toBe('From 2026-09-26, for debit card the cap went from ¥20.00 to none');

    const [raised] = diagnose(report(fs(), [{ ...base, beforeCapFen: 2000, afterCapFen: 2500 }]));
    expect(raised?.title).toBe('收单机构/代理商调价：借记卡封顶 ¥20.00 → ¥25.00');
    expect(raised?.evidence[0]).toBe('自 2026-09-26 起，借记卡封顶由 ¥20.00 变为 ¥25.00');

    const [both] = diagnose(
      report(fs(), [{ ...base, afterRate: '0.60%', afterFixedFen: 300, beforeCapFen: 2000 }]),
    );
    expect([both?.title, both?.titleEn]).toEqual([
      '收单机构/代理商调价：借记卡每笔加收 ¥3.00，0.55% → 0.60%，封顶 ¥20.00 → 无封顶',
      'Provider or agent price change: debit card +¥3.00 per sale, 0.55% → 0.60%, cap ¥20.00 → none',
    ]);
    expect(both?.evidence[0]).toBe(
      '自 2026-09-26 起，借记卡每笔固定费用由 ¥0.00 变为 ¥3.00，费率由 0.55% 变为 0.60%，封顶由 ¥20.00 变为无封顶',
    );
    expect(both?.evidenceEn[0]).toBe(
      'From 2026-09-26, for debit card the fixed fee per sale went from ¥0.00 to ¥3.00, the rate from 0.55% to 0.60%, the cap from ¥20.00 to none',
    );

    const [cut] = diagnose(report(fs(), [{ ...base, beforeFixedFen: 300 }]));
    expect([cut?.title, cut?.titleEn]).toEqual([
      '收单机构/代理商调价：借记卡每笔固定费用 ¥3.00 → ¥0.00',
      'Provider or agent price change: debit card fixed fee per sale ¥3.00 → ¥0.00',
    ]);
  });

  it('the same deduction on every payout is a settlement-mode change, even without a telling label; a one-off is unagreed', () => {
    const fees = ['2026-10-08', '2026-10-09', '2026-10-10'].map((d) =>
      finding('unplanned_deduction', {
        settleDate: d,
        time: `${d}T00:30:00+08:00`,
        amountFen: -200,
        lossFen: 200,
        message: `${d} 从结算款中扣除“服务费” ¥2.00；费率方案未约定 ¥2.00`,
      }),
    );
    const once = finding('unplanned_deduction', {
      settleDate: '2026-10-08',
      time: '2026-10-08T00:30:00+08:00',
      amountFen: -9900,
      lossFen: 9900,
      message: '2026-10-08 从结算款中扣除“流量费” ¥99.00；费率方案未约定 ¥99.00',
    });
    const ds = diagnose(report([...fees, once]));
    expect(ds.map((d) => [d.cause, d.lossFen, d.findingIds.length])).toEqual([
      ['unagreed_charge', 9900, 1],
      ['settlement_mode_change', 600, 3],
    ]);
    expect(ds[1]?.evidence[0]).toBe(
      '自 2026-10-08 起至 2026-10-10，3 个结算日的结算款中扣除“服务费”，每次 ¥2.00，合计 ¥6.00',
    );
  });

  it('amount mismatches after a recorded firmware change are a software update; clustered without one, a device fault', () => {
    const devices = parseDevices(
      'merchantId: "898440153991234"\nterminals:\n  - terminalId: "T9"\n    sn: SN1\n    model: A8\n    vendor: 联迪\n    versions:\n      - { from: 2026-06-03, firmware: V1.8.6, app: 3.0.8 }\n      - { from: 2026-10-13, firmware: V1.9.1, app: 3.1.0 }\n',
    );
    if (!devices.ok) throw new Error(devices.en);
    expect(devices.value.terminals[0]?.versions[1]).toEqual({
      from: '2026-10-13',
      firmware: 'V1.9.1',
      app: '3.1.0',
    });
    const mismatch = (t: string, day: string, loss: number) =>
      finding('amount_mismatch', {
        terminalId: t,
        refNo: `m-${t}-${day}`,
        time: `${day}T10:00:00+08:00`,
        amountFen: 1000,
        lossFen: loss,
      });
    const fs = [
      mismatch('T9', '2026-10-13', 1),
      mismatch('T9', '2026-10-14', 2),
      mismatch('T1', '2026-10-02', 300),
      mismatch('T1', '2026-10-05', 100),
    ];
    const ds = diagnose(report(fs), { devices: [devices.value] });
    expect(ds.map((d) => [d.cause, d.terminalIds, d.lossFen])).toEqual([
      ['device_fault', ['T1'], 400],
      ['software_update', ['T9'], 3],
    ]);
    expect(ds[1]?.evidence[0]).toBe(
      '终端 T9（联迪 A8 SN SN1）于 2026-10-13 由 固件 V1.8.6 / 应用 3.0.8 升级为 固件 V1.9.1 / 应用 3.1.0（设备记录）',
    );
    // Without the devices file, T9's errors are clustered too: a device fault.
    expect(diagnose(report(fs)).map((d) => d.cause)).toEqual(['device_fault', 'device_fault']);
  });

  it('reads declined sales above a limit as a bank limit change', () => {
    const sale = (day: string, amountFen: number, status: 'success' | 'failed') =>
      ({
        merchantId: M,
        terminalId: 'T1',
        type: 'sale',
        status,
        cardNo: '625809******4060',
        amountFen,
        time: `${day}T10:00:00+08:00`,
      }) as PosRecord;
    const journal = [
      sale('2026-10-01', 300_000, 'success'),
      sale('2026-10-10', 250_000, 'failed'),
      sale('2026-10-11', 220_000, 'failed'),
      sale('2026-10-12', 150_000, 'success'),
    ];
    const [d] = diagnose(report([]), { terminal: journal });
    expect([d?.cause, d?.since, d?.findingIds]).toEqual(['bank_limit_change', '2026-10-10', []]);
    expect(d?.evidence[0]).toBe(
      '自 2026-10-10 起，卡号 625809******4060 有 2 笔 ¥2,200.00 及以上的交易被拒，合计 ¥4,700.00；此前 1 笔同等金额的交易成功，之后 ¥1,500.00 以下的交易仍然成功',
    );
  });

  it('attaches nothing when there is nothing to explain, and every cause’s remedies include contacting customer service', () => {
    const r = attachDiagnoses(report([]));
    expect('diagnoses' in r).toBe(false);
    for (const steps of Object.values(REMEDIES_BY_CAUSE)) expect(steps).toContain('contact_service');
  });

  it('rejects a devices file without terminals', () => {
    const bad = parseDevices('foo: 1\n');
    expect(bad.ok).toBe(false);
  });
});
