import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStoredZip } from '../../test/fixtures/zip-writer.js';
import { importFiles } from './import.js';

// A real Alipay 业务明细 (DOMAIN.md §2.7) writes every field as `value\t,`: one tab more than commas on a line, so
// the delimiter sniffer took tab and read `,商户订单号` cells (no header found). Its footer states the trade and the
// refund rows on separate lines, the refund one as 商家实收退款共-100.00元, which was not read: every bill with a
// refund warned that its totals did not match.

const HEADER = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '商品名称',
  '创建时间',
  '完成时间',
  '门店编号',
  '门店名称',
  '操作员',
  '终端号',
  '对方账户',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '券名称',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
  '分润（元）',
  '备注',
];

// 交易 100.00 (服务费 −0.38) and 2000.00 (−12.00); 退款 of the first, −100.00 with 0.38 returned.
const ROWS = [
  '2026110222001400001,AO001,交易,咖啡,2026-11-02 09:00:00,2026-11-02 09:00:05,,晨光店,,,ab***@163.com,100.00,100.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.38,0.00,',
  '2026110222001400002,AO002,交易,礼盒,2026-11-02 10:00:00,2026-11-02 10:00:05,,晨光店,,,cd***@qq.com,2000.00,2000.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-12.00,0.00,',
  '2026110222001400001,AO001,退款,咖啡,2026-11-02 09:00:00,2026-11-02 16:00:00,,晨光店,,,ab***@163.com,100.00,-100.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,RF001,0.38,0.00,',
].map((r) => r.split(','));

const FOOTER = [
  '#交易合计：2笔，商家实收共2100.00元，商家优惠共0.00元',
  '#退款合计：1笔，商家实收退款共-100.00元，商家优惠退款共0.00元',
];

/** The bill as GBK bytes, CRLF; `tabs` writes each field `value\t,` as the real export does. */
function bill(tabs: boolean, footer: readonly string[] = FOOTER): Buffer {
  const line = (cells: readonly string[]) => (tabs ? cells.map((c) => `${c}\t`).join(',') : cells.join(','));
  const lines = [
    '#支付宝业务明细查询',
    '#账号：[20889999000001]',
    '#起始日期：[2026年11月02日 00:00:00]   终止日期：[2026年11月03日 00:00:00]',
    '#-----------------------------------------业务明细列表----------------------------------------',
    line(HEADER),
    ...ROWS.map(line),
    '#-----------------------------------------业务明细列表结束------------------------------------',
    ...footer,
    '#导出时间：[2026年11月03日 09:12:33]',
  ];
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
}

const dir = mkdtempSync(join(tmpdir(), 'posguard-alipay-tabs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function importBytes(name: string, bytes: Buffer) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return importFiles([{ path }]);
}

/** The three records, by hand: 商家实收 is the amount, 服务费 charged positive, settled = 实收 − 服务费. */
function expectRecords(records: readonly Record<string, unknown>[]): void {
  expect(records).toHaveLength(3);
  const byOrder = (no: string) => records.find((r) => r['orderNo'] === no);
  expect(byOrder('AO001')).toMatchObject({
    type: 'sale',
    channel: 'alipay',
    merchantId: '20889999000001',
    amountFen: 10000,
    feeFen: 38,
    settledFen: 9962,
  });
  expect(byOrder('AO002')).toMatchObject({
    type: 'sale',
    amountFen: 200000,
    feeFen: 1200,
    settledFen: 198800,
  });
  expect(byOrder('RF001')).toMatchObject({
    type: 'refund',
    originalOrderNo: 'AO001',
    amountFen: -10000,
    feeFen: -38,
    settledFen: -9962,
    time: '2026-11-02T16:00:00+08:00',
  });
}

describe('Alipay 业务明细 written value\\t, (tab before every comma)', () => {
  it('is detected as alipay and read to the exact fen, with no warning', async () => {
    const result = await importBytes('20889999000001_20261102_业务明细.csv', bill(true));
    expect(result.files[0]).toMatchObject({ preset: 'alipay', encoding: 'gbk', rows: 3, rejected: [] });
    expect(result.warnings).toEqual([]);
    expectRecords(result.records);
    // 100.00 + 2000.00 − 100.00; fees 0.38 + 12.00 − 0.38.
    expect(result.files[0]?.totals).toMatchObject({ amountFen: 200000, feeFen: 1200, settledFen: 198800 });
  });

  it('is detected from its header alone, under a name that says nothing', async () => {
    const result = await importBytes('export.csv', bill(true));
    expect(result.files[0]).toMatchObject({ preset: 'alipay', rows: 3, rejected: [] });
    expect(result.warnings).toEqual([]);
    expectRecords(result.records);
  });

  it('is read the same inside the .csv.zip', async () => {
    const zip = buildStoredZip([{ name: '20889999000001_20261102_业务明细.csv', data: bill(true) }]);
    const result = await importBytes('20889999000001_20261102.csv.zip', zip);
    expect(result.files).toHaveLength(1);
    expect(result.files[0]).toMatchObject({ preset: 'alipay', encoding: 'gbk', rows: 3, rejected: [] });
    expect(result.warnings).toEqual([]);
    expectRecords(result.records);
  });

  it('still reads a TSV whose text column holds commas as tab separated', async () => {
    const tsv = [
      '交易时间\t终端号\t交易金额\t手续费\t商品名称',
      '2026-11-02 09:00:00\tT001\t100.00\t0.60\t咖啡, 蛋糕',
    ];
    const result = await importBytes('plain.tsv', Buffer.from(`${tsv.join('\n')}\n`));
    expect(result.files[0]).toMatchObject({ rows: 1, rejected: [] });
    expect(result.records[0]).toMatchObject({ terminalId: 'T001', amountFen: 10000, feeFen: 60 });
  });
});

describe('Alipay #交易合计 / #退款合计', () => {
  it('compares 交易合计 with the trade rows and 退款合计 (商家实收退款共) with the refund rows: no warning', async () => {
    const result = await importBytes('notab_业务明细.csv', bill(false));
    expect(result.files[0]).toMatchObject({ preset: 'alipay', rows: 3, rejected: [] });
    expect(result.warnings).toEqual([]);
    expectRecords(result.records);
  });

  it('reads the 商家实收退款共 line: a refund total that disagrees is warned about', async () => {
    const footer = [FOOTER[0] as string, '#退款合计：1笔，商家实收退款共-90.00元，商家优惠退款共0.00元'];
    const result = await importBytes('refund_业务明细.csv', bill(false, footer));
    expect(result.warnings.map((w) => w.code)).toEqual(['totals.mismatch']);
    // Stated 2100.00 − 90.00; read 100.00 + 2000.00 − 100.00.
    expect(result.warnings[0]?.messageEn).toContain('total ¥2,010.00 ≠ ¥2,000.00');
  });

  it('warns when a block disagrees with its rows even though the blocks together agree', async () => {
    // Stated 3 trades of 2000.00 and no refund; read 2 trades of 2100.00 and 1 refund of −100.00: 3 rows and
    // 2000.00 either way, but each block is off.
    const footer = [
      '#交易合计：3笔，商家实收共2000.00元，商家优惠共0.00元',
      '#退款合计：0笔，商家实收退款共0.00元',
    ];
    const result = await importBytes('blocks_业务明细.csv', bill(false, footer));
    expect(result.files[0]).toMatchObject({ rows: 3, rejected: [] });
    expect(result.warnings.map((w) => w.code)).toEqual(['totals.mismatch']);
    const en = result.warnings[0]?.messageEn ?? '';
    expect(en).toContain('blocks_业务明细.csv');
    expect(en).toContain('#交易合计 商家实收 ¥2,000.00 ≠ ¥2,100.00 summed from the trade rows');
    expect(en).toContain('#交易合计 3 trade rows ≠ 2 read');
    expect(en).toContain('#退款合计 商家实收 ¥0.00 ≠ -¥100.00 summed from the refund rows');
    expect(en).toContain('#退款合计 0 refund rows ≠ 1 read');
  });

  it('warns on the whole when the blocks together disagree (a trade row missing)', async () => {
    const footer = ['#交易合计：3笔，商家实收共2150.00元，商家优惠共0.00元', FOOTER[1] as string];
    const result = await importBytes('short_业务明细.csv', bill(false, footer));
    expect(result.warnings.map((w) => w.code)).toEqual(['totals.mismatch']);
    // Stated 2150.00 − 100.00 = 2050.00 in 4 rows; read 2000.00 in 3.
    expect(result.warnings[0]?.messageEn).toContain('total ¥2,050.00 ≠ ¥2,000.00');
    expect(result.warnings[0]?.messageEn).toContain('count 4 ≠ 3 rows read');
  });
});
