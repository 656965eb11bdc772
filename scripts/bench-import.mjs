// Import throughput benchmark (not a test): generates a 1,000,000-row generic CSV once under .bench-cache/,
// imports it in a child process through dist/ (run `npm run build` first) and prints rows/s, MB/s and peak RSS.
// Usage: node scripts/bench-import.mjs [rows]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);

if (process.argv[2] === '--child') {
  const { importFileStreaming } = await import(pathToFileURL(join(root, 'dist/statements/import.js')).href);
  const file = process.argv[3];
  const start = process.hrtime.bigint();
  let count = 0;
  let sum = 0;
  const summary = await importFileStreaming({ path: file }, {}, (r) => {
    count++;
    sum += r.amountFen;
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ count, sum, rejected: summary.rejected.length, seconds, maxRssKb }));
  process.exit(0);
}

if (!existsSync(join(root, 'dist/statements/import.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const cache = join(root, '.bench-cache');
mkdirSync(cache, { recursive: true });
const file = join(cache, `generic-${rows}.csv`);
if (!existsSync(file)) {
  process.stderr.write(`generating ${file} …\n`);
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  await write(
    '\ufeff交易日期,交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额（元）,手续费（元）,结算金额（元）\n',
  );
  const channels = ['刷卡', '闪付', '微信', '支付宝', '银联二维码'];
  const cards = ['借记卡', '贷记卡', '信用卡'];
  let batch = '';
  for (let i = 0; i < rows; i++) {
    const fen = 100 + ((i * 7919) % 500_000);
    const fee = Math.floor((fen * 6) / 1000);
    const y = (f) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;
    const day = 1 + (i % 28);
    const sec = i % 86_400;
    const clock = `${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
    batch += `2026-10-${String(day).padStart(2, '0')},${clock},898440153991234,${String(10_000_000 + (i % 50))},${String(100_000_000_000 + i)},622202******${String(i % 10_000).padStart(4, '0')},${cards[i % 3]},${channels[i % 5]},消费,"${y(fen)}",${y(fee)},${y(fen - fee)}\n`;
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  await new Promise((r) => out.end(r));
}
const bytes = statSync(file).size;
const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], {
  encoding: 'utf8',
  maxBuffer: 1 << 20,
});
if (child.status !== 0) {
  console.error(child.stderr);
  process.exit(1);
}
const r = JSON.parse(child.stdout);
const mb = bytes / 1e6;
console.log(`file: ${file} (${rows.toLocaleString('en')} rows, ${mb.toFixed(1)} MB)`);
console.log(`records: ${r.count.toLocaleString('en')}  rejected: ${r.rejected}`);
console.log(
  `time: ${r.seconds.toFixed(2)} s  rows/s: ${Math.round(r.count / r.seconds).toLocaleString('en')}  MB/s: ${(mb / r.seconds).toFixed(1)}`,
);
console.log(`peak RSS: ${(r.maxRssKb / 1024).toFixed(0)} MiB`);
