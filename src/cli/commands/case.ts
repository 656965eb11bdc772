import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { databaseActorFlags } from '../database-flags.js';
import { formatOption } from '../format-option.js';
import { pick } from '../lang.js';

/** Flags every `posguard case` sub-command takes. */
export interface CaseCommonFlags {
  db?: string;
  merchant?: string;
  user?: string;
  format?: string;
}

/** `\n示例：\n  …` after a sub-command's options: each sub-command's --help shows how to run it, not only `case --help`. */
export function examplesHelp(lang: CliContext['lang'], zh: readonly string[], en: readonly string[]): string {
  return pick(
    lang,
    `\n示例：\n${zh.map((l) => `  ${l}`).join('\n')}\n`,
    `\nExamples:\n${en.map((l) => `  ${l}`).join('\n')}\n`,
  );
}

/** Registers `posguard case list|open|note|move|show|attach`: disputes tracked until the money is back. */
export function registerCaseCommand(program: Command, ctx: CliContext): void {
  const t = (zh: string, en: string): string => pick(ctx.lang, zh, en);
  const run = async (action: string, args: string[], flags: Record<string, unknown>): Promise<void> => {
    const { runCaseCommand } = await import('../../cases/run-case-command.js');
    await runCaseCommand(ctx, action, args, flags);
  };
  const cases = program
    .command('case')
    .description(
      t(
        '投诉案件：从“被多收”跟进到“已退款”（待处理 → 已联系 → 已承诺 → 已退款 | 被拒绝 → 已结案）',
        'dispute cases, from "overcharged" to "refunded" (open → contacted → promised → refunded | rejected → closed)',
      ),
    )
    .addHelpText(
      'after',
      t(
        `
示例：
  posguard case open --merchant 1 --title "9月贷记卡跳点" --claimed 312.50 --provider 乐刷 --note "已导出证据包"
  posguard case list --merchant 1 --idle
  posguard case move 3 已联系 --merchant 1 --note "已致电客服 95016，工单号 A123"
  posguard case move 3 promised --merchant 1 --add-recovered 100 --note "先退回 100 元"
  posguard case move 3 refunded --merchant 1 --add-recovered 212.50 --note "余款已到账"
  posguard case note 3 "客服承诺 3 个工作日内回复" --merchant 1
  posguard case attach 3 evidence.zip --merchant 1
  posguard case show 3 --merchant 1 --format json

直接读写数据库（与 posguard serve 同一个文件）；默认以该商户的第一个店主身份操作，可用 --user 指定。
`,
        `
Examples:
  posguard case open --merchant 1 --title "September credit-card jump" --claimed 312.50 --provider leshua --note "evidence pack exported"
  posguard case list --merchant 1 --idle
  posguard case move 3 contacted --merchant 1 --note "called 95016, ticket A123"
  posguard case move 3 promised --merchant 1 --add-recovered 100 --note "100 refunded so far"
  posguard case move 3 refunded --merchant 1 --add-recovered 212.50 --note "the rest arrived"
  posguard case note 3 "promised an answer in 3 working days" --merchant 1
  posguard case attach 3 evidence.zip --merchant 1
  posguard case show 3 --merchant 1 --format json

Works directly on the database (the same file posguard serve uses), acting as the merchant's first owner unless --user says otherwise.
`,
      ),
    );

  databaseActorFlags(cases.command('list'), ctx)
    .description(t('列出案件', 'list cases'))
    .option('--idle', t('只列出长时间无进展的案件', 'only cases with no change for --days days'))
    .option('--days <n>', t('无进展天数（默认 7）', 'idle days (default 7)'))
    .option(
      '--state <state>',
      t(
        '只列出此状态（代码或名称，如 contacted 或 已联系）',
        'only this state (a code or its name, e.g. contacted)',
      ),
    )
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      examplesHelp(
        ctx.lang,
        [
          'posguard case list --merchant 1',
          'posguard case list --merchant 1 --idle --days 14',
          'posguard case list --merchant 1 --state 已联系 --format json',
        ],
        [
          'posguard case list --merchant 1',
          'posguard case list --merchant 1 --idle --days 14',
          'posguard case list --merchant 1 --state contacted --format json',
        ],
      ),
    )
    .action((flags: Record<string, unknown>) => run('list', [], flags));

  databaseActorFlags(cases.command('open'), ctx)
    .description(t('新建案件', 'open a case'))
    .requiredOption('--title <text>', t('标题（必需）', 'title (required)'))
    .option(
      '--claimed <yuan>',
      t(
        '索赔金额（元）；不写时为所关联发现的损失合计',
        "amount claimed (元); without it, the linked findings' total loss",
      ),
    )
    .option('--provider <name>', t('服务商', 'provider'))
    .option(
      '--finding <ids...>',
      t('关联的核对发现编号（须在该商户的核对结果中）', "linked finding ids (from the merchant's audit)"),
    )
    .option('--note <text>', t('第一条备注', 'first note'))
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      examplesHelp(
        ctx.lang,
        [
          'posguard case open --merchant 1 --title "10月贷记卡跳点" --claimed 312.50 --provider 乐刷 --note "已导出证据包"',
          'posguard case open --merchant 1 --title "两笔多扣手续费" --finding 771d785c9fd6fd42 c310c9814d873683 --format json',
        ],
        [
          'posguard case open --merchant 1 --title "October credit-card jump" --claimed 312.50 --provider leshua --note "evidence pack exported"',
          'posguard case open --merchant 1 --title "two overcharged fees" --finding 771d785c9fd6fd42 c310c9814d873683 --format json',
        ],
      ),
    )
    .action((flags: Record<string, unknown>) => run('open', [], flags));

  databaseActorFlags(cases.command('note'), ctx)
    .description(t('给案件加一条备注', 'add a note to a case'))
    .argument('<case>', t('案件编号', 'case id'))
    .argument('<text>', t('备注内容', 'the note'))
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      examplesHelp(
        ctx.lang,
        ['posguard case note 3 "客服承诺 3 个工作日内回复" --merchant 1'],
        ['posguard case note 3 "promised an answer in 3 working days" --merchant 1'],
      ),
    )
    .action((id: string, text: string, flags: Record<string, unknown>) => run('note', [id, text], flags));

  databaseActorFlags(cases.command('move'), ctx)
    .description(t('改变案件状态（需写备注）', 'change a case’s state (with a note)'))
    .argument('<case>', t('案件编号', 'case id'))
    .argument(
      '<state>',
      t(
        '新状态：代码或名称，open 待处理 | contacted 已联系 | promised 已承诺 | refunded 已退款 | rejected 被拒绝 | closed 已结案',
        'the new state, as a code or its Chinese name: open 待处理 | contacted 已联系 | promised 已承诺 | refunded 已退款 | rejected 被拒绝 | closed 已结案',
      ),
    )
    .requiredOption('--note <text>', t('为什么改变状态（必需）', 'why the state changes (required)'))
    .option('--recovered <yuan>', t('累计已追回金额（元）', 'total amount recovered so far (元)'))
    .option(
      '--add-recovered <yuan>',
      t(
        '本次追回的金额（元），加到已追回金额上（分笔退款）',
        'this payment (元), added to the amount recovered',
      ),
    )
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      examplesHelp(
        ctx.lang,
        [
          'posguard case move 3 已联系 --merchant 1 --note "已致电客服 95016，工单号 A123"',
          'posguard case move 3 promised --merchant 1 --add-recovered 100 --note "先退回 100 元"',
          'posguard case move 3 refunded --merchant 1 --recovered 312.50 --note "全部退回" --format json',
        ],
        [
          'posguard case move 3 contacted --merchant 1 --note "called 95016, ticket A123"',
          'posguard case move 3 promised --merchant 1 --add-recovered 100 --note "100 refunded so far"',
          'posguard case move 3 refunded --merchant 1 --recovered 312.50 --note "all refunded" --format json',
        ],
      ),
    )
    .action((id: string, state: string, flags: Record<string, unknown>) => run('move', [id, state], flags));

  databaseActorFlags(cases.command('attach'), ctx)
    .description(
      t(
        '给案件附加文件（如证据包，最大 50 MiB）',
        'attach a file to a case (e.g. the evidence pack, at most 50 MiB)',
      ),
    )
    .argument('<case>', t('案件编号', 'case id'))
    .argument('<file>', t('文件', 'file'))
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      examplesHelp(
        ctx.lang,
        [
          'posguard case attach 3 证据包.zip --merchant 1',
          'posguard case attach 3 客服回复.png --merchant 1 --format json',
        ],
        [
          'posguard case attach 3 pack.zip --merchant 1',
          'posguard case attach 3 reply.png --merchant 1 --format json',
        ],
      ),
    )
    .action((id: string, file: string, flags: Record<string, unknown>) => run('attach', [id, file], flags));

  databaseActorFlags(cases.command('show'), ctx)
    .description(t('显示案件详情', 'show a case'))
    .argument('<case>', t('案件编号', 'case id'))
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      examplesHelp(
        ctx.lang,
        ['posguard case show 3 --merchant 1', 'posguard case show 3 --merchant 1 --format json'],
        ['posguard case show 3 --merchant 1', 'posguard case show 3 --merchant 1 --format json'],
      ),
    )
    .action((id: string, flags: Record<string, unknown>) => run('show', [id], flags));
}
