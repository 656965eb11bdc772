import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CardType, Channel } from '../records/vocabulary.js';
import { addDays, dayNumber, weekday } from '../time/shanghai.js';
import { type MerchantHeader, BankWriter, type SettlementWriter, TerminalWriter } from './generic-writers.js';
import { Prng } from './prng.js';
import type { Scenario, ScenarioParams } from './scenarios.js';
import { isSimWorkingDay, nextWorkingDay } from './sim-calendar.js';
import { simFee, simProportionalRefundFee, type SimFormula } from './sim-fee.js';
import { type SimPlan, simPlanRule, simPlanYaml } from './sim-plan.js';
import { seedValue } from './seed-value.js';
import type { SimLine, SimTerminal, SimTxn, TruthFinding } from './sim-types.js';
import { TruthRecorder } from './truth-recorder.js';

/** Everything one merchant's simulation needs. */
export interface MerchantSetup {
  dir: string;
  seed: string;
  index: number;
  merchantId: string;
  merchant: string;
  provider: string;
  providerFullName: string;
  terminals: SimTerminal[];
  start: string;
  days: number;
  perDay: number;
  scenarios: ReadonlySet<Scenario>;
  params: ScenarioParams;
  plan: SimPlan;
  /** Weights of card, nfc, unionpay-qr, wechat, alipay: a WeChat-only provider has only the fourth. */
  channelWeights: readonly number[];
  /** Whether terminal transactions carry a 参考号 (card acquiring does; a WeChat cashier does not). */
  withRefNo: boolean;
  /** Opens the statement writer of the chosen preset. */
  openSettlement(header: MerchantHeader, period: { from: string; to: string }): SettlementWriter;
}

/** What a merchant's run produced. */
export interface MerchantResult {
  merchantId: string;
  terminalRows: number;
  settlementRows: number;
  bankRows: number;
  findings: number;
  overchargeFen: number;
  lossFen: number;
  byKind: Record<string, number>;
  rateChanges: number;
}

const CREDIT_BINS = ['622588', '625809', '622155', '628290', '552534'];
const DEBIT_BINS = ['621226', '622202', '623052', '621700', '622848'];
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOLERANCE_FEN = 1;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Runs one merchant over the window, streaming its files, and writes its truth. */
export function simulateMerchant(setup: MerchantSetup): MerchantResult {
  return new MerchantRun(setup).run();
}

class MerchantRun {
  private readonly base: Prng;
  private readonly natural: Prng;
  private readonly inject: Prng;
  private readonly end: string;
  private readonly coverageEnd: string;
  private readonly coverageStart: string;
  private readonly settleDates: string[];
  private readonly terminalOut: TerminalWriter;
  private readonly settlement: SettlementWriter;
  private readonly bank: BankWriter;
  private readonly truth: TruthRecorder;
  private readonly voucher: number[];
  private refCounter: number;
  private orderCounter = 0;
  private readonly payouts = new Map<string, number>();
  private readonly lateLines = new Map<string, SimLine[]>();
  private readonly refundPool: SimTxn[] = [];
  private balanceFen: number;
  private readonly todo: { what: Scenario | 'natural-pair'; day: number; part?: string }[] = [];
  private depositTaken = false;
  private simFeeTaken = false;
  private readonly shortDates: Map<string, 'short' | 'missing'> = new Map();
  /** Payout days that got no credit at all, judged when the bank export is complete (provePayoutsMissing). */
  private readonly unpaid: { due: string; payout: number }[] = [];
  private readonly regularCard: string;

  constructor(private readonly s: MerchantSetup) {
    const root = new Prng(`${s.seed}:${s.index}`);
    this.base = root.fork('base');
    this.natural = root.fork('natural');
    this.inject = root.fork('inject');
    this.end = addDays(s.start, s.days - 1);
    const header: MerchantHeader = {
      merchantId: s.merchantId,
      merchant: s.merchant,
      providerFullName: s.providerFullName,
      exportedAt: `${addDays(this.end, 1)} 09:00:00`,
    };
    // The statement ends at the last working day of the window; later settlements are pending.
    const dates = new Set<string>();
    for (let d = 0; d < s.days; d++) {
      const due = nextWorkingDay(addDays(s.start, d));
      if (due <= this.end) dates.add(due);
    }
    this.settleDates = [...dates].sort();
    this.coverageStart = this.settleDates[0] ?? this.end;
    this.coverageEnd = this.settleDates.at(-1) ?? s.start;
    this.terminalOut = new TerminalWriter(join(s.dir, 'terminal.csv'), header);
    this.settlement = s.openSettlement(header, { from: this.coverageStart, to: this.coverageEnd });
    this.bank = new BankWriter(join(s.dir, 'bank.csv'), header, `6217****${this.base.digits(4)}`);
    this.truth = new TruthRecorder(join(s.dir, 'truth.json'), s.merchantId);
    this.voucher = s.terminals.map(() => this.base.int(1, 5000));
    this.refCounter = this.base.int(10_000_000, 40_000_000);
    this.balanceFen = this.base.int(500_000, 5_000_000);
    this.regularCard = `${this.base.pick(CREDIT_BINS)}******${this.base.digits(4)}`;
    this.planInjections();
  }

  private has(name: Scenario): boolean {
    return this.s.scenarios.has(name);
  }

  private planInjections(): void {
    const { days, params } = this.s;
    const at = (fraction: number) => Math.min(days - 1, Math.floor(days * fraction));
    this.todo.push({ what: 'natural-pair', day: Math.min(2, days - 1) });
    const spread = (what: Scenario, part?: string) => {
      for (let i = 0; i < params.count; i++) {
        const day = at(0.1 + (0.7 * i) / params.count) + this.inject.int(0, 1);
        this.todo.push(part === undefined ? { what, day } : { what, day, part });
      }
    };
    for (const name of [
      'void-settled',
      'missing-settlement',
      'duplicate-settlement',
      'late-settlement',
    ] as const)
      if (this.has(name)) spread(name);
    if (this.has('network-resubmit')) {
      spread('network-resubmit', 'duplicate');
      spread('network-resubmit', 'reversal');
    }
    if (this.has('bank-payout-short') && this.settleDates.length > 0) {
      // The audit proves a payout missing only when the bank export covers the day's whole window (settleDate + 2
      // working days) and began by then: the export runs from the first day's credit to the last day's, the next
      // working day after each. So the missing day is one whose window ends by the last credit, never the first
      // day; the short day (its credit is there) may be any other.
      const n = this.settleDates.length;
      const bankEnd = nextWorkingDay(this.coverageEnd);
      let missing = Math.floor((2 * n) / 3);
      while (missing >= 1 && nextWorkingDay(this.settleDates[missing] ?? '', 2) > bankEnd) missing -= 1;
      let short = Math.floor(n / 3);
      if (short === missing) short = missing - 1;
      const shortDate = this.settleDates[short];
      const missingDate = missing >= 1 ? this.settleDates[missing] : undefined;
      const faults: [string | undefined, 'short' | 'missing'][] = [
        [shortDate, 'short'],
        [missingDate, 'missing'],
      ];
      faults.sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1));
      for (const [date, fault] of faults) if (date) this.shortDates.set(date, fault);
    }
  }

  run(): MerchantResult {
    const { s } = this;
    for (let d = 0; d < s.days; d++) {
      const date = addDays(s.start, d);
      this.simulateDay(d, date);
      const nextDue = nextWorkingDay(addDays(date, 1));
      for (const due of this.settleDates) {
        if (due < nextDue && this.payouts.has(due)) this.finishSettleDate(due);
      }
    }
    for (const due of [...this.payouts.keys()].sort()) this.finishSettleDate(due);
    this.terminalOut.close();
    this.settlement.close();
    this.bank.close();
    this.provePayoutsMissing();
    this.writeDevices();
    writeFileSync(join(s.dir, 'plan.yaml'), simPlanYaml(s.plan));
    this.truth.write({
      seed: seedValue(s.seed),
      scenarios: [...s.scenarios],
      merchantId: s.merchantId,
      window: { start: s.start, end: this.end, settledFrom: this.coverageStart, settledTo: this.coverageEnd },
      injections: this.injectionNotes(),
    });
    return {
      merchantId: s.merchantId,
      terminalRows: this.terminalOut.rows,
      settlementRows: this.settlement.rows,
      bankRows: this.bank.rows,
      findings: this.truth.findings,
      overchargeFen: this.truth.overchargeFen,
      lossFen: this.truth.lossFen,
      byKind: this.truth.byKind,
      rateChanges: this.truth.rateChanges.length,
    };
  }

  private injectionNotes(): Record<string, unknown>[] {
    const p = this.s.params;
    const notes: Record<string, unknown>[] = [];
    for (const name of this.s.scenarios) {
      const note: Record<string, unknown> = { scenario: name };
      if (name === 'promo-expiry')
        Object.assign(note, { channel: 'wechat', from: p.promoEndsOn, rate: '0.68%' });
      if (name === 'silent-rate-change')
        Object.assign(note, { channel: 'card', card: 'credit', from: p.rateChangeOn, rate: '0.63%' });
      if (name === 'fixed-surcharge')
        Object.assign(note, { channel: 'card', card: 'credit', from: p.surchargeFrom, fixedFen: 300 });
      if (name === 'cap-ignored') Object.assign(note, { card: 'debit', capFen: 2000 });
      if (name === 'd0-forced') Object.assign(note, { from: p.d0From, perPayoutFen: p.d0FeeFen });
      if (name === 'sim-fee') Object.assign(note, { on: p.simFeeOn, amountFen: p.simFeeFen });
      if (name === 'deposit') Object.assign(note, { amountFen: p.depositFen });
      if (name === 'late-settlement') Object.assign(note, { lateByWorkingDays: p.lateByWorkingDays });
      if (name === 'bank-payout-short')
        Object.assign(note, { dates: Object.fromEntries(this.shortDates), shortByFen: p.shortByFen });
      if (name === 'limit-change')
        Object.assign(note, { cardNo: this.regularCard, from: p.limitChangeOn, limitFen: p.limitFen });
      if (name === 'keypad-fault') Object.assign(note, { terminalId: this.s.terminals[0]?.terminalId });
      if (name === 'software-update')
        Object.assign(note, { terminalId: this.s.terminals.at(-1)?.terminalId, from: p.updateOn });
      notes.push(note);
    }
    return notes;
  }

  // ---- the provider's pricing -------------------------------------------------------------------------

  /** The formula the provider actually applies: the contract's, changed by the scenarios in force. */
  private providerFormula(date: string, amountFen: number, channel: Channel, card: CardType) {
    const found = simPlanRule(this.s.plan, amountFen, channel, card);
    if (!found) throw new Error(`no rule for ${channel}/${card}`);
    const p = this.s.params;
    let formula: SimFormula = found.rule.formula;
    if (this.has('promo-expiry') && channel === 'wechat' && date >= p.promoEndsOn)
      formula = { ...formula, ratePpm: 6800 };
    if (channel === 'card' && card === 'credit') {
      if (this.has('silent-rate-change') && date >= p.rateChangeOn) formula = { ...formula, ratePpm: 6300 };
      if (this.has('fixed-surcharge') && date >= p.surchargeFrom)
        formula = { ...formula, fixedFen: formula.fixedFen + 300 };
    }
    if (this.has('cap-ignored') && card === 'debit' && formula.capFen !== undefined) {
      const { capFen: _cap, ...uncapped } = formula;
      formula = uncapped;
    }
    return { formula, band: found.band, planFormula: found.rule.formula };
  }

  private fees(date: string, amountFen: number, channel: Channel, card: CardType) {
    const { formula, band, planFormula } = this.providerFormula(date, amountFen, channel, card);
    return {
      formula,
      band,
      charged: simFee(amountFen, formula, this.s.plan.rounding),
      expected: simFee(amountFen, planFormula, this.s.plan.rounding),
    };
  }

  // ---- one day -------------------------------------------------------------------------------------

  private dayCount(date: string): number {
    const wd = weekday(date);
    let factor = wd === 0 || wd === 6 ? 1.25 : wd === 5 ? 1.1 : 1;
    if (!isSimWorkingDay(date) && wd !== 0 && wd !== 6) factor = 1.3;
    factor *= 0.85 + 0.3 * this.base.next();
    return Math.max(1, Math.round(this.s.perDay * factor));
  }

  private drawAmount(): number {
    const tail = this.base.chance(0.035);
    const median = tail ? 150_000 : 8_000;
    let fen = Math.floor(median * Math.exp((tail ? 0.8 : 0.85) * this.base.normal()));
    fen = Math.min(Math.max(fen, 100), 3_000_000);
    const u = this.base.next();
    if (u < 0.55) fen -= fen % 100;
    else if (u < 0.8) fen -= fen % 10;
    return Math.max(fen, 100);
  }

  private drawSecondOfDay(): number {
    const u = this.base.next();
    let hours: number;
    if (u < 0.35) hours = 8 + 14 * this.base.next();
    else if (u < 0.65) hours = 12.25 + 0.75 * this.base.normal();
    else hours = 18.75 + 1.25 * this.base.normal();
    hours = Math.min(Math.max(hours, 7.5), 22.49);
    return Math.floor(hours * 3600);
  }

  private newTxn(date: string, second: number, terminal: number): SimTxn {
    const t = this.s.terminals[terminal];
    if (!t) throw new Error('terminal index out of range');
    return {
      date,
      terminal,
      terminalId: t.terminalId,
      batchNo: '',
      voucherNo: '',
      refNo: '',
      orderNo: '',
      type: 'sale',
      status: 'success',
      channel: 'card',
      card: 'credit',
      cardNo: '',
      payerId: '',
      amountFen: 0,
      note: '',
      fate: 'normal',
      ...this.clock(date, second),
    };
  }

  private dayBase = { date: '', epochSec: 0 };

  private dayStart(date: string): number {
    if (this.dayBase.date !== date) this.dayBase = { date, epochSec: dayNumber(date) * 86_400 - 8 * 3600 };
    return this.dayBase.epochSec;
  }

  private clock(date: string, second: number): { epochSec: number; wall: string } {
    const h = Math.floor(second / 3600);
    const m = Math.floor((second % 3600) / 60);
    const sec = second % 60;
    return {
      epochSec: this.dayStart(date) + second,
      wall: `${date} ${pad(h)}:${pad(m)}:${pad(sec)}`,
    };
  }

  private secondOf(t: SimTxn): number {
    return t.epochSec - this.dayStart(t.date);
  }

  private drawSale(date: string): SimTxn {
    const weights = this.s.terminals.map((_, i) => 1 / (i + 1.5));
    const txn = this.newTxn(date, this.drawSecondOfDay(), this.base.weighted(weights));
    txn.amountFen = this.drawAmount();
    const channels: Channel[] = ['card', 'nfc', 'unionpay-qr', 'wechat', 'alipay'];
    let channel = channels[this.base.weighted(this.s.channelWeights)] ?? 'card';
    if (txn.amountFen > 100_000 && channel === 'nfc') channel = 'card';
    txn.channel = channel;
    if (channel === 'wechat' || channel === 'alipay') {
      txn.card = 'unknown';
      txn.payerId =
        channel === 'wechat'
          ? this.openId()
          : `1${this.base.pick(['38', '39', '58', '86'])}****${this.base.digits(4)}`;
    } else {
      txn.card = this.base.chance(0.55) ? 'credit' : 'debit';
      const bin = this.base.pick(txn.card === 'credit' ? CREDIT_BINS : DEBIT_BINS);
      const length = txn.card === 'credit' ? 16 : 19;
      txn.cardNo = `${bin}${'*'.repeat(length - 10)}${this.base.digits(4)}`;
    }
    return txn;
  }

  private openId(): string {
    let id = 'o';
    for (let i = 0; i < 27; i++) id += BASE62[this.base.nextUint32() % 62];
    return id;
  }

  /** A sale the faults may be injected into without making the audit's answer ambiguous. */
  private clean(t: SimTxn, lateBy = 0): boolean {
    if (t.type !== 'sale' || t.status !== 'success' || t.fate !== 'normal' || t.paired) return false;
    if (t.statementAmountFen !== undefined || t.embeddedDeductionFen !== undefined) return false;
    if (!this.covered(t.date, lateBy)) return false;
    const f = this.fees(t.date, t.amountFen, t.channel, t.card);
    return f.charged === f.expected;
  }

  /** Whether a sale of this date settles inside the statements (else it is pending). */
  private covered(date: string, lateBy = 0): boolean {
    let due = nextWorkingDay(date);
    if (lateBy > 0) due = nextWorkingDay(due, lateBy);
    return due <= this.coverageEnd;
  }

  private simulateDay(dayIndex: number, date: string): void {
    const sales: SimTxn[] = [];
    const count = this.dayCount(date);
    for (let i = 0; i < count; i++) sales.push(this.drawSale(date));
    sales.sort((a, b) => a.epochSec - b.epochSec);
    const extra: SimTxn[] = [];

    // The limit-change customer: a regular buyer of big tickets on one credit card.
    if (this.has('limit-change') && dayIndex % 2 === 1) {
      const txn = this.newTxn(date, this.inject.int(10 * 3600, 20 * 3600), 0);
      txn.amountFen = this.inject.int(15, 60) * 10_000;
      txn.card = 'credit';
      txn.cardNo = this.regularCard;
      if (date >= this.s.params.limitChangeOn && txn.amountFen > this.s.params.limitFen) {
        txn.status = 'failed';
        txn.fate = 'declined';
        txn.note = '超出卡片限额(61)';
      }
      sales.push(txn);
    }

    // Natural voids and reversals.
    for (const t of sales) {
      if (t.fate !== 'normal' || t.status !== 'success') continue;
      const u = this.natural.next();
      if (u < 0.01) this.cancel(t, 'void', extra);
      else if (u < 0.013) this.cancel(t, 'reversal', extra);
    }

    this.applyInjections(dayIndex, date, sales, extra);
    sales.sort((a, b) => a.epochSec - b.epochSec);
    this.applyAmountFaults(date, sales);
    this.addRefunds(date, sales.length, extra);

    const rows = [...sales, ...extra].sort((a, b) => a.epochSec - b.epochSec);
    this.assignKeys(date, dayIndex, rows);
    for (const t of rows) this.terminalOut.write(t, this.s.merchantId);
    this.detectDuplicates(rows);
    for (const t of rows) this.settle(t);
  }

  private cancel(t: SimTxn, type: 'void' | 'reversal', extra: SimTxn[]): void {
    const second = Math.min(
      this.secondOf(t) + (type === 'void' ? this.natural.int(60, 1800) : this.natural.int(20, 60)),
      86_399,
    );
    const row = this.newTxn(t.date, second, t.terminal);
    Object.assign(row, {
      type,
      channel: t.channel,
      card: t.card,
      cardNo: t.cardNo,
      payerId: t.payerId,
      amountFen: -t.amountFen,
      original: t,
    });
    if (t.fate === 'normal') t.fate = type === 'void' ? 'voided' : 'reversed';
    extra.push(row);
  }

  private applyInjections(dayIndex: number, date: string, sales: SimTxn[], extra: SimTxn[]): void {
    for (let i = 0; i < this.todo.length; i++) {
      const task = this.todo[i];
      if (!task || task.day > dayIndex) continue;
      const lateBy = task.what === 'late-settlement' ? this.s.params.lateByWorkingDays : 0;
      // Scan from a random point for the first fitting sale: cheap even with many sales a day.
      let target: SimTxn | undefined;
      const offset = this.inject.int(0, Math.max(0, sales.length - 1));
      for (let k = 0; k < sales.length && !target; k++) {
        const t = sales[(offset + k) % sales.length];
        if (t && this.clean(t, lateBy) && (task.what !== 'natural-pair' || t.amountFen < 20_000)) target = t;
      }
      if (!target) continue;
      this.todo.splice(i, 1);
      i -= 1;
      switch (task.what) {
        case 'natural-pair':
        case 'network-resubmit': {
          if (task.what === 'network-resubmit' && task.part === 'reversal') {
            this.cancel(target, 'reversal', extra);
            target.fate = 'reversal-settled';
            break;
          }
          const gap = task.what === 'natural-pair' ? this.inject.int(20, 50) : this.inject.int(2, 8);
          const copy = this.newTxn(date, Math.min(this.secondOf(target) + gap, 86_399), target.terminal);
          Object.assign(copy, {
            channel: target.channel,
            card: target.card,
            cardNo: target.cardNo,
            payerId: target.payerId,
            amountFen: target.amountFen,
          });
          target.paired = true;
          copy.paired = true;
          if (task.what === 'network-resubmit') copy.note = '网络超时重发';
          sales.push(copy);
          break;
        }
        case 'void-settled':
          this.cancel(target, 'void', extra);
          target.fate = 'void-settled';
          break;
        case 'missing-settlement':
          target.fate = 'missing';
          break;
        case 'late-settlement':
          target.fate = 'late';
          break;
        case 'duplicate-settlement':
          target.fate = 'duplicate';
          break;
        default:
          break;
      }
    }
  }

  private applyAmountFaults(date: string, sales: SimTxn[]): void {
    const p = this.s.params;
    const last = this.s.terminals.length - 1;
    if (
      !this.has('keypad-fault') &&
      !this.has('software-update') &&
      (!this.has('deposit') || this.depositTaken)
    )
      return;
    for (const t of sales) {
      if (!this.clean(t)) continue;
      let settledAmount: number | undefined;
      if (this.has('keypad-fault') && t.terminal === 0 && this.inject.chance(0.04)) {
        // A sticky key: the neighbouring digit in the yuan units reached the host.
        const step = t.amountFen >= 10_000 ? 1000 : 100;
        const down = this.inject.chance(0.7) || t.amountFen <= step;
        settledAmount = down ? t.amountFen - step : t.amountFen + step;
      } else if (
        this.has('software-update') &&
        t.terminal === last &&
        date >= p.updateOn &&
        t.amountFen % 100 !== 0
      ) {
        // The new firmware truncates the amount to whole yuan before sending it.
        settledAmount = t.amountFen - (t.amountFen % 100);
      }
      if (settledAmount !== undefined) {
        const f = this.fees(date, settledAmount, t.channel, t.card);
        if (f.charged === f.expected) t.statementAmountFen = settledAmount;
      } else if (this.has('deposit') && !this.depositTaken && t.channel === 'card') {
        const f = this.fees(date, t.amountFen, t.channel, t.card);
        if (t.amountFen - f.charged >= p.depositFen + 10_000) {
          t.embeddedDeductionFen = p.depositFen;
          t.note = '首刷扣押金';
          this.depositTaken = true;
        }
      }
    }
  }

  private addRefunds(date: string, count: number, extra: SimTxn[]): void {
    let n = Math.floor(count * 0.01);
    if (this.natural.next() < count * 0.01 - n) n += 1;
    for (let i = 0; i < n && this.refundPool.length > 0; i++) {
      const index = this.natural.int(0, this.refundPool.length - 1);
      const original = this.refundPool[index];
      if (!original) continue;
      this.refundPool.splice(index, 1);
      if (original.date >= date) continue;
      original.refunded = true;
      const full = this.natural.chance(0.5) || original.amountFen < 200;
      const amount = full
        ? original.amountFen
        : Math.max(100, Math.floor((original.amountFen * this.natural.int(10, 90)) / 10_000) * 100);
      const row = this.newTxn(date, this.drawSecondOfDayFrom(this.natural), original.terminal);
      Object.assign(row, {
        type: 'refund',
        channel: original.channel,
        card: original.card,
        cardNo: original.cardNo,
        payerId: original.payerId,
        amountFen: -Math.min(amount, original.amountFen),
        original,
      });
      extra.push(row);
    }
  }

  private drawSecondOfDayFrom(r: Prng): number {
    return r.int(9 * 3600, 21 * 3600);
  }

  private assignKeys(date: string, dayIndex: number, rows: SimTxn[]): void {
    const mmdd = date.slice(5, 7) + date.slice(8, 10);
    for (const t of rows) {
      const counter = ((this.voucher[t.terminal] ?? 0) % 999_999) + 1;
      this.voucher[t.terminal] = counter;
      t.voucherNo = pad(counter, 6);
      t.batchNo = pad((dayIndex % 999_999) + 1, 6);
      if (t.status === 'success' && this.s.withRefNo) {
        this.refCounter = (this.refCounter % 99_999_999) + 1;
        t.refNo = `${mmdd}${pad(this.refCounter, 8)}`;
      }
      if (t.channel === 'wechat' || t.channel === 'alipay' || t.channel === 'unionpay-qr') {
        this.orderCounter += 1;
        t.orderNo = `SO${date.replace(/-/g, '')}-${pad(this.orderCounter, 7)}`;
      }
    }
  }

  /** The audit's rule: same terminal, same payer, same amount within 60 s of the previous such sale. */
  private detectDuplicates(rows: SimTxn[]): void {
    const last = new Map<string, number>();
    for (const t of rows) {
      if (t.type !== 'sale' || t.status !== 'success') continue;
      const payer = t.cardNo || t.payerId;
      if (!payer) continue;
      const key = `${t.terminal}|${payer}|${t.amountFen}`;
      const previous = last.get(key);
      last.set(key, t.epochSec);
      if (previous !== undefined && t.epochSec - previous <= 60) {
        const f: TruthFinding = {
          ...this.keysOf(t),
          kind: 'suspected_duplicate_charge',
          amountFen: t.amountFen,
          overchargeFen: 0,
          lossFen: 0,
        };
        const settleDate = this.settledOn(t);
        if (settleDate !== undefined && this.settlement.hasSettleDates) f.settleDate = settleDate;
        this.truth.add(f);
      }
    }
  }

  private keysOf(t: SimTxn): Omit<TruthFinding, 'amountFen' | 'overchargeFen' | 'lossFen'> {
    const keys: Omit<TruthFinding, 'amountFen' | 'overchargeFen' | 'lossFen'> = {
      kind: '',
      merchantId: this.s.merchantId,
      time: `${t.wall.replace(' ', 'T')}+08:00`,
    };
    if (t.refNo) keys.refNo = t.refNo;
    if (t.orderNo) keys.orderNo = t.orderNo;
    keys.terminalId = t.terminalId;
    return keys;
  }

  /** The settlement date of a sale's statement line, or undefined when it is not (yet) settled. */
  private settledOn(t: SimTxn): string | undefined {
    if (t.status !== 'success') return undefined;
    if (t.type === 'sale' && ['voided', 'reversed', 'missing', 'declined'].includes(t.fate)) return undefined;
    if (t.type === 'void' || t.type === 'reversal') return undefined;
    let due = nextWorkingDay(t.date);
    if (t.fate === 'late') due = nextWorkingDay(due, this.s.params.lateByWorkingDays);
    if (this.settlement.hasSettleDates && due > this.coverageEnd) return undefined;
    return due;
  }

  private settle(t: SimTxn): void {
    if (t.type === 'void' || t.type === 'reversal') return;
    if (t.type === 'refund') {
      this.settleRefund(t);
      return;
    }
    if (t.fate === 'missing') {
      const f = this.fees(t.date, t.amountFen, t.channel, t.card);
      this.truth.add({
        ...this.keysOf(t),
        kind: 'missing_settlement',
        amountFen: t.amountFen,
        expectedFeeFen: f.expected,
        overchargeFen: 0,
        lossFen: t.amountFen - f.expected,
      });
      return;
    }
    const settleDate = this.settledOn(t);
    if (settleDate === undefined) {
      if (t.status === 'success' && t.fate !== 'voided' && t.fate !== 'reversed') this.truth.pending += 1;
      return;
    }
    const amount = t.statementAmountFen ?? t.amountFen;
    const f = this.fees(t.date, amount, t.channel, t.card);
    const line: SimLine = {
      txn: t,
      type: 'sale',
      wall: t.wall,
      settleDate,
      amountFen: amount,
      feeFen: f.charged,
      settledFen: amount - f.charged - (t.embeddedDeductionFen ?? 0),
      ratePpm: f.formula.ratePpm,
      label: '消费',
      note: t.embeddedDeductionFen ? `含押金${t.embeddedDeductionFen / 100}元` : '',
    };
    const special =
      t.fate !== 'normal' || t.statementAmountFen !== undefined || t.embeddedDeductionFen !== undefined;
    const diff = f.charged - f.expected;
    if (!special && diff <= 0) {
      this.truth.observeFee(t.channel, t.card, f.band, t.date, amount, f.formula, f.charged);
      this.emit(line);
      if (!t.paired && !t.refunded) {
        this.refundPool.push(t);
        if (this.refundPool.length > 500) this.refundPool.shift();
      }
      return;
    }
    const base = { ...this.keysOf(t), amountFen: t.amountFen, overchargeFen: 0, lossFen: 0 };
    if (this.settlement.hasSettleDates) base.settleDate = settleDate;
    if (diff > TOLERANCE_FEN) {
      this.truth.add({
        ...base,
        kind: 'fee_overcharge',
        amountFen: amount,
        expectedFeeFen: f.expected,
        chargedFeeFen: f.charged,
        overchargeFen: diff,
        lossFen: diff,
      });
    } else if (diff > 0) this.truth.withinToleranceFen += diff;
    this.truth.observeFee(t.channel, t.card, f.band, t.date, amount, f.formula, f.charged);
    if (t.statementAmountFen !== undefined)
      this.truth.add({
        ...base,
        kind: 'amount_mismatch',
        lossFen: Math.max(0, t.amountFen - t.statementAmountFen),
      });
    if (t.fate === 'void-settled' || t.fate === 'reversal-settled')
      this.truth.add({ ...base, kind: 'void_settled', chargedFeeFen: f.charged, lossFen: f.charged });
    if (t.fate === 'late') this.truth.add({ ...base, kind: 'late_settlement' });
    if (t.fate === 'duplicate') this.truth.add({ ...base, kind: 'duplicate_settlement' });
    if (t.embeddedDeductionFen)
      this.truth.add({ ...base, kind: 'unplanned_deduction', lossFen: t.embeddedDeductionFen });
    this.emit(line);
    if (t.fate === 'duplicate') this.emit({ ...line });
  }

  private settleRefund(t: SimTxn): void {
    const original = t.original;
    const settleDate = this.settledOn(t);
    if (!original || settleDate === undefined) return;
    const refund = -t.amountFen;
    const originalFee = this.fees(original.date, original.amountFen, original.channel, original.card).charged;
    const due = simProportionalRefundFee(originalFee, original.amountFen, refund, this.s.plan.rounding);
    const returned = this.has('refund-fee') ? 0 : due;
    const line: SimLine = {
      txn: t,
      type: 'refund',
      wall: t.wall,
      settleDate,
      amountFen: t.amountFen,
      feeFen: -returned,
      settledFen: t.amountFen + returned,
      ratePpm: this.fees(original.date, original.amountFen, original.channel, original.card).formula.ratePpm,
      label: '退货',
      note: '',
    };
    if (due - returned > TOLERANCE_FEN) {
      const f: TruthFinding = {
        ...this.keysOf(t),
        kind: 'refund_fee_mismatch',
        amountFen: t.amountFen,
        expectedFeeFen: -due,
        chargedFeeFen: -returned,
        overchargeFen: due - returned,
        lossFen: due - returned,
      };
      if (this.settlement.hasSettleDates) f.settleDate = settleDate;
      this.truth.add(f);
    } else if (due - returned > 0) this.truth.withinToleranceFen += due - returned;
    this.emit(line);
  }

  private emit(line: SimLine): void {
    if (line.txn?.fate === 'late' && line.type === 'sale') {
      const list = this.lateLines.get(line.settleDate) ?? [];
      list.push(line);
      this.lateLines.set(line.settleDate, list);
      this.payouts.set(line.settleDate, this.payouts.get(line.settleDate) ?? 0);
      return;
    }
    this.settlement.write(line, this.s.merchantId);
    this.payouts.set(line.settleDate, (this.payouts.get(line.settleDate) ?? 0) + line.settledFen);
  }

  // ---- a settlement day closes: late lines, deductions, the payout and the bank credit ------------------

  private finishSettleDate(due: string): void {
    let payout = this.payouts.get(due) ?? 0;
    this.payouts.delete(due);
    for (const line of this.lateLines.get(due) ?? []) {
      this.settlement.write(line, this.s.merchantId);
      payout += line.settledFen;
    }
    this.lateLines.delete(due);
    if (!this.settlement.hasSettleDates) {
      if (due <= this.coverageEnd) this.credit(due, payout);
      return;
    }
    const p = this.s.params;
    const deductions: { label: string; fen: number; note: string }[] = [];
    if (this.has('d0-forced') && due >= p.d0From)
      deductions.push({ label: '秒到服务费', fen: p.d0FeeFen, note: '秒到服务费' });
    if (this.has('sim-fee') && !this.simFeeTaken && due >= p.simFeeOn) {
      deductions.push({ label: '流量费', fen: p.simFeeFen, note: '流量费' });
      this.simFeeTaken = true;
    }
    for (const d of deductions) {
      const line: SimLine = {
        type: 'deduction',
        wall: `${due} 00:30:00`,
        settleDate: due,
        amountFen: -d.fen,
        feeFen: 0,
        settledFen: -d.fen,
        ratePpm: 0,
        label: d.label,
        note: d.note,
      };
      this.settlement.write(line, this.s.merchantId);
      payout -= d.fen;
      this.truth.add({
        kind: 'unplanned_deduction',
        merchantId: this.s.merchantId,
        time: `${due}T00:30:00+08:00`,
        settleDate: due,
        amountFen: -d.fen,
        overchargeFen: 0,
        lossFen: d.fen,
      });
    }
    this.credit(due, payout);
  }

  private credit(due: string, payout: number): void {
    const day = nextWorkingDay(due);
    // A day that nets to nothing or less (refunds above sales) pays nothing, so nothing can be short.
    const fault = payout > 0 ? this.shortDates.get(due) : undefined;
    let credited = payout;
    if (fault === 'short')
      credited =
        payout > this.s.params.shortByFen ? payout - this.s.params.shortByFen : Math.floor(payout / 2);
    if (fault === 'missing') credited = 0;
    if (credited === 0 && payout > 0) {
      // No credit at all: a finding only once the bank export is known to cover the day's window (see run).
      this.unpaid.push({ due, payout });
    } else if (credited !== payout) {
      this.payoutMismatch(due, payout, Math.max(0, payout - credited));
    }
    if (credited > 0) {
      this.balanceFen += credited;
      this.bank.write({
        date: day,
        clock: `0${this.base.int(7, 9)}:${pad(this.base.int(0, 59))}:${pad(this.base.int(0, 59))}`,
        creditFen: credited,
        debitFen: 0,
        balanceFen: this.balanceFen,
        counterparty: this.s.providerFullName,
        counterpartyAccount: `4100****${this.base.digits(4)}`,
        memo: `${this.s.provider}T1结算款${due}`,
      });
    }
    // Money that is not the provider's: the audit must ignore it.
    if (this.base.chance(0.3)) {
      const amount = this.base.int(50, 3000) * 100;
      const outgoing = this.base.chance(0.5);
      this.balanceFen += outgoing ? -amount : amount;
      this.bank.write({
        date: day,
        clock: `${this.base.int(10, 17)}:${pad(this.base.int(0, 59))}:${pad(this.base.int(0, 59))}`,
        creditFen: outgoing ? 0 : amount,
        debitFen: outgoing ? amount : 0,
        balanceFen: this.balanceFen,
        counterparty: outgoing
          ? this.base.pick(['某某物业管理有限公司', '城市燃气有限公司', '供货商李某'])
          : this.base.pick(['王某某', '张某某', '个人转账']),
        counterpartyAccount: `6230****${this.base.digits(4)}`,
        memo: outgoing ? this.base.pick(['房租', '燃气费', '货款']) : '转账',
      });
    }
  }

  /**
   * The audit's rule for a payout without any credit: it is missing only if the bank export (its rows' first to
   * last date) began by the settlement day and runs to the end of its window, settleDate + 2 working days. A day
   * whose credit would arrive after the export ends cannot be proved unpaid, so it is no finding in the truth.
   */
  private provePayoutsMissing(): void {
    const { firstDate, lastDate } = this.bank;
    if (firstDate === undefined || lastDate === undefined) return;
    for (const { due, payout } of this.unpaid) {
      if (due < firstDate || nextWorkingDay(due, 2) > lastDate) continue;
      this.payoutMismatch(due, payout, payout);
    }
  }

  /** A payout_mismatch in the truth: `lossFen` of a settlement day's `payout` that the bank never credited. */
  private payoutMismatch(due: string, payout: number, lossFen: number): void {
    this.truth.add({
      kind: 'payout_mismatch',
      merchantId: this.s.merchantId,
      time: `${due}T00:00:00+08:00`,
      settleDate: due,
      amountFen: payout,
      overchargeFen: 0,
      lossFen,
    });
  }

  private writeDevices(): void {
    const lines = [`merchantId: "${this.s.merchantId}"`, 'terminals:'];
    for (const t of this.s.terminals) {
      lines.push(
        `  - terminalId: "${t.terminalId}"`,
        `    sn: ${t.sn}`,
        `    model: ${t.model}`,
        `    vendor: ${t.vendor}`,
        '    versions:',
        ...t.versions.map((v) => `      - { from: ${v.from}, firmware: ${v.firmware}, app: ${v.app} }`),
      );
    }
    writeFileSync(join(this.s.dir, 'devices.yaml'), `${lines.join('\n')}\n`);
  }
}
