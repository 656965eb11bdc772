import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { formatOption } from '../format-option.js';
import { pick } from '../lang.js';
import { type AuditInputFlags, addAuditInputOptions } from './audit-inputs.js';

interface EvidenceFlags extends AuditInputFlags {
  out: string;
  date?: string;
  format?: 'table' | 'json';
}

/** Registers `posguard evidence`: the audit as an evidence pack (zip) for customer service or a regulator. */
export function registerEvidenceCommand(program: Command, ctx: CliContext): void {
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  const command = program
    .command('evidence')
    .description(
      t(
        '生成证据包（zip）：报告 HTML/PDF、问题明细 CSV、投诉函、费率方案、原始文件及其 SHA-256 清单',
        'build an evidence pack (zip): the report as HTML and PDF, the findings CSV, a complaint letter, the plan, the input files and a SHA-256 manifest',
      ),
    )
    .argument('[dir]', t('数据目录（同 posguard audit）', 'a data directory (as for posguard audit)'));
  addAuditInputOptions(command, t)
    .option(
      '--date <date>',
      t('投诉函日期 YYYY-MM-DD（默认今天）', 'the letter’s date YYYY-MM-DD (default today)'),
    )
    .addOption(formatOption(['table', 'json']))
    .requiredOption(
      '--out <path>',
      t(
        '证据包 zip 的路径；或一个目录（写入 posguard-evidence.zip），缺少的目录自动创建',
        'where to write the zip; or a directory (receives posguard-evidence.zip), created with its parents when missing',
      ),
    )
    // --lang is the program's option (every command takes it); shown here because it decides the pack's language.
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      t(
        `
示例：
  posguard evidence examples/ --out 证据包.zip
  posguard evidence --lang en examples/ --out evidence-en.zip
  posguard evidence examples/ --out 投诉/2026-11/          # 写入 投诉/2026-11/posguard-evidence.zip
  posguard evidence --settlement 结算明细.csv --terminal 收银流水.csv --bank 网银流水.csv --plan plan.yaml --out 证据包.zip
  posguard evidence --format json examples/ --out 证据包.zip      # 供脚本使用：写入的路径、大小、SHA-256 与 manifest

证据包内容：report.html、report.pdf、findings.csv、complaint-letter.txt（致收单机构客服的投诉函，
含 12363 / 95516 投诉途径）、plan/（费率方案）、inputs/（原始文件；含完整卡号的文件放脱敏副本）、
manifest.json（每个原始文件的名称、大小和 SHA-256，以及包内每个文件的校验值）。
--lang en（全局选项）：report.html、report.pdf 和 findings.csv 用英文；投诉函始终有中文（寄出用）和英文两份。
PDF 需要中文字体：sudo apt-get install fonts-wqy-microhei（或设置 POSGUARD_CJK_FONT）。
--format json 输出 { out, bytes, sha256, date, merchants, summary, entries, inputs }：out 为写入的证据包，
summary 中金额以分计（overchargeFen、lossFen），entries、inputs 与包内 manifest.json 相同。

退出码：0 未发现问题；1 发现问题；2 参数错误、文件无法读取、方案无效或缺少字体。
`,
        `
Examples:
  posguard evidence examples/ --out pack.zip
  posguard evidence --lang en examples/ --out evidence-en.zip
  posguard evidence examples/ --out complaints/2026-11/    # writes complaints/2026-11/posguard-evidence.zip
  posguard evidence --settlement statement.csv --terminal journal.csv --bank bank.csv --plan plan.yaml --out pack.zip
  posguard evidence --format json examples/ --out pack.zip      # for scripts: the path written, its size, SHA-256 and manifest

The pack holds report.html, report.pdf, findings.csv, complaint-letter.txt (a zh-CN letter to the provider's
customer service with the 12363 / 95516 escalation path), plan/, inputs/ (the files as given; a masked copy of a
file that holds a full card number) and manifest.json (every input's name, size and SHA-256, and every entry's hash).
--lang en (a global option): report.html, report.pdf and findings.csv in English; the letter always comes in
zh-CN (to send) and English (complaint-letter.en.txt).
The PDF needs a CJK font: sudo apt-get install fonts-wqy-microhei (or set POSGUARD_CJK_FONT).
--format json prints { out, bytes, sha256, date, merchants, summary, entries, inputs }: out is the pack written,
summary's amounts are in fen (overchargeFen, lossFen), entries and inputs are those of the pack's manifest.json.

Exit codes: 0 nothing found; 1 findings; 2 usage error, unreadable input, invalid plan or no font.
`,
      ),
    )
    .action(async (dir: string | undefined, flags: EvidenceFlags) => {
      const { runEvidence } = await import('../../explain/run-evidence.js');
      await runEvidence(ctx, dir, flags);
    });
}
