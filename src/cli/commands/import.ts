import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { formatFen } from '../../money/index.js';
import { type PosRecord, RECORD_FIELDS } from '../../records/index.js';
import type { FileImportSummary, ImportResult } from '../../statements/import.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT_FINDINGS } from '../errors.js';
import { assertFormat, formatOption } from '../format-option.js';
import { pick } from '../lang.js';
import { Progress } from '../progress.js';

/** Registers `posguard import FILE…`. */
export function registerImportCommand(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description(
      pick(
        ctx.lang,
        '读取终端流水、结算单或银行入账文件（CSV/TXT/XLSX/ZIP/GZIP 及网页表格式 .xls，自动识别编码、表头和格式），输出汇总与记录',
        'read terminal journals, settlement statements or bank credits (CSV/TXT/XLSX/ZIP/GZIP and web-page .xls; encoding, header and layout detected) and print a summary and the records',
      ),
    )
    .argument('<files...>', pick(ctx.lang, '要导入的文件', 'files to import'))
    .addOption(
      new Option(
        '--kind <kind>',
        pick(ctx.lang, '记录类别（默认自动识别）', 'record kind (detected by default)'),
      ).choices(['terminal', 'settlement', 'bank']),
    )
    .option(
      '--preset <name>',
      pick(ctx.lang, '指定预设（默认按内容识别）', 'force a preset (detected from content by default)'),
    )
    .option(
      '--mapping <file>',
      pick(ctx.lang, '自定义列映射 YAML（格式同预设）', 'your own column mapping YAML (preset format)'),
    )
    .addOption(formatOption(['table', 'json', 'csv']))
    .addHelpText(
      'after',
      pick(
        ctx.lang,
        '\n示例：\n  posguard import 结算明细_202610.csv\n  posguard import 2026-10.xlsx --kind terminal\n  posguard import 1234_trade_new_20261001.txt --preset leshua --format json\n  posguard import 网银流水.csv --mapping my-bank.yaml --format csv > records.csv\n\n退出码：0 全部读入；1 有被拒绝的行；2 文件无法读取或参数错误。\n',
        '\nExamples:\n  posguard import statement_202610.csv\n  posguard import 2026-10.xlsx --kind terminal\n  posguard import 1234_trade_new_20261001.txt --preset leshua --format json\n  posguard import bank.csv --mapping my-bank.yaml --format csv > records.csv\n\nExit codes: 0 all rows read; 1 some rows rejected; 2 unreadable file or usage error.\n',
      ),
    )
    .action(
      async (
        files: string[],
        opts: {
          kind?: 'terminal' | 'settlement' | 'bank';
          preset?: string;
          mapping?: string;
          format?: string;
        },
      ) => {
        const format = assertFormat(opts.format ?? 'table', ['table', 'json', 'csv']);
        if (opts.mapping !== undefined) {
          // Once, before any file: its mistakes are the mapping's, not each file's.
          const { loadMapping, checkMappedColumns } = await import('./mapping-check.js');
          const mapping = await loadMapping(ctx, opts.mapping);
          await checkMappedColumns(ctx, mapping, files, opts.kind ?? mapping.preset.kind);
        }
        const { importFiles, ImportFileError } = await import('../../statements/import.js');
        const progress = new Progress(pick(ctx.lang, '导入', 'import'), 1, ctx.interactive, ctx.stderr);
        let result: ImportResult;
        try {
          result = await importFiles(
            files.map((f) => ({ path: resolve(ctx.cwd, f) })),
            {
              ...(opts.kind === undefined ? {} : { kind: opts.kind }),
              ...(opts.preset === undefined ? {} : { preset: opts.preset }),
              ...(opts.mapping === undefined
                ? {}
                : { mappingFile: resolve(ctx.cwd, opts.mapping), mappingName: opts.mapping }),
              onProgress: (done, total) => progress.update(total > 0 ? done / total : 1),
            },
          );
        } catch (error) {
          progress.finish();
          if (error instanceof ImportFileError) {
            const typed = files.find((f) => resolve(ctx.cwd, f) === error.file) ?? error.file;
            throw new CliError(
              error.zh.split(error.file).join(typed),
              error.message.split(error.file).join(typed),
            );
          }
          throw error;
        }
        progress.finish();
        // Show the names the user typed, not absolute paths.
        const shown = new Map(files.map((f) => [resolve(ctx.cwd, f), f]));
        const rename = (name: string) => {
          for (const [abs, typed] of shown) if (name.startsWith(abs)) return typed + name.slice(abs.length);
          return name;
        };
        relabel(result, rename);
        if (format === 'json') ctx.stdout(`${JSON.stringify(toJson(result, ctx), null, 2)}\n`);
        else if (format === 'csv') ctx.stdout(toCsv(result.records));
        else ctx.stdout(toTable(result, ctx));
        if (result.rejected.length > 0) ctx.exitCode = EXIT_FINDINGS;
      },
    );
}

function relabel(result: ImportResult, rename: (name: string) => string): void {
  const fix = (s: FileImportSummary) => {
    s.file = rename(s.file);
    for (const r of s.rejected) r.file = rename(r.file);
    for (const w of s.warnings) {
      const before = w.file;
      w.file = rename(w.file);
      w.message = w.message.split(before).join(w.file);
      w.messageEn = w.messageEn.split(before).join(w.file);
    }
    for (const p of s.parts ?? []) fix(p);
  };
  for (const f of result.files) fix(f);
  for (const r of result.records) r.source = { file: rename(r.source.file), row: r.source.row };
}

/** A summary as printed: one table, with the input it is part of when that input holds several tables. */
interface TableSummary {
  summary: FileImportSummary;
  /** The archive or workbook the table was taken from; undefined when the input is this one table. */
  partOf?: string;
  sha256: string;
}

/**
 * One summary per table: an archive or workbook holding several tables (a statement, a journal and a bank export
 * downloaded together) is shown table by table, each with its own kind, columns and totals, as `posguard audit`
 * names them (`all.zip/table.csv`); added up into one they would mix a journal's sales with a bank's credits.
 */
function tableSummaries(files: readonly FileImportSummary[]): TableSummary[] {
  return files.flatMap((f): TableSummary[] => {
    const parts = f.parts ?? [];
    if (parts.length < 2) return [{ summary: f, sha256: f.sha256 }];
    // Warnings the input has beyond its tables' own stay with its first table.
    const own = f.warnings.filter((w) => !parts.some((p) => p.warnings.includes(w)));
    return parts.map((p, i) => ({
      summary: i === 0 && own.length > 0 ? { ...p, warnings: [...p.warnings, ...own] } : p,
      partOf: f.file,
      // A worksheet has no bytes of its own: its workbook's hash stands for it.
      sha256: p.sha256 === '' ? f.sha256 : p.sha256,
    }));
  });
}

function toJson(result: ImportResult, ctx: CliContext): unknown {
  return {
    files: tableSummaries(result.files).map(({ summary: f, partOf, sha256 }) => ({
      file: f.file,
      ...(partOf === undefined ? {} : { partOf }),
      sha256,
      preset: f.preset,
      encoding: f.encoding,
      kind: f.kind,
      rows: f.rows,
      columns: f.columns,
      totals: f.totals,
      rejected: f.rejected.map((r) => ({
        file: r.file,
        row: r.row,
        ...(r.column === undefined ? {} : { column: r.column }),
        reason: pick(ctx.lang, r.reason, r.reasonEn),
      })),
      warnings: f.warnings.map((w) => ({ code: w.code, message: pick(ctx.lang, w.message, w.messageEn) })),
    })),
    records: result.records,
  };
}

/** A cell that a spreadsheet could run as a formula gets a leading apostrophe; plain numbers stay numbers. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let s =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function toCsv(records: PosRecord[]): string {
  const header = [...RECORD_FIELDS, 'sourceFile', 'sourceRow'];
  const lines = [header.join(',')];
  for (const r of records) {
    const row = RECORD_FIELDS.map((c) => csvCell(r[c]));
    row.push(csvCell(r.source.file), csvCell(r.source.row));
    lines.push(row.join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

function toTable(result: ImportResult, ctx: CliContext): string {
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  const out: string[] = [];
  const tables = tableSummaries(result.files);
  for (const { summary: f } of tables) {
    out.push(`${f.file}`);
    out.push(
      `  ${t('预设', 'preset')}: ${f.preset}   ${t('编码', 'encoding')}: ${f.encoding}   ${t('类别', 'kind')}: ${f.kind}`,
    );
    const cols = Object.entries(f.columns)
      .map(([k, v]) => `${k}←${v}`)
      .join(', ');
    out.push(`  ${t('使用的列', 'columns')}: ${cols}`);
    out.push(
      `  ${t('读入', 'rows read')}: ${f.rows}   ${t('拒绝', 'rejected')}: ${f.rejected.length}${f.skipped ? `   ${t('跳过', 'skipped')}: ${f.skipped}` : ''}`,
    );
    if (f.totals) {
      const parts = [`${t('金额', 'amount')} ${formatFen(f.totals.amountFen)}`];
      if (f.totals.feeFen !== undefined) parts.push(`${t('手续费', 'fee')} ${formatFen(f.totals.feeFen)}`);
      if (f.totals.settledFen !== undefined)
        parts.push(`${t('结算', 'settled')} ${formatFen(f.totals.settledFen)}`);
      out.push(`  ${t('合计', 'totals')}: ${parts.join('   ')}`);
    }
    for (const r of f.rejected) {
      out.push(
        `  ✗ ${t(`第 ${r.row} 行`, `row ${r.row}`)}${r.column ? ` [${r.column}]` : ''}: ${t(r.reason, r.reasonEn)}`,
      );
    }
    for (const w of f.warnings) out.push(`  ! ${t(w.message, w.messageEn)}`);
    out.push('');
  }
  out.push(
    t(
      `共 ${result.files.length} 个文件${tables.length === result.files.length ? '' : `（${tables.length} 个表）`}，${result.records.length} 条记录，${result.rejected.length} 行被拒绝`,
      `${result.files.length} file(s)${tables.length === result.files.length ? '' : ` (${tables.length} tables)`}, ${result.records.length} record(s), ${result.rejected.length} rejected row(s)`,
    ),
  );
  return `${out.join('\n')}\n`;
}
