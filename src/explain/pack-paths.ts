import type { AuditReport } from '../audit/report-types.js';

/** A path's folders and name, `.` and `..` resolved where they can be, without the leading `/` or drive. */
function segments(path: string): { absolute: string; parts: string[] } {
  const absolute = /^(?:[A-Za-z]:)?[\\/]/.exec(path)?.[0] ?? '';
  const parts: string[] = [];
  for (const part of path.slice(absolute.length).split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else parts.push(part);
  }
  return { absolute, parts };
}

/**
 * The names the evidence pack shows for the inputs' names (as the user typed them, or as the folder's files were
 * found): the path inside the audited folder `root` for a file in it, e.g. `M1/settlement.csv`; for any other file
 * the path below the deepest folder holding all such files — at least the file name, never a `..` or an absolute
 * path. The pack goes to a third party: the merchant's own folders are none of its business.
 * @example packNames(['/home/li/pos/settlement.csv'], '/home/li/pos').get('/home/li/pos/settlement.csv') === 'settlement.csv'
 */
export function packNames(names: readonly string[], root?: string): Map<string, string> {
  const out = new Map<string, string>();
  const base = root === undefined ? undefined : segments(root);
  const outside: { name: string; absolute: string; parts: string[] }[] = [];
  for (const name of new Set(names)) {
    const s = segments(name);
    const inRoot =
      base !== undefined &&
      s.absolute === base.absolute &&
      s.parts.length > base.parts.length &&
      !base.parts.includes('..') &&
      base.parts.every((p, i) => s.parts[i] === p);
    if (inRoot) out.set(name, s.parts.slice(base.parts.length).join('/'));
    else outside.push({ name, ...s });
  }
  // The deepest folder the other files share, among those written from the same place (relative, or absolute
  // from the same drive); no `..` is kept.
  const common = new Map<string, string[]>();
  for (const o of outside) {
    const folder = o.parts.slice(0, -1);
    const shared = common.get(o.absolute) ?? folder;
    let k = 0;
    while (k < shared.length && k < folder.length && shared[k] === folder[k]) k += 1;
    common.set(o.absolute, shared.slice(0, k));
  }
  for (const o of outside) {
    const below = o.parts.slice(common.get(o.absolute)?.length ?? 0).filter((p) => p !== '..');
    out.set(o.name, below.length > 0 ? below.join('/') : (o.parts.at(-1) ?? o.name));
  }
  return out;
}

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/**
 * A text with every name of `names` (longest first) as the pack shows it, then the audited folder's own path
 * (a file the audit named but did not read, such as truth.json) and what is left of any absolute path cut to its
 * last part: `/home/li/pos/truth.json 未使用` → `truth.json 未使用`.
 */
function packText(text: string, names: ReadonlyMap<string, string>, root?: string): string {
  let out = text;
  const known = [...names.keys()].filter((n) => n !== names.get(n)).sort((a, b) => b.length - a.length);
  if (known.length > 0)
    out = out.replace(
      new RegExp(known.map((n) => n.replace(ESCAPE, '\\$&')).join('|'), 'g'),
      (n) => names.get(n) ?? n,
    );
  const folder = root?.replace(/[\\/]+$/, '');
  if (folder !== undefined && folder !== '' && folder !== '.')
    out = out.replace(new RegExp(`${folder.replace(ESCAPE, '\\$&')}[\\\\/]+`, 'g'), '');
  // An absolute path's folders (POSIX or a Windows drive), where it starts a word: only its last part stays.
  return out.replace(
    /(^|[\s"'“（(：:，,、；;=])(?:[A-Za-z]:)?(?:[\\/][^\s\\/"'”）)：:，,、；;]+)+[\\/](?=[^\s\\/])/g,
    '$1',
  );
}

/**
 * The report as the evidence pack shows it: every file it names (files, rejected rows, each finding's and each
 * ambiguous match's source, and the names inside warnings, messages and diagnoses) as packNames gives it. The
 * hashes stay, so every file is still known for what it is.
 */
export function packedReport(
  report: AuditReport,
  names: ReadonlyMap<string, string>,
  root?: string,
): AuditReport {
  const file = (name: string) => names.get(name) ?? packText(name, names, root);
  const text = (t: string) => packText(t, names, root);
  return {
    ...report,
    summary: { ...report.summary, skippedChecks: report.summary.skippedChecks.map(text) },
    merchants: report.merchants.map((m) => ({
      ...m,
      summary: { ...m.summary, skippedChecks: m.summary.skippedChecks.map(text) },
    })),
    findings: report.findings.map((f) => ({
      ...f,
      message: text(f.message),
      messageEn: text(f.messageEn),
      source: f.source.map((s) => ({ file: file(s.file), row: s.row })),
    })),
    ambiguous: report.ambiguous.map((a) => ({
      ...a,
      reason: text(a.reason),
      reasonEn: text(a.reasonEn),
      source: a.source.map((s) => ({ file: file(s.file), row: s.row })),
    })),
    rejected: report.rejected.map((r) => ({ ...r, file: file(r.file), reason: text(r.reason) })),
    files: report.files.map((f) => ({ ...f, file: file(f.file) })),
    warnings: report.warnings.map(text),
    ...(report.diagnoses === undefined
      ? {}
      : {
          diagnoses: report.diagnoses.map((d) => ({
            ...d,
            evidence: d.evidence.map(text),
            evidenceEn: d.evidenceEn.map(text),
          })),
        }),
  };
}

/** The plans' text with the `# path` line loadPlans puts before each of several as the pack names it. */
export function packedPlanText(planText: string, names: ReadonlyMap<string, string>, root?: string): string {
  return packText(planText, names, root);
}
