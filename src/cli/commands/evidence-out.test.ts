import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unzip, zipOf } from '../../../test/explain/explain-fixtures.js';
import { CliError } from '../errors.js';
import { runCli } from '../program.js';
import { makeOutDirs } from '../out-path.js';
import { evidenceOut } from './evidence-out.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-evidence-out-'));
  dirs.push(dir);
  return dir;
};

/** The CliError `f` throws, zh and en. */
const refusal = (f: () => unknown): { zh: string; en: string } => {
  try {
    f();
  } catch (error) {
    if (error instanceof CliError) return { zh: error.zh, en: error.message };
    throw error;
  }
  throw new Error('not refused');
};

/**
 * Makes a folder unwritable even for root (who ignores modes): `chattr +i` there, mode 0500 otherwise. Returns
 * how to undo it, or undefined where neither works.
 */
function unwritable(dir: string): (() => void) | undefined {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o500);
    return () => chmodSync(dir, 0o700);
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
}

describe('evidenceOut', () => {
  it('takes a missing path not named .zip as a folder to create, parents and all', () => {
    const cwd = tmp();
    const out = evidenceOut(cwd, join('packs', '2026-11'));
    expect(out).toEqual({
      shown: join('packs', '2026-11', 'posguard-evidence.zip'),
      abs: join(cwd, 'packs', '2026-11', 'posguard-evidence.zip'),
      mkdir: join(cwd, 'packs', '2026-11'),
    });
    makeOutDirs(out);
    expect(existsSync(join(cwd, 'packs', '2026-11'))).toBe(true);
  });

  it('writes into an existing folder, or one given with a trailing slash', () => {
    const cwd = tmp();
    mkdirSync(join(cwd, 'here'));
    expect(evidenceOut(cwd, 'here')).toEqual({
      shown: join('here', 'posguard-evidence.zip'),
      abs: join(cwd, 'here', 'posguard-evidence.zip'),
    });
    expect(evidenceOut(cwd, 'new.zip/').mkdir).toBe(join(cwd, 'new.zip'));
  });

  it('creates the missing folders of a .zip path, and overwrites an earlier pack', () => {
    const cwd = tmp();
    expect(evidenceOut(cwd, 'a/b/pack.zip')).toEqual({
      shown: 'a/b/pack.zip',
      abs: join(cwd, 'a', 'b', 'pack.zip'),
      mkdir: join(cwd, 'a', 'b'),
    });
    writeFileSync(join(cwd, 'old.zip'), 'an earlier pack');
    expect(evidenceOut(cwd, 'old.zip')).toEqual({ shown: 'old.zip', abs: join(cwd, 'old.zip') });
  });

  it('refuses an existing file that is no zip, naming it in zh-CN and English', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    expect(refusal(() => evidenceOut(cwd, 'notes.txt'))).toEqual({
      zh: '--out notes.txt 是已存在的文件，不是目录：证据包请写到一个目录或 .zip 文件',
      en: '--out notes.txt is an existing file, not a directory: write the pack to a directory or a .zip file',
    });
    expect(readFileSync(join(cwd, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a path under a file', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'plan.yaml'), 'x');
    expect(refusal(() => evidenceOut(cwd, 'plan.yaml/packs/p.zip'))).toEqual({
      zh: `无法写入 plan.yaml/packs/p.zip：${join(cwd, 'plan.yaml')} 不是目录`,
      en: `cannot write plan.yaml/packs/p.zip: ${join(cwd, 'plan.yaml')} is not a directory`,
    });
  });

  it('refuses a folder that cannot be written, naming it', (ctx) => {
    const cwd = tmp();
    const locked = join(cwd, 'locked');
    mkdirSync(locked);
    const undo = unwritable(locked);
    if (undo === undefined) return ctx.skip();
    try {
      const { zh, en } = refusal(() => evidenceOut(cwd, 'locked/sub/'));
      expect(zh).toMatch(
        new RegExp(`^无法写入 locked/sub/posguard-evidence\\.zip：${locked} 没有写入权限（E[A-Z]+）$`),
      );
      expect(en).toMatch(
        new RegExp(
          `^cannot write locked/sub/posguard-evidence\\.zip: ${locked} is not writable \\(E[A-Z]+\\)$`,
        ),
      );
    } finally {
      undo();
    }
  });
});

describe('posguard evidence --out', () => {
  const M = '822000000000009';
  /** A statement of three ¥1,000.00 credit sales at 0.60% and a plan of 0.60%: nothing found. */
  const folder = () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'settlement.csv'),
      [
        '交易时间,结算日期,商户号,终端号,凭证号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
        `2026-10-12 09:05:00,2026-10-13,${M},10000001,000101,628500000101,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
        `2026-10-13 09:05:00,2026-10-14,${M},10000001,000102,628500000102,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
        `2026-10-14 09:05:00,2026-10-15,${M},10000001,000103,628500000103,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'plan.yaml'),
      `merchantId: "${M}"\nperiods:\n  - from: 2026-09-01\n    rates:\n      - { card: credit, rate: 0.60% }\n`,
    );
    return dir;
  };
  const evidence = (cwd: string, out: string, lang: string[] = []) =>
    runCli(
      [
        ...lang,
        'evidence',
        '--settlement',
        'settlement.csv',
        '--plan',
        'plan.yaml',
        '--date',
        '2026-11-01',
        '--out',
        out,
      ],
      {
        cwd,
      },
    );

  it('creates a missing folder and its parents and writes the pack into it', async () => {
    const cwd = folder();
    const run = await evidence(cwd, 'packs/2026/11');
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('证据包已写入 packs/2026/11/posguard-evidence.zip');
    const pack = await unzip(readFileSync(join(cwd, 'packs', '2026', '11', 'posguard-evidence.zip')));
    expect(pack.has('report.html')).toBe(true);
  });

  it('creates the missing folders of a .zip path', async () => {
    const cwd = folder();
    const run = await evidence(cwd, 'out/deep/pack.zip');
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    expect((await unzip(readFileSync(join(cwd, 'out', 'deep', 'pack.zip')))).has('manifest.json')).toBe(true);
  });

  it('refuses an existing file, in the user’s language, before auditing', async () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    const zh = await evidence(cwd, 'notes.txt');
    expect([zh.exitCode, zh.stdout]).toEqual([2, '']);
    expect(zh.stderr).toBe(
      'posguard: --out notes.txt 是已存在的文件，不是目录：证据包请写到一个目录或 .zip 文件\n',
    );
    const en = await evidence(cwd, 'notes.txt', ['--lang', 'en']);
    expect(en.stderr).toBe(
      'posguard: --out notes.txt is an existing file, not a directory: write the pack to a directory or a .zip file\n',
    );
    expect(readFileSync(join(cwd, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses to write the pack over one of its inputs, a ZIP of statements', async () => {
    const cwd = folder();
    const zipped = await zipOf('settlement.csv', readFileSync(join(cwd, 'settlement.csv'), 'utf8'));
    writeFileSync(join(cwd, 'settlement.zip'), zipped);
    const run = await runCli(
      [
        'evidence',
        '--settlement',
        'settlement.zip',
        '--plan',
        'plan.yaml',
        '--date',
        '2026-11-01',
        '--out',
        'settlement.zip',
      ],
      { cwd },
    );
    expect([run.exitCode, run.stderr]).toEqual([
      2,
      'posguard: --out settlement.zip 是输入文件 settlement.zip，不能覆盖\n',
    ]);
    expect(readFileSync(join(cwd, 'settlement.zip')).equals(zipped)).toBe(true);
  });
});
