// Audit benchmark (issue 4, “Performance”; not a test): generates N-row terminal + settlement workloads in the
// generic Chinese CSV layout once under .bench-cache/ (not timed), then runs the real built CLI
// (`node dist/cli/main.js audit … --format json --out /dev/null`) and a DuckDB equivalent (the same join on 参考号
// and the fee arithmetic in SQL over the same CSVs), each in its own child process, and prints wall time, rows/s,
// peak RSS and the ratio posguard / DuckDB. Run `npm run build` first.
// Usage: node scripts/bench-audit.mjs [--sizes 1e6,1e7] [--max-seconds 900] [--skip-duckdb] [--skip-posguard]
//        [--cli dist/cli/main.js]
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const cache = join(root, '.bench-cache');

// ---------------------------------------------------------------------------------------------------------------
// Child: the DuckDB side. Reads both CSVs, joins on 参考号, computes the plan's fee in integer fen and counts.
if (process.argv[2] === '--child-duckdb') {
  const [terminal, settlement] = process.argv.slice(3);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const start = process.hrtime.bigint();
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const csv = (file, columns) =>
    `read_csv('${file}', header = true, delim = ',', quote = '"', columns = {${columns}})`;
  const termCols = `'交易时间': 'TIMESTAMP', '商户号': 'VARCHAR', '终端号': 'VARCHAR', '参考号': 'VARCHAR', '凭证号': 'VARCHAR', '卡类型': 'VARCHAR', '支付方式': 'VARCHAR', '交易类型': 'VARCHAR', '交易金额': 'DECIMAL(18,2)'`;
  const settleCols = `'交易时间': 'TIMESTAMP', '结算日期': 'DATE', '商户号': 'VARCHAR', '终端号': 'VARCHAR', '参考号': 'VARCHAR', '凭证号': 'VARCHAR', '卡类型': 'VARCHAR', '支付方式': 'VARCHAR', '交易类型': 'VARCHAR', '交易金额': 'DECIMAL(18,2)', '手续费': 'DECIMAL(18,2)', '结算金额': 'DECIMAL(18,2)'`;
  // Same plan as plan.yaml: credit 0.60%, debit 0.55% capped at ¥20, half-up; tolerance 1 fen.
  const sql = `
    WITH t AS (SELECT 参考号 AS ref, CAST(交易金额 * 100 AS BIGINT) AS amt FROM ${csv(terminal, termCols)}),
    s AS (SELECT 参考号 AS ref, 卡类型 AS card, CAST(交易金额 * 100 AS BIGINT) AS amt, CAST(手续费 * 100 AS BIGINT) AS fee,
                 CAST(结算金额 * 100 AS BIGINT) AS settled FROM ${csv(settlement, settleCols)}),
    j AS (SELECT s.*, t.amt AS tamt,
                 CASE WHEN s.card = '贷记卡' THEN (s.amt * 6000 + 500000) // 1000000
                      ELSE least((s.amt * 5500 + 500000) // 1000000, 2000) END AS expected
          FROM s LEFT JOIN t ON s.ref = t.ref)
    SELECT count(*) AS settled_rows,
           count(tamt) AS matched,
           count(*) FILTER (WHERE fee - expected > 1) AS overcharges,
           coalesce(sum(fee - expected) FILTER (WHERE fee - expected > 1), 0) AS overcharge_fen,
           count(*) FILTER (WHERE tamt IS NOT NULL AND tamt <> amt) AS amount_mismatches,
           (SELECT count(*) FROM t ANTI JOIN s ON t.ref = s.ref) AS unsettled
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

const PLAN = `# bench plan: what the generated statements should cost
settlement: D1
periods:
  - from: 2026-01-01
    rates:
      - { card: debit, rate: 0.55%, cap: 20 }
      - { card: credit, rate: 0.60% }
`;

const pad2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const yuan = (fen) => `${Math.floor(fen / 100)}.${pad2[fen % 100]}`;

/** Writes terminal-N.csv and settlement-N.csv (UTF-8, generic layout). One sale in 997 is charged 1.00%. */
function generate(n) {
  const terminalPath = join(cache, `audit-v2-terminal-${n}.csv`);
  const settlementPath = join(cache, `audit-v2-settlement-${n}.csv`);
  const planPath = join(cache, 'audit-plan.yaml');
  if (!existsSync(planPath) || readFileSync(planPath, 'utf8') !== PLAN) {
    const fd = openSync(planPath, 'w');
    writeSync(fd, PLAN);
    closeSync(fd);
  }
  if (existsSync(terminalPath) && existsSync(settlementPath))
    return { terminalPath, settlementPath, planPath };
  process.stderr.write(
    `generating ${n.toLocaleString('en')} + ${n.toLocaleString('en')} rows in ${cache} …\n`,
  );
  const t0 = Date.now();
  const tmpT = `${terminalPath}.tmp`;
  const tmpS = `${settlementPath}.tmp`;
  const ft = openSync(tmpT, 'w');
  const fs = openSync(tmpS, 'w');
  let bt = '交易时间,商户号,终端号,参考号,凭证号,卡类型,支付方式,交易类型,交易金额\n';
  let bs =
    '交易时间,结算日期,商户号,终端号,参考号,凭证号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额\n';
  const days = 30;
  const span = days * 86_400;
  const dayText = Array.from({ length: days + 1 }, (_, d) => `2026-10-${pad2[d + 1]}`);
  for (let i = 0; i < n; i++) {
    const sec = Math.floor((i * span) / n);
    const day = Math.floor(sec / 86_400);
    const rest = sec - day * 86_400;
    const time = `${dayText[day]} ${pad2[Math.floor(rest / 3600)]}:${pad2[Math.floor(rest / 60) % 60]}:${pad2[rest % 60]}`;
    const merchant = `8984401539${10_000 + (i % 100)}`;
    const terminal = String(10_000_000 + (i % 1000));
    const ref = String(100_000_000_000 + i);
    const voucher = pad2[Math.floor(i / 10_000) % 100] + pad2[Math.floor(i / 100) % 100] + pad2[i % 100];
    const credit = i % 2 === 1;
    const fen = 1000 + ((i * 7919) % 499_001);
    let fee = credit
      ? Math.floor((fen * 6000 + 500_000) / 1e6)
      : Math.min(Math.floor((fen * 5500 + 500_000) / 1e6), 2000);
    if (i % 997 === 0) fee = Math.floor((fen * 10_000 + 500_000) / 1e6);
    const card = credit ? '贷记卡' : '借记卡';
    const common = `${merchant},${terminal},${ref},${voucher},${card},刷卡,消费,${yuan(fen)}`;
    bt += `${time},${common}\n`;
    bs += `${time},${dayText[day + 1]},${common},${yuan(fee)},${yuan(fen - fee)}\n`;
    if (bs.length > 1 << 22) {
      writeSync(ft, bt);
      writeSync(fs, bs);
      bt = '';
      bs = '';
    }
  }
  writeSync(ft, bt);
  writeSync(fs, bs);
  closeSync(ft);
  closeSync(fs);
  renameSync(tmpT, terminalPath);
  renameSync(tmpS, settlementPath);
  process.stderr.write(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return { terminalPath, settlementPath, planPath };
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
  const { terminalPath, settlementPath, planPath } = generate(n);
  const bytes = statSync(terminalPath).size + statSync(settlementPath).size;
  console.log(
    `\n${n.toLocaleString('en')} + ${n.toLocaleString('en')} rows (${(bytes / 1e6).toFixed(0)} MB of CSV)`,
  );
  const entry = { n };
  if (skipReason !== undefined) console.log(`  posguard  skipped (${skipReason})`);
  if (skipReason === undefined) {
    const r = await measure([
      cli,
      'audit',
      '--settlement',
      settlementPath,
      '--terminal',
      terminalPath,
      '--plan',
      planPath,
      '--format',
      'json',
      '--out',
      '/dev/null',
      '--lang',
      'en',
    ]);
    entry.posguard = r;
    const ok = r.code === 0 || r.code === 1;
    if (ok) r.code = 0;
    const line = r.stdout.split('\n')[0] ?? '';
    console.log(
      `  posguard  ${r.seconds.toFixed(2)} s  ${fmtRate(2 * n, r.seconds)} rows/s  peak RSS ${mib(r.hwmKb)}${ok ? '' : `  FAILED (${r.timedOut ? 'timeout' : (r.signal ?? `exit ${r.code}`)}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`}`,
    );
    if (ok) console.log(`            ${line}`);
  }
  if (!skipDuck) {
    const r = await measure([self, '--child-duckdb', terminalPath, settlementPath]);
    entry.duckdb = r;
    if (r.code === 0) {
      const out = JSON.parse(r.stdout);
      const kb = Math.max(r.hwmKb, out.maxRssKb);
      r.hwmKb = kb;
      console.log(
        `  DuckDB    ${r.seconds.toFixed(2)} s  ${fmtRate(2 * n, r.seconds)} rows/s  peak RSS ${mib(kb)}`,
      );
      console.log(
        `            matched ${out.matched}, overcharges ${out.overcharges} (¥${(Number(out.overcharge_fen) / 100).toFixed(2)}), amount mismatches ${out.amount_mismatches}, unsettled ${out.unsettled}`,
      );
    } else {
      console.log(
        `  DuckDB    FAILED (${r.timedOut ? 'timeout' : (r.signal ?? `exit ${r.code}`)}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`,
      );
    }
  }
  if (entry.posguard?.code === 0 && entry.duckdb?.code === 0) {
    const ratio = entry.posguard.seconds / entry.duckdb.seconds;
    console.log(
      `  ratio     ${ratio.toFixed(2)} × DuckDB wall time (target ≤ 2.0), memory ${(entry.posguard.hwmKb / entry.duckdb.hwmKb).toFixed(2)} × DuckDB`,
    );
  }
  results.push(entry);
  previous = entry;
}
