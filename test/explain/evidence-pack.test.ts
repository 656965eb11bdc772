import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import type { PackManifest } from '../../src/explain/evidence-pack.js';
import { findCjkFont } from '../../src/explain/render-pdf.js';
import { formatFen } from '../../src/money/fen.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from '../server/sample-data.js';
import { multipartBody, type TestApp, testApp } from '../server/test-app.js';
import {
  evidencePack,
  pdfText,
  simulateCli,
  simulatedMerchantDir,
  unzip,
  zipOf,
} from './explain-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'posguard-evidence-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const squash = (s: string) => s.replace(/\s+/g, '');

describe('posguard evidence', () => {
  let pack: Map<string, Buffer>;
  let manifest: PackManifest;
  let dir: string;
  let report: AuditReport;
  // A 19-digit number passing the Luhn check: the check digit of 622202123456789012 is 8.
  const pan = '6222021234567890128';

  it('writes the pack: report, letter, plan, inputs and a manifest whose hashes match', async () => {
    const out = join(root, 'sim');
    await simulateCli(out, { days: 20, perDay: 20, seed: 4, scenarios: ['silent-rate-change', 'sim-fee'] });
    dir = simulatedMerchantDir(out);
    // A journal with one full card number: it must go in masked.
    const journal = readFileSync(join(dir, 'terminal.csv'), 'utf8');
    const masked = /\d{6}\*+\d{4}/.exec(journal)?.[0] ?? '';
    expect(masked).not.toBe('');
    writeFileSync(join(dir, 'terminal.csv'), journal.replace(masked, pan));

    const zipPath = join(root, 'pack.zip');
    const res = await runCli(['evidence', dir, '--out', zipPath, '--date', '2026-11-01']);
    expect(res.stderr).toBe('');
    expect(res.exitCode).toBe(1);
    expect(res.stdout).toContain('证据包已写入');
    const audited = await runCli(['audit', dir, '--format', 'json']);
    report = JSON.parse(audited.stdout) as AuditReport;

    pack = await unzip(readFileSync(zipPath));
    manifest = JSON.parse(pack.get('manifest.json')?.toString('utf8') ?? '{}') as PackManifest;
    expect([...pack.keys()].sort()).toEqual(
      [
        'complaint-letter.txt',
        'complaint-letter.en.txt',
        'findings.csv',
        'inputs/bank/bank.csv',
        'inputs/settlement/settlement.csv',
        'inputs/terminal/terminal.masked.csv',
        'manifest.json',
        'devices/devices.yaml',
        'plan/plan.yaml',
        'report.html',
        'report.pdf',
      ].sort(),
    );
    // Every entry's hash and size in the manifest are those of the file in the zip.
    for (const e of manifest.entries) {
      const bytes = pack.get(e.name);
      expect(bytes, e.name).toBeDefined();
      expect([e.name, sha(bytes ?? Buffer.alloc(0)), bytes?.length]).toEqual([e.name, e.sha256, e.size]);
    }
    expect(manifest.entries.map((e) => e.name).sort()).toEqual(
      [...pack.keys()].filter((n) => n !== 'manifest.json').sort(),
    );
    // Inputs without a card number: byte for byte, with the original's hash and size.
    for (const name of ['settlement.csv', 'bank.csv', 'plan.yaml', 'devices.yaml']) {
      const original = readFileSync(join(dir, name));
      const input = manifest.inputs.find((i) => i.file.endsWith(name));
      expect(input?.masked).toBe(false);
      expect(input?.sha256).toBe(sha(original));
      expect(input?.size).toBe(original.length);
      expect(pack.get(input?.entry ?? '')?.equals(original)).toBe(true);
    }
    expect(manifest.summary.lossFen).toBe(report.summary.lossFen);
  });

  it('masks an input with a full card number and records both hashes', () => {
    const original = readFileSync(join(dir, 'terminal.csv'));
    const input = manifest.inputs.find((i) => i.file.endsWith('terminal.csv'));
    expect(input?.masked).toBe(true);
    expect(input?.sha256).toBe(sha(original));
    const copy = pack.get('inputs/terminal/terminal.masked.csv') ?? Buffer.alloc(0);
    expect(input?.maskedSha256).toBe(sha(copy));
    expect(input?.maskedSize).toBe(copy.length);
    const text = copy.toString('utf8');
    expect(text).not.toContain(pan);
    expect(text).toContain('622202*********0128');
    // Nothing else changed: the copy is the original with that one number masked.
    expect(text).toBe(original.toString('utf8').replace(pan, '622202*********0128'));
    for (const bytes of pack.values()) expect(bytes.toString('utf8')).not.toContain(pan);
  });

  it('writes a complaint letter with the contract and charged rates, dates, transactions, total, deadline and escalation', () => {
    const letter = pack.get('complaint-letter.txt')?.toString('utf8') ?? '';
    const plan = readFileSync(join(dir, 'plan.yaml'), 'utf8');
    const merchantName = /^merchant: (.+)$/m.exec(plan)?.[1] ?? '';
    const provider = /^provider: (.+)$/m.exec(plan)?.[1] ?? '';
    const change = report.rateChanges[0];
    expect(change?.afterRate).toBe('0.63%');
    expect(letter).toContain(`致 ${provider} 客户服务部：`);
    expect(letter).toContain(`商户“${merchantName}”（商户号 ${report.merchants[0]?.merchantId}）`);
    expect(letter).toContain('贷记卡 0.60%');
    // Against the contract (合同 → 实收), not the provider's own before → after.
    expect(letter).toContain(`${change?.date} 起 贷记卡：合同 0.60% → 实收 0.63%`);
    const losing = report.findings.filter((f) => f.lossFen > 0);
    expect(letter).toContain(`共 ${losing.length} 笔交易/款项与合同不符`);
    expect(letter).toContain(`合计损失 ${formatFen(report.summary.lossFen)}`);
    expect(letter).toContain(
      `于 2026-11-16 前将多扣及少结的款项共计 ${formatFen(report.summary.lossFen)} 退还`,
    );
    expect(letter).toContain('12363');
    expect(letter).toContain('95516');
    const top = [...losing].sort((a, b) => b.lossFen - a.lossFen)[0];
    expect(top?.lossFen).toBe(9900); // the 99 元 SIM fee is the largest single loss
    expect(letter).toContain(`结算日 ${top?.settleDate}  扣款“流量费”  损失 ¥99.00`);
  });

  it('renders the PDF in Chinese: the letter’s sentences and the totals extract, the CJK font is embedded', () => {
    const pdf = pack.get('report.pdf') ?? Buffer.alloc(0);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf, root);
    const letter = pack.get('complaint-letter.txt')?.toString('utf8') ?? '';
    for (const sentence of [
      '现请求贵司：',
      '一、核实上述交易，书面说明多扣及差错的原因；',
      letter.split('\n')[0] ?? 'x',
    ])
      expect(text).toContain(squash(sentence));
    expect(text).toContain(squash(letter.split('\n').find((l) => l.includes('12363')) ?? 'x'));
    expect(text).toContain(`合计多扣手续费：${formatFen(report.summary.overchargeFen)}`);
    expect(text).toContain(`合计损失：${formatFen(report.summary.lossFen)}`);
    expect(text).toContain('可能原因与处理建议');
    expect(text).toContain(squash(`问题明细（${report.findings.length}）`));
    // The header and the contract a customer-service desk or a regulator needs, dated as the pack (--date).
    expect(text).toContain('报告日期：2026-11-01');
    expect(text).toContain('费率方案');
    expect(text).not.toContain('未注明');
    const path = join(root, 'fonts.pdf');
    writeFileSync(path, pdf);
    const fonts = execFileSync('pdffonts', [path], { encoding: 'utf8' });
    const line = fonts.split('\n').find((l) => l.includes('WenQuanYi'));
    expect(line).toBeDefined();
    expect(line).toMatch(/\byes\s+yes\s+yes\b/); // emb sub uni
  });

  it('fails with exit 2 and names the package when no CJK font is found', async () => {
    const missing = findCjkFont({ POSGUARD_CJK_FONT: join(root, 'nope.ttf') });
    expect(missing.ok).toBe(false);
    const saved = process.env.POSGUARD_CJK_FONT;
    process.env.POSGUARD_CJK_FONT = join(root, 'nope.ttf');
    try {
      const res = await runCli(['evidence', dir, '--out', join(root, 'x.zip')]);
      expect(res.exitCode).toBe(2);
      expect(res.stderr).toContain('POSGUARD_CJK_FONT');
    } finally {
      if (saved === undefined) delete process.env.POSGUARD_CJK_FONT;
      else process.env.POSGUARD_CJK_FONT = saved;
    }
    const none = findCjkFont({ POSGUARD_CJK_FONT: '' });
    // On this machine the Debian font is installed; the message for its absence names the package.
    if (!none.ok) expect(none.zh).toContain('apt-get install fonts-wqy-microhei');
  });
});

describe("posguard evidence with another merchant's plan in the directory", () => {
  // As in examples/: the merchant's own plan in its sub-directory, and beside it a plan for a merchant the
  // statements do not hold. The audit never applies the latter, so the pack must not carry it.
  const OTHER_MERCHANT = '822584053110001';
  const OTHER_PLAN = [
    'merchant: 别家便利店',
    `merchantId: "${OTHER_MERCHANT}"`,
    'periods:',
    '  - from: 2026-01-01',
    '    rates:',
    '      - { channel: [card, nfc, unionpay-qr], rate: 0.99% }',
    '',
  ].join('\n');

  it('packs only the plan the audit used, and lists only it in the manifest', async () => {
    const out = join(root, 'two-plans');
    await simulateCli(out, { days: 10, perDay: 10, seed: 7, scenarios: ['silent-rate-change'] });
    const own = simulatedMerchantDir(out);
    writeFileSync(join(out, 'plan.yaml'), OTHER_PLAN);

    const zipPath = join(root, 'two-plans.zip');
    const res = await runCli(['evidence', out, '--out', zipPath, '--date', '2026-11-01']);
    expect(res.exitCode).toBe(1);
    const pack = await unzip(readFileSync(zipPath));
    const manifest = JSON.parse(pack.get('manifest.json')?.toString('utf8') ?? '{}') as PackManifest;
    expect([...pack.keys()].filter((n) => n.startsWith('plan/'))).toEqual(['plan/plan.yaml']);
    expect(pack.get('plan/plan.yaml')?.equals(readFileSync(join(own, 'plan.yaml')))).toBe(true);
    const planInputs = manifest.inputs.filter((i) => i.kind === 'plan');
    // Named inside the audited folder, never by the merchant's own absolute path.
    expect(planInputs.map((i) => i.file)).toEqual([`${basename(own)}/plan.yaml`]);
    expect(manifest.entries.some((e) => e.name === 'plan/plan-2.yaml')).toBe(false);
    // Nothing in the pack quotes the other merchant's contract.
    for (const [name, bytes] of pack) {
      if (name.endsWith('.pdf') || name.endsWith('.zip')) continue;
      expect(bytes.toString('utf8'), name).not.toContain(OTHER_MERCHANT);
    }
  });
});

describe('GET /api/v1/merchants/:id/evidence.zip', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('gives the owner the pack and another tenant a 404', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    await t.addUser('other@example.com');
    const cookie = await t.login('owner@example.com');
    const other = await t.login('other@example.com');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/merchants',
      headers: { cookie },
      payload: { name: '测试小店', merchantId: '898440153991234' },
    });
    const id = created.json().id as number;
    await t.app.inject({
      method: 'PUT',
      url: `/api/v1/merchants/${id}/plan`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    const csv = settlementCsv(OVERCHARGED);
    const { payload, headers } = multipartBody('settle.csv', csv);
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/statements`,
      headers: { ...headers, cookie },
      payload,
    });
    expect(up.statusCode).toBeLessThan(300);

    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${id}/evidence.zip?date=2026-11-01`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/zip');
    const files = await unzip(res.rawPayload);
    const manifest = JSON.parse(files.get('manifest.json')?.toString('utf8') ?? '{}') as PackManifest;
    for (const e of manifest.entries) expect(sha(files.get(e.name) ?? Buffer.alloc(0))).toBe(e.sha256);
    // The server keeps records, not files: the import is listed with the hash it had.
    expect(manifest.inputs[0]).toMatchObject({
      file: 'settle.csv',
      sha256: sha(Buffer.from(csv)),
      size: Buffer.byteLength(csv),
      entry: null,
    });
    expect(files.get('plan/plan.yaml')?.toString('utf8')).toBe(PLAN_YAML);
    const letter = files.get('complaint-letter.txt')?.toString('utf8') ?? '';
    // Worked by hand: three credit sales of ¥1,000.00 charged ¥6.80 against 0.60% = ¥6.00 → ¥2.40.
    expect(letter).toContain('合计多收手续费 ¥2.40');
    expect(letter).toContain('测试小店');
    expect(pdfText(files.get('report.pdf') ?? Buffer.alloc(0), root)).toContain('合计损失：¥2.40');

    const denied = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${id}/evidence.zip`,
      headers: { cookie: other },
    });
    expect(denied.statusCode).toBe(404);
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/v1/merchants/${id}/evidence.zip` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('buildEvidencePack with archives', () => {
  it('includes a clean zip byte for byte and a masked copy of one holding a full card number, with both hashes', async () => {
    const clean = await zipOf('a.csv', '参考号,卡号\n100000000001,622202*********0128\n');
    const dirty = await zipOf('b.csv', '参考号,卡号\n100000000001,6222021234567890128\n');
    const { files, manifest } = await evidencePack({
      inputs: [
        { name: 'clean.zip', kind: 'settlement', bytes: clean },
        { name: 'dirty.zip', kind: 'settlement', bytes: dirty },
      ],
    });
    expect(files.get('inputs/settlement/clean.zip')?.equals(clean)).toBe(true);
    expect(manifest.inputs[0]).toMatchObject({
      file: 'clean.zip',
      sha256: sha(clean),
      entry: 'inputs/settlement/clean.zip',
    });
    const copy = files.get('inputs/settlement/dirty.masked.zip') ?? Buffer.alloc(0);
    expect(manifest.inputs[1]).toMatchObject({
      file: 'dirty.zip',
      sha256: sha(dirty),
      size: dirty.length,
      entry: 'inputs/settlement/dirty.masked.zip',
      masked: true,
      maskedSha256: sha(copy),
    });
    const inside = await unzip(copy);
    expect(inside.get('b.csv')?.toString('utf8')).toBe('参考号,卡号\n100000000001,622202*********0128\n');
  });
});
