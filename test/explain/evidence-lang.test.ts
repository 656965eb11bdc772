import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findingCsvHeader } from '../../src/audit/render-csv.js';
import { runCli } from '../../src/cli/program.js';
import { buildEvidencePack } from '../../src/explain/evidence-pack.js';
import {
  auditReport,
  cjkFont,
  overchargedSale,
  pdfText,
  simulateCli,
  simulatedMerchantDir,
  unzip,
} from './explain-fixtures.js';

// `--lang en` is the language of the whole pack a reader opens (report, findings, PDF), not only of the
// console line; the letter to send stays zh-CN beside its English rendering.

const root = mkdtempSync(join(tmpdir(), 'posguard-evidence-lang-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const squash = (s: string) => s.replace(/\s+/g, '');

// One credit sale of ¥1,000.00 charged 0.63% (¥6.30) against 0.60% (¥6.00): ¥0.30 lost.
const report = () =>
  auditReport([
    overchargedSale({
      id: 'f-lang-1',
      refNo: '000000123456',
      time: '2026-10-12T10:00:00+08:00',
      amountFen: 100_000,
      expectedFeeFen: 600,
      chargedFeeFen: 630,
    }),
  ]);

describe('evidence pack language', () => {
  it('writes report.html, findings.csv and report.pdf in English with lang en, both letters still', async () => {
    const built = await buildEvidencePack({
      report: report(),
      inputs: [],
      font: cjkFont(),
      date: '2026-11-01',
      lang: 'en',
    });
    const files = await unzip(built.zip);
    const html = files.get('report.html')?.toString('utf8') ?? '';
    expect(html).toContain('<title>POS fee audit report</title>');
    expect(html).not.toContain('POS 跳点审计报告');
    const csv = (files.get('findings.csv')?.toString('utf8') ?? '').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).toBe(findingCsvHeader('en').join(','));
    const pdf = pdfText(files.get('report.pdf') ?? Buffer.alloc(0), root);
    expect(pdf).toContain('POSfeeauditreport');
    expect(pdf).toContain(squash('Total loss: ¥0.30'));
    expect(pdf).not.toContain('合计损失');
    expect(files.get('complaint-letter.txt')?.toString('utf8')).toContain('致 ');
    expect(files.get('complaint-letter.en.txt')?.toString('utf8')).toContain('To the customer service');
  });

  it('stays zh-CN by default', async () => {
    const built = await buildEvidencePack({
      report: report(),
      inputs: [],
      font: cjkFont(),
      date: '2026-11-01',
    });
    const files = await unzip(built.zip);
    expect(files.get('report.html')?.toString('utf8')).toContain('<title>POS 跳点审计报告</title>');
    const csv = (files.get('findings.csv')?.toString('utf8') ?? '').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).toBe(findingCsvHeader('zh').join(','));
  });

  it('posguard evidence --lang en writes the English pack', async () => {
    const out = join(root, 'sim');
    await simulateCli(out, { days: 10, perDay: 10, seed: 7, scenarios: ['silent-rate-change'] });
    const zipPath = join(root, 'en.zip');
    // As the help's example writes it: the global --lang right after the command name.
    const res = await runCli([
      'evidence',
      '--lang',
      'en',
      simulatedMerchantDir(out),
      '--out',
      zipPath,
      '--date',
      '2026-11-01',
    ]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain('evidence pack written to');
    const files = await unzip(readFileSync(zipPath));
    expect(files.get('report.html')?.toString('utf8')).toContain('<title>POS fee audit report</title>');
    const csv = (files.get('findings.csv')?.toString('utf8') ?? '').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).toBe(findingCsvHeader('en').join(','));
  });

  it('evidence --help shows --lang and what it does to the pack', async () => {
    const zh = await runCli(['evidence', '--help']);
    expect(zh.stdout).toContain('--lang <lang>');
    expect(zh.stdout).toContain('--lang en（全局选项）');
    const en = await runCli(['evidence', '--help', '--lang', 'en']);
    expect(en.stdout).toContain('--lang <lang>');
    expect(en.stdout).toContain('--lang en (a global option)');
  });
});
