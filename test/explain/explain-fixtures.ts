import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import {
  type AuditReport,
  type AuditSummary,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type RateChange,
} from '../../src/audit/report-types.js';
import { sampleReport } from '../../src/audit/sample-report.js';
import { type CliRun, runCli } from '../../src/cli/program.js';
import { buildEvidencePack, type PackInput } from '../../src/explain/evidence-pack.js';
import { type CjkFont, findCjkFont } from '../../src/explain/render-pdf.js';
import { parsePlan } from '../../src/plans/parse-plan.js';
import type { FeePlan } from '../../src/plans/plan-types.js';

/** The merchant of the hand-made reports. */
export const MERCHANT_NO = '898440153991234';

/** Every entry of a zip, read with yauzl. */
export function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || zip === undefined) return reject(error ?? new Error('not a zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || stream === undefined) return reject(e ?? new Error('unreadable entry'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A zip holding one file, dated 2000-01-01 so that the same text always gives the same bytes. */
export function zipOf(name: string, text: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(text, 'utf8'), name, { mtime: new Date(Date.UTC(2000, 0, 1)) });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** The CJK font the evidence PDF embeds; fails the test where none is installed. */
export function cjkFont(): CjkFont {
  const font = findCjkFont();
  if (!font.ok) throw new Error(font.en);
  return font.font;
}

/** A plan file's plan; fails the test on a plan that does not parse. */
export function planOf(yaml: string): FeePlan {
  const parsed = parsePlan(yaml, 'plan.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

/** The record counts of a summary: they are not derived from the findings, so a report states them. */
export type RecordCounts = Partial<
  Pick<AuditSummary, 'terminalRecords' | 'settlementRecords' | 'bankRecords' | 'matched' | 'pending'>
>;

/**
 * An audit report of one merchant, as the audit would write it for these findings and rate changes: the
 * summary's counts by kind, overcharge and loss are the findings', the record counts zero unless given.
 */
export function auditReport(
  findings: Finding[] = [],
  rateChanges: RateChange[] = [],
  {
    merchantId = MERCHANT_NO,
    counts = {},
    files = [],
  }: { merchantId?: string; counts?: RecordCounts; files?: AuditReport['files'] } = {},
): AuditReport {
  const findingsByKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  for (const f of findings) findingsByKind[f.kind] += 1;
  const summary: AuditSummary = {
    terminalRecords: 0,
    settlementRecords: 0,
    bankRecords: 0,
    matched: 0,
    pending: 0,
    ...counts,
    overchargeFen: findings.reduce((a, f) => a + f.overchargeFen, 0),
    lossFen: findings.reduce((a, f) => a + f.lossFen, 0),
    withinToleranceFen: 0,
    returnedFen: 0,
    offsetFen: 0,
    findingsByKind,
    skippedChecks: [],
  };
  return {
    schemaVersion: 1,
    summary,
    merchants: [{ merchantId, summary }],
    findings,
    rateChanges,
    ambiguous: [],
    rejected: [],
    files,
    warnings: [],
  };
}

let findingsMade = 0;
/** A finding of MERCHANT_NO that loses nothing, numbered f-1, f-2, … in the order made, with `extra` over it. */
export function finding(kind: FindingKind, extra: Partial<Finding> = {}): Finding {
  findingsMade += 1;
  return {
    id: `f-${findingsMade}`,
    kind,
    merchantId: MERCHANT_NO,
    overchargeFen: 0,
    lossFen: 0,
    message: '',
    messageEn: '',
    source: [],
    ...extra,
  };
}

/** A fee_overcharge finding of one sale of MERCHANT_NO: all of the fee charged above the expected is lost. */
export function overchargedSale(
  sale: Required<Pick<Finding, 'id' | 'expectedFeeFen' | 'chargedFeeFen'>> & Omit<Partial<Finding>, 'kind'>,
): Finding {
  const overFen = sale.chargedFeeFen - sale.expectedFeeFen;
  return {
    kind: 'fee_overcharge',
    merchantId: MERCHANT_NO,
    overchargeFen: overFen,
    lossFen: overFen,
    message: '',
    messageEn: '',
    source: [],
    ...sale,
  };
}

/** A rate change of MERCHANT_NO over all amounts, outside the plan and with no notice known, unless `change` says. */
export function rateChange(
  change: Pick<RateChange, 'channel' | 'card' | 'date' | 'beforeRate' | 'afterRate' | 'transactions'> &
    Partial<RateChange>,
): RateChange {
  return {
    merchantId: MERCHANT_NO,
    band: 'all',
    beforeFixedFen: 0,
    afterFixedFen: 0,
    inPlan: false,
    noticeHonoured: null,
    ...change,
  };
}

/** The evidence pack of `report` (the sample report unless given) and `inputs`, dated 2026-11-01, read back. */
export async function evidencePack({
  report = sampleReport(),
  inputs = [],
}: {
  report?: AuditReport;
  inputs?: readonly PackInput[];
}) {
  const built = await buildEvidencePack({ report, inputs, font: cjkFont(), date: '2026-11-01' });
  return { ...built, files: await unzip(built.zip) };
}

function pdftotext(pdf: Buffer, dir: string, options: readonly string[]): string {
  const path = join(dir, `x-${Math.random().toString(16).slice(2)}.pdf`);
  writeFileSync(path, pdf);
  return execFileSync('pdftotext', [...options, path, '-'], { encoding: 'utf8' });
}

/** pdftotext's text with all white space removed, so wrapped lines compare whole; `dir` holds the PDF read. */
export function pdfText(pdf: Buffer, dir: string): string {
  return pdftotext(pdf, dir, []).replace(/\s+/g, '');
}

/** pdftotext's text laid out as printed, one printed line a line; `dir` holds the PDF read. */
export function pdfLayout(pdf: Buffer, dir: string): string {
  return pdftotext(pdf, dir, ['-layout']);
}

/** `posguard simulate` of one merchant into `out`. */
export function simulateCli(
  out: string,
  {
    days,
    perDay,
    seed,
    scenarios,
  }: { days: number; perDay: number; seed: number; scenarios: readonly string[] },
): Promise<CliRun> {
  return runCli([
    'simulate',
    '--out',
    out,
    '--days',
    String(days),
    '--per-day',
    String(perDay),
    '--seed',
    String(seed),
    ...scenarios.flatMap((s) => ['--scenario', s]),
  ]);
}

/** The folder of the one merchant a simulation wrote into `out`. */
export function simulatedMerchantDir(out: string): string {
  const [merchant] = readdirSync(out);
  if (merchant === undefined) throw new Error('no merchant simulated');
  return join(out, merchant);
}
