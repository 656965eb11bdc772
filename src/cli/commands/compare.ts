import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { formatOption } from '../format-option.js';
import { pick } from '../lang.js';

/** Flags of `posguard compare`. */
export interface CompareFlags {
  terminal?: string[];
  terminalPreset?: string;
  settlement?: string[];
  settlementPreset?: string;
  plan?: string;
  catalog?: string;
  merchant?: string[];
  months?: string;
  asOf?: string;
  format: string;
}

/** Registers `posguard compare`: the merchant's own history priced under every catalogue plan, cheapest first. */
export function registerCompareCommand(program: Command, ctx: CliContext): void {
  const t = (zh: string, en: string): string => pick(ctx.lang, zh, en);
  program
    .command('compare')
    .description(
      t(
        '用自己的交易历史比较各服务商方案：按第一年总成本（手续费 + 流量费 + 押金）从低到高排序',
        'price your own history under each provider plan, cheapest first year (fees + SIM + deposit) first',
      ),
    )
    .option('--terminal <files...>', t('终端交易流水（必需）', 'terminal journals (required)'))
    .option('--terminal-preset <name>', t('终端流水的预设格式', 'preset for the journals'))
    .option(
      '--settlement <files...>',
      t(
        '结算单：同时显示各服务商在您数据中的跳点记录',
        "statements: also show each provider's 跳点 record in your data",
      ),
    )
    .option(
      '--settlement-preset <name>',
      t(
        '结算单的预设格式（也用于匹配目录中的服务商）',
        'preset for the statements (also matches catalogue providers)',
      ),
    )
    .option(
      '--plan <file>',
      t(
        '您现在的费率方案（用于核对结算单；其 provider 字段用于匹配目录）',
        'your current fee plan (audits the statements; its provider field matches the catalogue)',
      ),
    )
    .option(
      '--catalog <file>',
      t(
        '服务商方案目录（默认 catalog/providers.yaml）',
        'provider catalogue (default catalog/providers.yaml)',
      ),
    )
    .option(
      '--merchant <ids...>',
      t(
        '只比较这些商户号（流水含多个商户时，不加此项则每个商户分别比较）',
        'compare only these merchant IDs (a journal of several merchants is otherwise compared merchant by merchant)',
      ),
    )
    .option(
      '--months <n>',
      t(
        '只用最近 N 个自然月的交易（折算按这 N 个月）',
        'use only the last N calendar months of history (annualised over those months)',
      ),
    )
    .option(
      '--as-of <date>',
      t(
        '假定换用服务商的日期 YYYY-MM-DD（默认今天；第一年从这天算起）',
        'the day you would switch, YYYY-MM-DD (default today; the first year starts then)',
      ),
    )
    .addOption(formatOption(['table', 'json', 'csv', 'html']))
    .addHelpText(
      'after',
      t(
        `
示例：
  posguard compare --terminal data/terminal.csv
  posguard compare --terminal data/terminal.csv --settlement data/settlement.csv --plan data/plan.yaml --months 3
  posguard compare --terminal t1.csv t2.csv --catalog my-quotes.yaml --format json --as-of 2027-01-01
  posguard compare --terminal agent-journal.csv --merchant 898440153991234
  posguard compare --terminal data/terminal.csv --format csv > 方案比较.csv
  posguard compare --terminal data/terminal.csv --settlement data/settlement.csv --plan data/plan.yaml --format html > 方案比较.html

第一年合计 = 您的交易历史折算为换用后第一年的手续费（每天按当天有效的费率期间计价，优惠到期后按到期后的费率）
+ 方案约定的费用（月费、季费、年费按第一年内开始的周期计；提现费按方案结算周期的到账日计，T1 只在工作日到账）
+ 每台终端的流量费（按年）+ 每台终端的押金（只计一次）。
折算按流水覆盖的天数：标题写明的日期范围，否则按流水所跨的整月；但流水在月中停止（或开始）、停顿比店里平时两笔之间
最长的停顿还长时（至少 7 天有交易才这样判断），只算到最后一笔（从第一笔算起）；都不晚于标题写明的导出时间，也不晚于今天。
流水不足约一个月或消费太少时会提示排名不确定。
流水含多个商户时每个商户分别比较（JSON 为 { "merchants": [...] }，CSV 每行写明商户号），或用 --merchant 指定。
加 --settlement 时，各服务商的跳点记录与 posguard audit（同样的 --merchant）报告的损失一致，含未结算的交易；
结算单来自多家服务商时，未结算的交易归入结算单中出现其终端的那家，无法确定的单独列出并说明。
--format csv：UTF-8（带 BOM，Excel 可直接打开），金额单位元；--format html：单个网页文件，不访问网络。
有交易无法计价（方案不含该渠道）或有日子没有有效费率的方案标为“不完整”，排在完整的方案之后；
晚于换用日才开始的方案标出开始日期。--plan 只和 --settlement 一起使用。
目录 catalog/providers.yaml 中的数字是注明出处的示例，可以改成您拿到的报价。
`,
        `
Examples:
  posguard compare --terminal data/terminal.csv
  posguard compare --terminal data/terminal.csv --settlement data/settlement.csv --plan data/plan.yaml --months 3
  posguard compare --terminal t1.csv t2.csv --catalog my-quotes.yaml --format json --as-of 2027-01-01
  posguard compare --terminal agent-journal.csv --merchant 898440153991234
  posguard compare --terminal data/terminal.csv --format csv > comparison.csv
  posguard compare --terminal data/terminal.csv --settlement data/settlement.csv --plan data/plan.yaml --format html > comparison.html

First year = your history's fees scaled to the first year after switching (each day priced by the period in force
then, so a promotion that ends counts only until it ends) + the plan's charges (monthly, quarterly, yearly: once per
cycle begun in the year; per payout: once per payout day of the plan's settlement cycle, T1 paying on working days)
+ SIM fees per terminal per year + deposit per terminal (counted once).
The history is annualised over the days the journals cover: the dates their title states, else the whole calendar
months they span — but a journal whose lines stop (or start) mid-month, silent for longer than the shop ever is
between sales (judged with sales on 7 days or more), covers only up to its last (from its first) line; never past
the export time its title gives, nor today. A history shorter than about a month, or with few sales, is flagged as
uncertain.
A journal of several merchants is compared merchant by merchant (JSON: { "merchants": [...] }; CSV: the merchant on
each row), or pick with --merchant. With --settlement, each provider's 跳点 record is the loss posguard audit (with
the same --merchant) reports, sales never settled included; with several providers' statements, a sale never settled
is the provider's whose statements show its terminal, and those no one provider's show are reported apart.
--format csv: UTF-8 with a BOM (opens in Excel), money in 元; --format html: one web page, fetching nothing. A plan that leaves sales unpriced (a channel it does not price) or days without a rate in force is marked
incomplete and ranked after the complete ones; a plan starting after the switch date shows when it starts.
--plan is used with --settlement only.
The figures in catalog/providers.yaml are examples citing their sources; replace them with the quotes you get.
`,
      ),
    )
    .action(async (flags: CompareFlags) => {
      const { runCompare } = await import('../../compare/run-compare.js');
      await runCompare(ctx, flags);
    });
}
