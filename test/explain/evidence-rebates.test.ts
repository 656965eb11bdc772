import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { PackManifest } from '../../src/explain/evidence-pack.js';
import { tmpDirs } from '../cli/audit-fixtures.js';
import { pdfText, unzip } from './explain-fixtures.js';

// QA: a deposit taken out of a sale (含押金300元) and given back (押金退还), and a cashback (交易返现) that makes
// good no loss. The pack said only 合计损失, its letter called everything returned 手续费返还, and the manifest had
// neither what came back nor what is owed.
const M = '822600000000004';
const STATEMENT = iconv.encode(
  [
    '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注',
    // 1000.00 × 0.60 % = 6.00 due, 6.30 taken: 30 fen over.
    `2026-10-12 09:00:00,2026-10-13,${M},10000090,340000000001,贷记卡,刷卡,消费,1000.00,6.30,993.70,`,
    // 6.00 due and taken; 994.00 owed, 694.00 paid: 300.00 short, the deposit.
    `2026-10-12 10:00:00,2026-10-13,${M},10000090,340000000002,贷记卡,刷卡,消费,1000.00,6.00,694.00,含押金300元`,
    `2026-10-20 00:01:00,2026-10-20,${M},,,,,押金退还,300.00,0.00,300.00,`,
    `2026-10-20 00:02:00,2026-10-20,${M},,,,,交易返现,50.00,0.00,50.00,`,
  ].join('\r\n'),
  'gbk',
);
const PLAN = [
  `merchantId: "${M}"`,
  'provider: 某某支付',
  'rounding: half-up',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '',
].join('\n');

const tmp = tmpDirs('posguard-evidence-rebates-');

describe('posguard evidence of a merchant given back a deposit and a cashback', () => {
  it('says what came back, the part set against the loss and what is owed, in stdout, manifest, PDF, HTML and letter', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'settlement.csv'), STATEMENT);
    writeFileSync(join(dir, 'plan.yaml'), PLAN);
    const run = await runCli(['evidence', '.', '--out', 'pack.zip', '--date', '2026-11-01'], {
      cwd: dir,
      env: {},
    });
    expect(run.stderr).toBe('');
    // Lost: 0.30 + 300.00 = 300.30. Given back: 300.00 + 50.00 = 350.00, of which the deposit's 300.00 makes good
    // the deposit taken; the cashback makes good nothing. Owed: 300.30 − 300.00 = 0.30.
    expect(run.stdout).toContain(
      '合计损失 ¥300.30；服务商已返还 ¥350.00（返还记录，其中抵扣上述损失 ¥300.00），仍欠 ¥0.30',
    );
    const pack = await unzip(readFileSync(join(dir, 'pack.zip')));
    const manifest = JSON.parse(pack.get('manifest.json')?.toString('utf8') ?? '{}') as PackManifest;
    expect(manifest.summary).toEqual({
      overchargeFen: 30,
      lossFen: 30 + 30000,
      findings: 2,
      returnedFen: 30000 + 5000,
      offsetFen: 30000,
      owedFen: 30,
    });
    const pdf = pdfText(pack.get('report.pdf') ?? Buffer.alloc(0), dir);
    expect(pdf).toContain('合计损失：¥300.30');
    expect(pdf).toContain('服务商已返还：¥350.00（其中抵扣损失¥300.00）');
    expect(pdf).toContain('仍欠：¥0.30');
    const html = pack.get('report.html')?.toString('utf8') ?? '';
    expect(html).toContain('<div class="value">¥350.00</div><div class="label">服务商已返还</div>');
    expect(html).toContain('<div class="value">¥300.00</div><div class="label">其中抵扣损失</div>');
    expect(html).toContain('<div class="value">¥0.30</div><div class="label">仍欠</div>');
    const letter = pack.get('complaint-letter.txt')?.toString('utf8') ?? '';
    expect(letter).toContain('其中贵司已在结算中返还 ¥300.00（见结算单中的返还记录），尚欠 ¥0.30。');
    expect(letter).not.toContain('手续费返还等');
  });

  it('says it in English with --lang en', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'settlement.csv'), STATEMENT);
    writeFileSync(join(dir, 'plan.yaml'), PLAN);
    const run = await runCli(['evidence', '.', '--lang', 'en', '--out', 'pack.zip', '--date', '2026-11-01'], {
      cwd: dir,
      env: {},
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(
      'total loss ¥300.30; the provider gave back ¥350.00 (rebate lines, ¥300.00 of it against this loss), still owed ¥0.30',
    );
    const pack = await unzip(readFileSync(join(dir, 'pack.zip')));
    const pdf = pdfText(pack.get('report.pdf') ?? Buffer.alloc(0), dir);
    expect(pdf).toContain('Givenbackbytheprovider:¥350.00(¥300.00ofitsetagainsttheloss)');
    expect(pdf).toContain('Stillowed:¥0.30');
    expect(pack.get('report.html')?.toString('utf8')).toContain(
      '<div class="value">¥300.00</div><div class="label">of it, set against the loss</div>',
    );
    const letterEn = pack.get('complaint-letter.en.txt')?.toString('utf8') ?? '';
    expect(letterEn).toContain(
      'You have given back ¥300.00 of it on your statements (see their rebate lines); ¥0.30 is still owed.',
    );
  });
});
