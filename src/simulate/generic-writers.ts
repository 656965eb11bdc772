import { csvCell, FileSink, yuanText } from './file-sink.js';
import type { SimBankLine, SimLine, SimTxn } from './sim-types.js';
import { CARD_ZH, CHANNEL_ZH, TYPE_ZH } from './vocab-zh.js';

/** Where a merchant's files go and what to print in their title rows. */
export interface MerchantHeader {
  merchantId: string;
  merchant: string;
  providerFullName: string;
  /** Local date and time the files were "exported". */
  exportedAt: string;
}

export const TERMINAL_HEADER = [
  '交易时间',
  '商户号',
  '终端号',
  '批次号',
  '凭证号',
  '参考号',
  '订单号',
  '卡号',
  '卡类型',
  '支付方式',
  '用户标识',
  '交易类型',
  '交易状态',
  '交易金额',
  '原凭证号',
  '原参考号',
  '原订单号',
  '备注',
] as const;

/** terminal.csv: the generic Chinese cashier export — UTF-8 with BOM, a title row and a merchant-info row. */
export class TerminalWriter {
  private readonly sink: FileSink;
  constructor(path: string, header: MerchantHeader) {
    this.sink = new FileSink(path, 'utf-8-bom');
    this.sink.line(`${header.merchant}收银交易流水`);
    this.sink.line(
      csvCell(`商户号：${header.merchantId}  商户名称：${header.merchant}  导出时间：${header.exportedAt}`),
    );
    this.sink.line(TERMINAL_HEADER.join(','));
  }

  get rows(): number {
    return this.sink.rows;
  }

  write(t: SimTxn, merchantId: string): void {
    // Only the free-text cell can hold a comma; ids, amounts and vocabulary never do.
    this.sink.row(
      `${t.wall},${merchantId},${t.terminalId},${t.batchNo},${t.voucherNo},${t.refNo},${t.orderNo},${t.cardNo},` +
        `${CARD_ZH[t.card]},${CHANNEL_ZH[t.channel]},${t.payerId},${TYPE_ZH[t.type]},` +
        `${t.status === 'success' ? '成功' : '失败'},${yuanText(t.amountFen)},${t.original?.voucherNo ?? ''},` +
        `${t.original?.refNo ?? ''},${t.original?.orderNo ?? ''},${t.note ? csvCell(t.note) : ''}`,
    );
  }

  close(): void {
    this.sink.close();
  }
}

/** How a preset's statement file is written; the simulator feeds it lines in settlement order. */
export interface SettlementWriter {
  /** Whether the layout carries a settlement date per line (payout and late checks need one). */
  readonly hasSettleDates: boolean;
  readonly rows: number;
  write(line: SimLine, merchantId: string): void;
  close(): void;
}

export const GENERIC_SETTLEMENT_HEADER = [
  '交易时间',
  '结算日期',
  '商户号',
  '终端号',
  '批次号',
  '凭证号',
  '参考号',
  '订单号',
  '卡号',
  '卡类型',
  '支付方式',
  '交易类型',
  '交易金额',
  '手续费',
  '结算金额',
  '费率',
  '备注',
] as const;

/** settlement.csv (`generic`): GBK, title and period rows, deduction lines, and a 合计 row at the bottom. */
export class GenericSettlementWriter implements SettlementWriter {
  readonly hasSettleDates = true;
  private readonly sink: FileSink;
  private amount = 0;
  private fee = 0;
  private settled = 0;

  constructor(path: string, header: MerchantHeader, period: { from: string; to: string }) {
    this.sink = new FileSink(path, 'gbk');
    this.sink.line(`${header.providerFullName}商户结算明细`);
    this.sink.line(
      csvCell(
        `商户号：${header.merchantId}  商户名称：${header.merchant}  结算日期：${period.from} 至 ${period.to}`,
      ),
    );
    this.sink.line(GENERIC_SETTLEMENT_HEADER.join(','));
  }

  get rows(): number {
    return this.sink.rows;
  }

  write(line: SimLine, merchantId: string): void {
    const t = line.txn;
    this.amount += line.amountFen;
    this.fee += line.feeFen;
    this.settled += line.settledFen;
    const type = line.type === 'deduction' ? csvCell(line.label) : line.type === 'refund' ? '退货' : '消费';
    const card = t ? `${t.cardNo},${CARD_ZH[t.card]},${CHANNEL_ZH[t.channel]}` : ',,';
    this.sink.row(
      `${line.wall},${line.settleDate},${merchantId},${t?.terminalId ?? ''},${t?.batchNo ?? ''},` +
        `${t?.voucherNo ?? ''},${t?.refNo ?? ''},${t?.orderNo ?? ''},${card},${type},${yuanText(line.amountFen)},` +
        `${yuanText(line.feeFen)},${yuanText(line.settledFen)},${t ? rateText(line.ratePpm) : ''},` +
        `${line.note ? csvCell(line.note) : ''}`,
    );
  }

  close(): void {
    const cells: string[] = GENERIC_SETTLEMENT_HEADER.map(() => '');
    cells[0] = '合计';
    cells[1] = `共${this.sink.rows}笔`;
    cells[12] = yuanText(this.amount);
    cells[13] = yuanText(this.fee);
    cells[14] = yuanText(this.settled);
    this.sink.line(cells.join(','));
    this.sink.close();
  }
}

function rateText(ppm: number): string {
  const whole = Math.floor(ppm / 10_000);
  let fraction = String(ppm % 10_000).padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${whole}.${fraction}%`;
}

export const BANK_HEADER = [
  '交易日期',
  '交易时间',
  '收入金额',
  '支出金额',
  '账户余额',
  '对方户名',
  '对方账号',
  '摘要',
] as const;

/** bank.csv (`bank-generic`): GBK, account rows above the header, credits and debits in separate columns. */
export class BankWriter {
  private readonly sink: FileSink;
  /** The first and last dates of the rows written: the span the audit takes the bank export to cover. */
  firstDate: string | undefined;
  lastDate: string | undefined;
  constructor(path: string, header: MerchantHeader, account: string) {
    this.sink = new FileSink(path, 'gbk');
    this.sink.line('活期账户交易明细');
    this.sink.line(csvCell(`账号：${account}  户名：${header.merchant}  币种：人民币`));
    this.sink.line(BANK_HEADER.join(','));
  }

  get rows(): number {
    return this.sink.rows;
  }

  write(line: SimBankLine): void {
    if (this.firstDate === undefined || line.date < this.firstDate) this.firstDate = line.date;
    if (this.lastDate === undefined || line.date > this.lastDate) this.lastDate = line.date;
    this.sink.row(
      [
        line.date,
        line.clock,
        line.creditFen ? yuanText(line.creditFen) : '',
        line.debitFen ? yuanText(line.debitFen) : '',
        yuanText(line.balanceFen),
        line.counterparty,
        line.counterpartyAccount,
        line.memo,
      ]
        .map(csvCell)
        .join(','),
    );
  }

  close(): void {
    this.sink.close();
  }
}
