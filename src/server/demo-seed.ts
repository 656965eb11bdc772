import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { parsePlan } from '../plans/parse-plan.js';
import { type SimulateOptions, simulate } from '../simulate/simulate.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import { appendAudit } from '../storage/audit-log-repo.js';
import { countMerchants, createMerchant } from '../storage/merchants-repo.js';
import { savePlan } from '../storage/plans-repo.js';
import type { Database } from '../storage/schema.js';
import { importStatement } from './import-statement.js';

/** Suffix that marks the demo merchant's name. */
export const DEMO_SUFFIX = '（演示数据）';

// Faults a newcomer should see at once; each is a finding the audit proves to the fen.
const DEMO_SCENARIOS = [
  'silent-rate-change',
  'fixed-surcharge',
  'cap-ignored',
  'void-settled',
  'missing-settlement',
  'duplicate-settlement',
  'refund-fee',
  'network-resubmit',
] as const;

/** The simulator run behind the demo merchant: the 30 days ending three days before `now`, fixed seed. */
export function demoSimulateOptions(
  now: Date,
  out: string,
  options: { days?: number; perDay?: number } = {},
): SimulateOptions {
  const days = options.days ?? 30;
  // Ending three days ago, so the last sales have settled and recent weeks show data.
  const start = addDays(localDateOf(now.toISOString()), -(days + 3));
  return {
    out,
    merchants: 1,
    terminals: 2,
    days,
    perDay: options.perDay ?? 30,
    start,
    seed: 'posguard-demo',
    scenarios: DEMO_SCENARIOS,
    preset: 'generic',
  };
}

/** The demo's files in import order, with the kind each holds and the name records carry. */
export const DEMO_FILES = [
  { file: 'terminal.csv', kind: 'terminal', name: 'demo-terminal.csv' },
  { file: 'settlement.csv', kind: 'settlement', name: 'demo-settlement.csv' },
  { file: 'bank.csv', kind: 'bank', name: 'demo-bank.csv' },
] as const;

/** What the seed made, for the start-up log. */
export interface DemoSeed {
  merchantId: number;
  name: string;
  records: number;
}

/**
 * On a database without merchants, simulates one merchant's last full month with known 跳点 and imports its
 * files and plan through the same path as an upload, as a merchant marked demo. Undefined when skipped.
 */
export async function seedDemo(
  db: Kysely<Database>,
  ownerId: number,
  now: Date,
  options: { days?: number; perDay?: number } = {},
): Promise<DemoSeed | undefined> {
  if ((await countMerchants(db)) > 0) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'posguard-demo-'));
  try {
    const sim = simulate(demoSimulateOptions(now, dir, options));
    const m = sim.merchants[0];
    if (m === undefined) return undefined;
    const at = now.toISOString();
    const merchant = await createMerchant(db, ownerId, {
      name: `演示商户${DEMO_SUFFIX}`,
      merchantId: m.merchantId,
      demo: true,
      at,
    });
    const base = join(dir, m.merchantId);
    const planText = await readFile(join(base, 'plan.yaml'), 'utf8');
    if (parsePlan(planText, 'plan.yaml').ok) {
      await savePlan(db, ownerId, merchant.id, { text: planText, format: 'yaml', at });
    }
    let records = 0;
    for (const { file, kind, name } of DEMO_FILES) {
      const answer = await importStatement(
        db,
        ownerId,
        merchant.id,
        { path: join(base, file), name },
        { kind, at },
      );
      records += answer.landings.reduce((n, l) => n + l.stored, 0);
    }
    await appendAudit(db, {
      userId: ownerId,
      merchantId: merchant.id,
      action: 'demo.seed',
      details: { records },
      at,
    });
    return { merchantId: merchant.id, name: merchant.name, records };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
