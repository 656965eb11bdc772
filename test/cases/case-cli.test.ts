import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { cliMerchantForTests } from './merchant-harness.js';

const shop = cliMerchantForTests('posguard-case-cli-');
const { cli } = shop;

describe('posguard case on a database file', () => {
  it('opens, notes, moves, attaches and shows a case, acting as the first owner', async () => {
    const opened = await cli(
      'case',
      'open',
      '--title',
      '9月贷记卡跳点',
      '--claimed',
      '312.50',
      '--provider',
      '乐刷',
      '--note',
      '证据已导出',
      '--format',
      'json',
    );
    expect(opened.exitCode, opened.stderr).toBe(0);
    const c = JSON.parse(opened.stdout) as {
      id: number;
      state: string;
      amountClaimedFen: number;
      findingIds: string[];
    };
    // Linked findings must exist in the merchant's audit: see case-findings.test.ts.
    expect(c).toMatchObject({ state: 'open', amountClaimedFen: 31_250, findingIds: [] });
    const id = String(c.id);
    expect((await cli('case', 'note', id, '客服说三天内回复')).exitCode).toBe(0);
    expect((await cli('case', 'move', id, 'contacted', '--note', '已致电')).exitCode).toBe(0);
    const bad = await cli('case', 'move', id, 'closed', '--note', 'x', '--lang', 'en');
    expect(bad.exitCode).toBe(0);
    const reopen = await cli('case', 'move', id, 'open', '--note', 'again', '--lang', 'en');
    expect(reopen.exitCode).toBe(2);
    expect(reopen.stderr).toContain('cannot move from closed to open');
    const zip = join(shop.dir, 'evidence.zip');
    writeFileSync(zip, Buffer.from('PK\u0003\u0004 evidence'));
    expect((await cli('case', 'attach', id, 'evidence.zip')).exitCode).toBe(0);
    const shown = await cli('case', 'show', id, '--format', 'json');
    const detail = JSON.parse(shown.stdout) as {
      state: string;
      notes: { text: string; userId: number }[];
      attachments: { name: string; sha256: string; size: number }[];
    };
    expect(detail.state).toBe('closed');
    expect(detail.notes.map((n) => n.text)).toEqual(['证据已导出', '客服说三天内回复', '已致电', 'x']);
    expect(detail.attachments).toEqual([
      expect.objectContaining({
        name: 'evidence.zip',
        size: readFileSync(zip).length,
        sha256: createHash('sha256').update(readFileSync(zip)).digest('hex'),
      }),
    ]);
    const table = await cli('case', 'list');
    expect(table.stdout).toContain('9月贷记卡跳点');
    expect(table.stdout).toContain('已结案');
    // A fresh case is not idle today; --days 0 lists it and exits 1 (something to act on).
    await cli('case', 'open', '--title', '流量费', '--claimed', '99');
    expect((await cli('case', 'list', '--idle')).stdout).toContain('没有案件');
    const idle = await cli('case', 'list', '--idle', '--days', '0', '--format', 'json');
    expect(idle.exitCode).toBe(1);
    expect((JSON.parse(idle.stdout) as { cases: { title: string }[] }).cases.map((x) => x.title)).toEqual([
      '流量费',
    ]);
  });

  it('acts as --user, refuses staff writes and unknown users, and a missing database', async () => {
    const staff = await cli('case', 'open', '--title', 'x', '--user', 'staff@example.com');
    expect(staff.exitCode).toBe(2);
    expect(staff.stderr).toContain('只读');
    expect((await cli('case', 'list', '--user', 'staff@example.com')).exitCode).toBe(0);
    expect((await cli('case', 'list', '--user', 'nobody@example.com')).exitCode).toBe(2);
    const missing = await runCli(['case', 'list', '--db', join(shop.dir, 'none.db'), '--merchant', '1'], {
      cwd: shop.dir,
    });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('none.db');
    const noMerchant = await runCli(['case', 'list', '--db', shop.db], { cwd: shop.dir });
    expect(noMerchant.exitCode).toBe(2);
  });
});
