import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { complaintLetter } from '../../src/explain/complaint-letter.js';
import type { PackManifest } from '../../src/explain/evidence-pack.js';
import { formatFen } from '../../src/money/fen.js';
import { simulate } from '../../src/simulate/simulate.js';
import {
  auditReport,
  cjkFont,
  evidencePack,
  overchargedSale,
  pdfLayout,
  pdfText,
  planOf,
  rateChange,
  unzip,
} from './explain-fixtures.js';

// An agent's evidence pack over two merchants: each merchant gets its own complaint letter, with its own name,
// plan, findings and totals — never a letter in one merchant's name asking for the other's money.

let root: string;
let sim: string;
let ids: string[];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'posguard-letters-'));
  sim = join(root, 'sim');
  const result = simulate({
    out: sim,
    merchants: 2,
    terminals: 2,
    days: 20,
    perDay: 15,
    start: '2026-10-01',
    seed: 'posguard-letters',
    scenarios: ['silent-rate-change', 'sim-fee'],
    preset: 'generic',
  });
  ids = result.merchants.map((m) => m.merchantId);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('evidence pack for several merchants', () => {
  it('writes one letter per merchant with that merchant’s name, plan and totals', async () => {
    cjkFont();
    expect(ids).toHaveLength(2);
    const out = join(root, 'pack.zip');
    const run = await runCli(['evidence', '.', '--out', out, '--date', '2026-11-01'], { cwd: sim });
    expect(run.exitCode, run.stderr).toBe(1);
    const pack = await unzip(readFileSync(out));
    const manifest = JSON.parse(pack.get('manifest.json')?.toString('utf8') ?? '{}') as PackManifest;
    const pdf = pdfText(pack.get('report.pdf') ?? Buffer.alloc(0), root);
    let lossSum = 0;
    for (const [i, id] of ids.entries()) {
      const other = ids[1 - i] ?? '';
      const truth = JSON.parse(readFileSync(join(sim, id, 'truth.json'), 'utf8')) as {
        summary: { lossFen: number };
      };
      const plan = readFileSync(join(sim, id, 'plan.yaml'), 'utf8');
      const name = /^merchant: (.+)$/m.exec(plan)?.[1] ?? '';
      const letter = pack.get(`complaint-letter-${id}.txt`)?.toString('utf8') ?? '';
      expect(letter, `complaint-letter-${id}.txt`).toContain(`商户“${name}”（商户号 ${id}）`);
      // The merchant's own loss, as the simulator injected it, is the refund asked for.
      expect(truth.summary.lossFen).toBeGreaterThan(0);
      expect(letter).toContain(`合计损失 ${formatFen(truth.summary.lossFen)}`);
      expect(letter).toContain(`共计 ${formatFen(truth.summary.lossFen)} 退还`);
      expect(letter).not.toContain(other);
      // Each diagnosis is stated once.
      const titles = letter.split('\n').filter((l) => /^ {2}\d+\. /.test(l));
      expect(new Set(titles.map((l) => l.replace(/^ {2}\d+\. /, ''))).size).toBe(titles.length);
      expect(pdf).toContain(`商户“${name}”（商户号${id}）`.replace(/\s+/g, ''));
      expect(manifest.entries.some((e) => e.name === `complaint-letter-${id}.txt`)).toBe(true);
      // The same letter in English, with the same figures.
      const english = pack.get(`complaint-letter-${id}.en.txt`)?.toString('utf8') ?? '';
      expect(english).toContain(`merchant "${name}" (merchant no. ${id})`);
      expect(english).toContain(`${formatFen(truth.summary.lossFen)} lost in all`);
      expect(english).toContain(`refund ${formatFen(truth.summary.lossFen)}`);
      expect(english).toContain('12363');
      expect(english).not.toMatch(/主要问题|现请求贵司|此致/);
      lossSum += truth.summary.lossFen;
    }
    // The letters' totals add up to the pack's.
    expect(manifest.summary.lossFen).toBe(lossSum);
    expect(pack.has('complaint-letter.txt')).toBe(false);
  });
});

describe('complaint letter without losses', () => {
  it('asks for no refund and threatens no escalation when the audit found nothing', async () => {
    const report = auditReport([], [], {
      counts: { terminalRecords: 10, settlementRecords: 10, matched: 10 },
      files: [{ file: 's.csv', sha256: 'x', preset: 'generic', kind: 'settlement', rows: 10 }],
    });
    const letter = complaintLetter(report, { date: '2026-11-01' });
    expect(letter).toContain('未发现');
    expect(letter).not.toContain('退还至本商户');
    expect(letter).not.toContain('12363');
    const { files } = await evidencePack({ report });
    expect(files.get('complaint-letter.txt')?.toString('utf8')).toBe(letter);
  });
});

describe('complaint letter: the contract rate quoted is the one in force when the money was taken', () => {
  it('quotes the promotional rate for findings inside the promotion, not the later standard rate, and no foreseen change as a complaint', () => {
    const plan = planOf(
      [
        'merchant: 测试商户',
        'merchantId: "898440153991234"',
        'provider: 测试支付',
        'periods:',
        '  - { from: 2026-10-01, until: 2026-12-31, rates: [{ channel: card, card: credit, rate: 0.38% }] }',
        '  - { from: 2027-01-01, rates: [{ channel: card, card: credit, rate: 0.60% }] }',
      ].join('\n'),
    );
    // 1,000 元 on 2026-10-15: the promotion's 0.38 % = 380 fen, charged 0.60 % = 600 → 220 over.
    const overcharged = overchargedSale({
      id: 'f1',
      refNo: '101500000001',
      time: '2026-10-15T10:00:00+08:00',
      channel: 'card',
      card: 'credit',
      amountFen: 100_000,
      expectedFeeFen: 380,
      chargedFeeFen: 600,
    });
    // Foreseen by the contract: not a complaint.
    const foreseen = rateChange({
      channel: 'card',
      card: 'credit',
      date: '2027-01-01',
      beforeRate: '0.38%',
      afterRate: '0.60%',
      transactions: 3,
      inPlan: true,
    });
    const report = auditReport([overcharged], [foreseen], {
      counts: { terminalRecords: 1, settlementRecords: 1, matched: 1 },
    });
    const letter = complaintLetter(report, { plans: [plan], date: '2026-11-01' });
    expect(letter).not.toContain('2027-01-01 起 贷记卡');
    // The sale's own gap is stated against the promotion, the rate then in force.
    expect(letter).toContain('贷记卡：合同费率 0.38%，实收 0.60%（1 笔，2026-10-15，多扣 ¥2.20）');
    const contract = letter.slice(letter.indexOf('合同约定的手续费为'), letter.indexOf('经逐笔核对'));
    expect(contract).toContain('0.38%');
    expect(contract).not.toContain('0.60%');
    expect(letter).toContain('共计 ¥2.20 退还');
  });
});

describe('complaint letter: a plan written for another merchant does not name this one', () => {
  it('keeps the report’s merchant number and leaves the plan’s merchant name out', () => {
    const plan = planOf(
      [
        'merchant: 甲商户',
        'merchantId: "898440153990000"',
        'periods: [{ from: 2026-01-01, rates: [{ rate: 0.60% }] }]',
      ].join('\n'),
    );
    const letter = complaintLetter(auditReport(), { plans: [plan], date: '2026-11-01' });
    expect(letter).toContain('商户号 898440153991234');
    expect(letter).not.toContain('甲商户');
    expect(letter).not.toContain('898440153990000');
  });
});

describe('PDF findings table', () => {
  it('prints a WeChat/Alipay order number whole, not cut off with an ellipsis', async () => {
    // A 32-character merchant order number and a 28-digit WeChat transaction number.
    const orderNo = 'WX20261016083538000012345678ABCD';
    // 45.29 元 WeChat: 0.38 % = 17 fen (17.2), charged 31 → 14 over.
    const overcharged = overchargedSale({
      id: 'w1',
      merchantId: '1110363218',
      orderNo,
      time: '2026-10-16T08:35:38+08:00',
      channel: 'wechat',
      card: 'unknown',
      amountFen: 4529,
      expectedFeeFen: 17,
      chargedFeeFen: 31,
    });
    const report = auditReport([overcharged], [], {
      merchantId: '1110363218',
      counts: { terminalRecords: 1, settlementRecords: 1, matched: 1 },
    });
    const { files } = await evidencePack({ report });
    const layout = pdfLayout(files.get('report.pdf') ?? Buffer.alloc(0), root);
    // The table's row shows the order number whole on the row's one line (a wrapped second line would print
    // over the next row), with its amount.
    const row = layout.split('\n').find((l) => l.includes('2026-10-16 08:35'));
    expect(row).toContain(orderNo);
    expect(row).toContain('¥45.29');
  });
});

describe('evidence pack: a spreadsheet holding full card numbers', () => {
  it('is included as a masked copy (the findings’ source rows stay in the pack), with both hashes', async () => {
    const { default: ExcelJS } = await import('exceljs');
    // A 19-digit number passing the Luhn check: the check digit of 622202123456789012 is 8.
    const pan = '6222021234567890128';
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('交易明细');
    sheet.addRow(['交易时间', '参考号', '卡号', '交易金额']);
    sheet.addRow(['2026-10-16 08:35:38', '101600000001', pan, 45.29]);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const { files: pack, manifest } = await evidencePack({
      report: auditReport([], [], { counts: { terminalRecords: 1 } }),
      inputs: [{ name: '收银流水.xlsx', kind: 'terminal', bytes }],
    });
    const input = manifest.inputs[0];
    expect(input).toMatchObject({
      file: '收银流水.xlsx',
      masked: true,
      entry: 'inputs/terminal/收银流水.masked.xlsx',
    });
    const copy = pack.get('inputs/terminal/收银流水.masked.xlsx') ?? Buffer.alloc(0);
    expect(input?.maskedSha256).toBe(createHash('sha256').update(copy).digest('hex'));
    expect(input?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    // The copy opens as a workbook, the row is there with its reference number, the card number is masked.
    const read = new ExcelJS.Workbook();
    await read.xlsx.load(copy as unknown as ArrayBuffer);
    const row = read.getWorksheet('交易明细')?.getRow(2);
    expect(row?.getCell(2).value).toBe('101600000001');
    expect(row?.getCell(3).value).toBe('622202*********0128');
    expect(row?.getCell(4).value).toBe(45.29);
    for (const [, entry] of await unzip(copy)) expect(entry.toString('utf8')).not.toContain(pan);
  });
});
