// Audit benchmark (issues 4 and 5, “Performance”; not a test): the workloads come from the real simulator
// (`simulate()` from dist/, generic preset), generated once per size under .bench-cache/sim-<N>/ (not timed). Then
// the real built CLI (`node dist/cli/main.js audit --terminal … --settlement … --plans DIR --format json
// --out /dev/null`) and a DuckDB equivalent (the same join on 参考号 and the plan's fee arithmetic in SQL, over the
// same files — the GBK statements through a UTF-8 copy made once, since read_csv cannot read GBK) each run in their
// own child process; prints wall time, rows/s, peak RSS, both tools' overcharge counts and the ratio.
// Run `npm run build` first.
// Usage: node scripts/bench-audit.mjs [--sizes 1e6,1e7] [--max-seconds 900] [--skip-duckdb] [--skip-posguard]
//        [--cli dist/cli/main.js]
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const cache = join(root, '.bench-cache');

// ---------------------------------------------------------------------------------------------------------------
// Child: the DuckDB side. Reads both CSVs, joins on 参考号, computes the plan's fee in integer fen and counts.
if (process.argv[2] === '--child-duckdb') {
  const { terminals, settlements } = JSON.parse(process.argv[3]);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const start = process.hrtime.bigint();
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const list = (files) => `[${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}]`;
  // The simulator's layout: a title row and a merchant-info row above the header row (skip = 3, header = false:
  // the column names are the simulator's own header lists). Every cell is read as text and cast below, so the
  // 合计 row at the bottom of a statement can be filtered out by its first cell. Columns are given explicitly:
  // DuckDB's sniffer, run per file, took seconds over a few hundred files.
  const { TERMINAL_HEADER, GENERIC_SETTLEMENT_HEADER } = await import(
    pathToFileURL(join(root, 'dist/simulate/generic-writers.js')).href
  );
  const cols = (header) => `{${header.map((h) => `'${h}': 'VARCHAR'`).join(', ')}}`;
  const csv = (files, header) =>
    `read_csv(${list(files)}, skip = 3, header = false, delim = ',', quote = '"', auto_detect = false, columns = ${cols(header)})`;
  const fen = (col) => `CAST(CAST(${col} AS DECIMAL(18,2)) * 100 AS BIGINT)`;
  // Lines are matched within a merchant (商户号 + 参考号: reference numbers repeat across merchants). The
  // simulator's contract (STANDARD_RULES, half-up, tolerance 1 fen): NFC and 银联二维码 ≤ ¥1000 at 0.38 %,
  // then debit 0.55 % capped at ¥20, credit 0.60 %, WeChat/Alipay 0.38 %. Only sales are priced here.
  const sql = `
    WITH t AS MATERIALIZED (SELECT 商户号 AS mid, 参考号 AS ref, ${fen('交易金额')} AS amt FROM ${csv(terminals, TERMINAL_HEADER)}
               WHERE 交易类型 = '消费' AND 交易状态 = '成功'),
    s AS MATERIALIZED (SELECT 商户号 AS mid, 参考号 AS ref, 卡类型 AS card, 支付方式 AS channel, ${fen('交易金额')} AS amt, ${fen('手续费')} AS fee
          FROM ${csv(settlements, GENERIC_SETTLEMENT_HEADER)} WHERE 交易时间 <> '合计' AND 交易类型 = '消费'),
    p AS (SELECT *, CASE
            WHEN channel IN ('闪付', '银联二维码') AND abs(amt) <= 100000 THEN 3800
            WHEN channel IN ('刷卡', '闪付', '银联二维码') AND card = '借记卡' THEN 5500
            WHEN channel IN ('刷卡', '闪付', '银联二维码') AND card = '贷记卡' THEN 6000
            WHEN channel IN ('微信', '支付宝') THEN 3800 END AS ppm FROM s),
    j AS (SELECT p.*, t.amt AS tamt,
                 CASE WHEN p.ppm = 5500 THEN least((p.amt * p.ppm + 500000) // 1000000, 2000)
                      ELSE (p.amt * p.ppm + 500000) // 1000000 END AS expected
          FROM p LEFT JOIN t ON p.mid = t.mid AND p.ref = t.ref)
    SELECT count(*) AS settled_sales,
           count(tamt) AS matched,
           count(*) FILTER (WHERE fee - expected > 1) AS overcharges,
           coalesce(sum(fee - expected) FILTER (WHERE fee - expected > 1), 0) AS overcharge_fen,
           count(*) FILTER (WHERE tamt IS NOT NULL AND tamt <> amt) AS amount_mismatches,
           (SELECT count(*) FROM t ANTI JOIN s ON t.mid = s.mid AND t.ref = s.ref) AS unsettled
    FROM j`;
  const reader = await conn.runAndReadAll(sql);
  const [row] = reader.getRowObjectsJson();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ ...row, seconds, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Parent.
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (flag('--sizes') ?? '1e6,1e7').split(',').map((s) => Math.round(Number(s)));
const maxSeconds = Number(flag('--max-seconds') ?? 900);
const skipDuck = args.includes('--skip-duckdb');
const skipPosguard = args.includes('--skip-posguard');
if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
  console.error('--sizes takes row counts such as 1e5,1e6,1e7');
  process.exit(2);
}
const cli = resolve(flag('--cli') ?? join(root, 'dist/cli/main.js'));
if (!skipPosguard && !existsSync(cli)) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
mkdirSync(cache, { recursive: true });

// The workload is the real simulator's output (issue 5): generic preset, `cap-ignored` injected so that debit
// sales above the cap are overcharged and both tools have something to find. Several merchants × 30 days ×
// per-day sales make the terminal journals ≈ n rows. Cached under .bench-cache/sim-<n>/, keyed by the
// parameters (params.json); regenerated only when missing or when the parameters change. Not timed.
const SIM_VERSION = 1;
function simParams(n) {
  const days = 30;
  const merchants = Math.max(1, Math.min(200, Math.round(n / 20_000)));
  // About 1.17 journal rows per sale (declines, voids, refunds, resubmits), measured at 1e5.
  const perDay = Math.max(1, Math.round(n / (merchants * days * 1.17)));
  return {
    version: SIM_VERSION,
    merchants,
    terminals: 4,
    days,
    perDay,
    start: '2026-10-01',
    seed: 'bench',
    scenarios: ['cap-ignored'],
    preset: 'generic',
  };
}

/** The simulator's files for n rows, generated once (not timed), plus UTF-8 copies of the GBK statements for DuckDB. */
async function generate(n) {
  const params = simParams(n);
  const dir = join(cache, `sim-${n}`);
  const key = JSON.stringify(params);
  const keyPath = join(dir, 'params.json');
  const ready = existsSync(keyPath) && readFileSync(keyPath, 'utf8') === key;
  if (!ready) {
    const simulateJs = join(root, 'dist/simulate/simulate.js');
    if (!existsSync(simulateJs)) {
      console.error('dist/ is missing: run `npm run build` first');
      process.exit(2);
    }
    rmSync(dir, { recursive: true, force: true });
    const { simulate } = await import(pathToFileURL(simulateJs).href);
    process.stderr.write(
      `simulating ${params.merchants} merchants × ${params.days} days × ~${params.perDay} sales/day into ${dir} …\n`,
    );
    const t0 = Date.now();
    const r = await simulate({ out: join(dir, 'data'), ...params });
    // One plan per merchant, named <merchantId>.yaml, for `--plans DIR`.
    mkdirSync(join(dir, 'plans'), { recursive: true });
    for (const m of merchantDirs(dir)) {
      copyFileSync(join(dir, 'data', m, 'plan.yaml'), join(dir, 'plans', `${m}.yaml`));
      // DuckDB's read_csv cannot read GBK: a UTF-8 copy of the statement (same text), for DuckDB only.
      await pipeline(
        createReadStream(join(dir, 'data', m, 'settlement.csv')),
        iconv.decodeStream('gbk'),
        iconv.encodeStream('utf8'),
        createWriteStream(join(dir, 'data', m, 'settlement.utf8.csv')),
      );
    }
    writeFileSync(
      join(dir, 'rows.json'),
      JSON.stringify({ terminalRows: r.terminalRows, settlementRows: r.settlementRows }),
    );
    writeFileSync(keyPath, key);
    process.stderr.write(
      `generated ${r.terminalRows.toLocaleString('en')} terminal + ${r.settlementRows.toLocaleString('en')} settlement rows in ${((Date.now() - t0) / 1000).toFixed(1)} s (not timed)\n`,
    );
  }
  const ms = merchantDirs(dir);
  const files = (name) => ms.map((m) => join(dir, 'data', m, name));
  const counts = JSON.parse(readFileSync(join(dir, 'rows.json'), 'utf8'));
  return {
    ...counts,
    merchants: ms.length,
    terminals: files('terminal.csv'),
    settlements: files('settlement.csv'),
    settlementsUtf8: files('settlement.utf8.csv'),
    plansDir: join(dir, 'plans'),
  };
}

function merchantDirs(dir) {
  return readdirSync(join(dir, 'data'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Runs a child, polling its peak RSS (VmHWM) from /proc, with a time limit. */
function measure(argv, env = {}) {
  return new Promise((resolvePromise) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      if (stdout.length < 1 << 20) stdout += d;
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 1 << 16) stderr += d;
    });
    let hwmKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch {
        // The child has exited between two polls.
      }
    }, 20);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, maxSeconds * 1000);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolvePromise({ code, signal, seconds, hwmKb, stdout, stderr, timedOut });
    });
  });
}

/** Why posguard should not run at n rows, judged from the previous size by linear extrapolation; else undefined. */
function projectSkip(previous, n) {
  if (previous === undefined) return undefined;
  const p = previous.posguard;
  if (p === undefined) return `posguard did not run at ${previous.n.toLocaleString('en')} rows`;
  if (p.code !== 0) return `posguard failed at ${previous.n.toLocaleString('en')} rows`;
  const factor = n / previous.n;
  const seconds = p.seconds * factor;
  const kb = p.hwmKb * factor;
  if (seconds > maxSeconds) return `projected ${seconds.toFixed(0)} s exceeds --max-seconds ${maxSeconds}`;
  if (kb * 1024 > freemem() * 0.9)
    return `projected peak RSS ${mib(kb)} exceeds the free memory ${mib(freemem() / 1024)}`;
  return undefined;
}

/** One line on why a child failed — never its stack. */
function failureNote(r) {
  if (r.timedOut) return `stopped after --max-seconds ${maxSeconds}`;
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(r.stderr))
    return `ran out of JavaScript heap (peak RSS ${mib(r.hwmKb)})`;
  if (r.signal) return `killed by ${r.signal} (peak RSS ${mib(r.hwmKb)})`;
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at ') && !/^Node\.js v/.test(l));
  return `exit ${r.code}: ${lines[0] ?? 'no message'}`;
}

const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;
const fmtRate = (rows, s) => `${Math.round(rows / s).toLocaleString('en')}`;
console.log(`posguard audit vs DuckDB — ${process.version}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
const results = [];
let previous;
for (const n of [...sizes].sort((a, b) => a - b)) {
  const skipReason = skipPosguard ? 'not requested' : projectSkip(previous, n);
  if (skipReason !== undefined && skipDuck) {
    console.log(`\n${n.toLocaleString('en')} + ${n.toLocaleString('en')} rows: skipped (${skipReason})`);
    continue;
  }
  const w = await generate(n);
  const bytes = [...w.terminals, ...w.settlements].reduce((sum, f) => sum + statSync(f).size, 0);
  const rows = w.terminalRows + w.settlementRows;
  console.log(
    `\n~${n.toLocaleString('en')}: simulator, ${w.merchants} merchants, ${w.terminalRows.toLocaleString('en')} terminal + ${w.settlementRows.toLocaleString('en')} settlement rows (${(bytes / 1e6).toFixed(0)} MB of CSV)`,
  );
  const entry = { n };
  if (skipReason !== undefined) console.log(`  posguard  skipped (${skipReason})`);
  if (skipReason === undefined) {
    const r = await measure(
      [
        cli,
        'audit',
        '--settlement',
        ...w.settlements,
        '--terminal',
        ...w.terminals,
        '--plans',
        w.plansDir,
        '--format',
        'json',
        '--out',
        '/dev/null',
        '--lang',
        'en',
      ],
      { POSGUARD_DEBUG: '1' },
    );
    entry.posguard = r;
    const ok = r.code === 0 || r.code === 1;
    if (ok) r.code = 0;
    const line = r.stdout.split('\n')[0] ?? '';
    console.log(
      ok
        ? `  posguard  ${r.seconds.toFixed(2)} s  ${fmtRate(rows, r.seconds)} rows/s  peak RSS ${mib(r.hwmKb)}`
        : `  posguard  FAILED after ${r.seconds.toFixed(2)} s: ${failureNote(r)}`,
    );
    if (ok) {
      console.log(`            ${line}`);
      // Which way the audit went (POSGUARD_DEBUG): a group of files at a time, or one spool for all.
      const how = /^posguard: (.+)$/m.exec(r.stderr);
      if (how) console.log(`            how: ${how[1]}`);
      // The summary line: "Overcharged ¥X in total on N transaction(s)" (nothing found: no number).
      const m = /on (\d[\d,]*) transaction/.exec(r.stdout);
      entry.posguardOvercharges = m ? Number(m[1].replaceAll(',', '')) : 0;
    }
  }
  if (!skipDuck) {
    const r = await measure([
      self,
      '--child-duckdb',
      JSON.stringify({ terminals: w.terminals, settlements: w.settlementsUtf8 }),
    ]);
    entry.duckdb = r;
    if (r.code === 0) {
      const out = JSON.parse(r.stdout);
      const kb = Math.max(r.hwmKb, out.maxRssKb);
      r.hwmKb = kb;
      console.log(
        `  DuckDB    ${r.seconds.toFixed(2)} s  ${fmtRate(rows, r.seconds)} rows/s  peak RSS ${mib(kb)}`,
      );
      entry.duckdbOvercharges = Number(out.overcharges);
      console.log(
        `            matched ${out.matched}, overcharges ${out.overcharges} (¥${(Number(out.overcharge_fen) / 100).toFixed(2)}), amount mismatches ${out.amount_mismatches}, unsettled ${out.unsettled}`,
      );
    } else {
      console.log(`  DuckDB    FAILED: ${failureNote(r)}`);
    }
  }
  if (entry.posguardOvercharges !== undefined && entry.duckdbOvercharges !== undefined) {
    const same = entry.posguardOvercharges === entry.duckdbOvercharges;
    console.log(
      `  agree     overcharged lines: posguard ${entry.posguardOvercharges}, DuckDB ${entry.duckdbOvercharges}${same ? ' — same' : ' — DIFFERENT (see the two summaries above)'}`,
    );
  }
  if (entry.posguard?.code === 0 && entry.duckdb?.code === 0) {
    const ratio = entry.posguard.seconds / entry.duckdb.seconds;
    console.log(
      `  ratio     ${ratio.toFixed(2)} × DuckDB wall time (target ≤ 2.0), memory ${(entry.posguard.hwmKb / entry.duckdb.hwmKb).toFixed(2)} × DuckDB`,
    );
  }
  if (entry.posguard?.code === 0)
    console.log(
      `  memory    posguard peak RSS ${mib(entry.posguard.hwmKb)} (target ≤ 1024 MiB at 10M + 10M)${entry.posguard.hwmKb > 1024 * 1024 ? ' — above' : ''}`,
    );
  results.push(entry);
  previous = entry;
}

// A benchmark that could not run posguard, or where the two tools disagree, is a failure for `npm run bench`:
// the figures alone would hide it. Being slower than the target is not: the figures say so.
const failed = results.some(
  (e) =>
    (e.posguard !== undefined && e.posguard.code !== 0) ||
    (e.duckdb !== undefined && e.duckdb.code !== 0) ||
    (e.posguardOvercharges !== undefined &&
      e.duckdbOvercharges !== undefined &&
      e.posguardOvercharges !== e.duckdbOvercharges),
);
if (failed) {
  console.log('\nbench: posguard or DuckDB failed, or they disagree (see above)');
  process.exitCode = 1;
}
