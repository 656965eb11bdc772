import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { openDatabase } from '../../src/storage/database.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { cliMerchantForTests } from './merchant-harness.js';

const shop = cliMerchantForTests('posguard-case-review-', 'en');
const { cli } = shop;

interface Shown {
  id: number;
  state: string;
  amountClaimedFen: number;
  amountRecoveredFen: number;
}

async function open(title: string, ...extra: string[]): Promise<Shown> {
  const r = await cli('case', 'open', '--title', title, '--format', 'json', ...extra);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Shown;
}

describe('posguard case money and duplicates', () => {
  it('adds partial refunds up, and refuses "refunded" with nothing recovered', async () => {
    const c = await open('分笔退款', '--claimed', '¥1,234.56');
    const id = String(c.id);
    expect((await cli('case', 'move', id, 'contacted', '--note', '已致电')).exitCode).toBe(0);
    const empty = await cli('case', 'move', id, 'refunded', '--note', '说退了');
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('--recovered');
    const first = await cli('case', 'move', id, 'promised', '--add-recovered', '1,000', '--note', '先退一千');
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await cli(
      'case',
      'move',
      id,
      'refunded',
      '--add-recovered',
      '234.56',
      '--note',
      '余款到账',
      '--format',
      'json',
    );
    expect(second.exitCode, second.stderr).toBe(0);
    // 1,000.00 元 + 234.56 元 = 1,234.56 元 = 123,456 分, the whole claim.
    expect(JSON.parse(second.stdout)).toMatchObject({ state: 'refunded', amountRecoveredFen: 123_456 });
    const both = await cli(
      'case',
      'move',
      id,
      'refunded',
      '--recovered',
      '1',
      '--add-recovered',
      '1',
      '--note',
      'x',
    );
    expect(both.exitCode).toBe(2);
    const subFen = await cli('case', 'move', id, 'refunded', '--add-recovered', '0.001', '--note', 'x');
    expect(subFen.exitCode).toBe(2);
    expect(subFen.stderr).toContain('--add-recovered');
  });

  it('prints note, move and attach results as JSON when asked', async () => {
    const c = await open('JSON');
    const id = String(c.id);
    const noted = await cli('case', 'note', id, '备注', '--format', 'json');
    expect(noted.exitCode, noted.stderr).toBe(0);
    expect(JSON.parse(noted.stdout)).toMatchObject({ id: c.id, notes: [{ text: '备注' }] });
    writeFileSync(join(shop.dir, 'a.txt'), 'x');
    const attached = await cli('case', 'attach', id, 'a.txt', '--format', 'json');
    expect(attached.exitCode, attached.stderr).toBe(0);
    expect(JSON.parse(attached.stdout)).toMatchObject({ attachments: [{ name: 'a.txt', size: 1 }] });
  });

  it('runs every example of posguard case --help as written', async () => {
    for (const lang of ['zh', 'en']) {
      const help = await runCli(['case', '--help', '--lang', lang], { cwd: shop.dir });
      const examples = help.stdout
        .split('\n')
        .filter((l) => l.startsWith('  posguard case '))
        .map((l) => [...l.trim().matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '').slice(1));
      expect(examples.length).toBeGreaterThan(5);
      // The examples speak of merchant 1 and case 3: on a fresh merchant, case 3 is the case its `open` made.
      const fresh = await freshMerchant();
      writeFileSync(join(shop.dir, 'evidence.zip'), 'PK');
      let opened = '';
      for (const args of examples) {
        const real = args.map((a, i) => (args[i - 1] === '--merchant' ? fresh : a === '3' ? opened : a));
        const r = await runCli([...real, '--db', shop.db], { cwd: shop.dir });
        if (args[1] === 'open') opened = /#(\d+)/.exec(r.stdout)?.[1] ?? '';
        // `list --idle` exits 1 only when something is idle; nothing is here.
        expect(r.exitCode, `${lang}: ${args.join(' ')}\n${r.stderr}`).toBe(0);
      }
    }
  });
});

async function freshMerchant(): Promise<string> {
  const storage = openDatabase({ dialect: 'sqlite', file: shop.db });
  try {
    const owner = await storage.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'owner@example.com')
      .executeTakeFirstOrThrow();
    return String(
      (await createMerchant(storage.db, owner.id, { name: '样例', at: '2026-10-01T04:00:00.000Z' })).id,
    );
  } finally {
    await storage.close();
  }
}
