import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT_FINDINGS, EXIT_USAGE } from '../errors.js';
import { formatOption } from '../format-option.js';
import { pick } from '../lang.js';

interface CheckOptions {
  format: 'table' | 'json';
}

interface FeeOptions {
  format: 'table' | 'json';
  amount: string;
  channel: string;
  card: string;
  date?: string;
}

/** `posguard plan check FILE` and `posguard plan fee FILE --amount …`. */
export function registerPlanCommand(program: Command, ctx: CliContext): void {
  const zh = ctx.lang !== 'en';
  const plan = program
    .command('plan')
    .description(
      pick(
        ctx.lang,
        '费率方案：检查方案文件、计算某笔交易应收的手续费',
        'fee plan: validate a plan file, compute the fee a sale should cost',
      ),
    )
    .addHelpText(
      'after',
      pick(
        ctx.lang,
        '\n示例：\n  posguard plan check examples/plan.yaml\n  posguard plan fee examples/plan.yaml --amount 8000 --card debit --date 2026-10-15\n',
        '\nExamples:\n  posguard plan check examples/plan.yaml\n  posguard plan fee examples/plan.yaml --amount 8000 --card debit --date 2026-10-15\n',
      ),
    );

  plan
    .command('check')
    .description(
      pick(
        ctx.lang,
        '检查费率方案文件并打印摘要；有错误时逐条列出（文件:行 路径: 原因），退出码 2',
        'validate a plan file and print its summary; on errors list each as file:line path: message and exit 2',
      ),
    )
    .argument('<file>', pick(ctx.lang, '费率方案文件（YAML 或 JSON）', 'plan file (YAML or JSON)'))
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      zh
        ? '\n示例：\n  posguard plan check examples/plan.yaml\n  posguard plan check examples/plan.yaml --format json\n  posguard plan check my-plan.yaml --lang en\n'
        : '\nExamples:\n  posguard plan check examples/plan.yaml\n  posguard plan check examples/plan.yaml --format json --lang en\n',
    )
    .action(async (file: string, options: CheckOptions) => {
      await runCheck(ctx, file, options);
    });

  plan
    .command('fee')
    .description(
      pick(
        ctx.lang,
        '按费率方案计算一笔交易应收的手续费，并给出所用的规则',
        'compute the fee the plan allows on one sale and show the rule that produced it',
      ),
    )
    .argument('<file>', pick(ctx.lang, '费率方案文件（YAML 或 JSON）', 'plan file (YAML or JSON)'))
    .requiredOption(
      '--amount <yuan>',
      pick(ctx.lang, '交易金额（元），如 1234.56', 'sale amount in yuan, e.g. 1234.56'),
    )
    .addOption(
      new Option(
        '--channel <channel>',
        pick(
          ctx.lang,
          '渠道：card|nfc|unionpay-qr|wechat|alipay|ecny|other 或 刷卡/闪付/微信…',
          'channel: card|nfc|unionpay-qr|wechat|alipay|ecny|other',
        ),
      ).default('card'),
    )
    .addOption(
      new Option(
        '--card <card>',
        pick(
          ctx.lang,
          '卡种：debit|credit|prepaid|unknown 或 借记卡/信用卡…',
          'card type: debit|credit|prepaid|unknown',
        ),
      ).default('credit'),
    )
    .option(
      '--date <YYYY-MM-DD>',
      pick(ctx.lang, '交易日期（上海时间），默认今天', 'sale date (Asia/Shanghai), default today'),
    )
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      zh
        ? '\n示例：\n  posguard plan fee examples/plan.yaml --amount 1234.56 --date 2026-10-15\n  posguard plan fee examples/plan.yaml --amount 8000 --card 借记卡 --date 2026-10-01\n  posguard plan fee examples/plan.yaml --amount 500 --channel 闪付 --date 2026-10-15 --format json\n'
        : '\nExamples:\n  posguard plan fee examples/plan.yaml --amount 1234.56 --date 2026-10-15 --lang en\n  posguard plan fee examples/plan.yaml --amount 8000 --card debit --date 2026-10-01 --lang en\n  posguard plan fee examples/plan.yaml --amount 500 --channel nfc --date 2026-10-15 --format json\n',
    )
    .action(async (file: string, options: FeeOptions) => {
      await runFee(ctx, file, options);
    });
}

async function loadOrReport(ctx: CliContext, file: string, format: 'table' | 'json') {
  const { loadPlanFile, formatPlanIssue } = await import('../../plans/parse-plan.js');
  const result = await loadPlanFile(resolve(ctx.cwd, file));
  if (result.ok) return result;
  if (format === 'json') {
    const errors = result.errors.map((e) => ({
      file,
      ...(e.line === undefined ? {} : { line: e.line }),
      path: e.path,
      code: e.code,
      message: pick(ctx.lang, e.zh, e.en),
    }));
    ctx.stdout(`${JSON.stringify({ ok: false, errors }, null, 2)}\n`);
  } else {
    for (const e of result.errors) ctx.stderr(`${formatPlanIssue(file, e, ctx.lang)}\n`);
  }
  ctx.exitCode = EXIT_USAGE;
  return undefined;
}

async function runCheck(ctx: CliContext, file: string, options: CheckOptions): Promise<void> {
  const loaded = await loadOrReport(ctx, file, options.format);
  if (loaded === undefined) return;
  const { formatPlanIssue } = await import('../../plans/parse-plan.js');
  if (options.format === 'json') {
    const warnings = loaded.warnings.map((w) => ({ ...w, message: pick(ctx.lang, w.zh, w.en) }));
    ctx.stdout(`${JSON.stringify({ ok: true, file, plan: loaded.plan, warnings }, null, 2)}\n`);
    return;
  }
  const { describePlan } = await import('../../plans/describe-plan.js');
  ctx.stdout(`${pick(ctx.lang, '费率方案有效', 'The fee plan is valid')}: ${file}\n`);
  ctx.stdout(describePlan(loaded.plan, ctx.lang));
  if (loaded.warnings.length > 0) {
    ctx.stdout(`${pick(ctx.lang, '提醒', 'Warnings')}:\n`);
    for (const w of loaded.warnings) ctx.stdout(`  ${formatPlanIssue(file, w, ctx.lang)}\n`);
  }
}

async function runFee(ctx: CliContext, file: string, options: FeeOptions): Promise<void> {
  const { parseAmount, formatFen, formatRate, percentageFee } = await import('../../money/index.js');
  const { channelFromName, cardFromName, CHANNEL_CHOICES, CARD_CHOICES } = await import(
    '../../plans/plan-vocabulary.js'
  );
  const { checkDate } = await import('../../plans/plan-leaf.js');
  const { addDays, todayInShanghai } = await import('../../time/shanghai.js');

  const amount = parseAmount(options.amount, 'yuan');
  if (!amount.ok) throw new CliError(`--amount：${amount.problem.zh}`, `--amount: ${amount.problem.en}`);
  if (amount.value < 0) {
    throw new CliError(
      '--amount 应为交易（消费）金额，不能为负数',
      '--amount is a sale amount and must not be negative',
    );
  }
  const channel = channelFromName(options.channel);
  if (channel === undefined) {
    throw new CliError(
      `--channel “${options.channel}”无效，可选：${CHANNEL_CHOICES}`,
      `--channel "${options.channel}" is not one of ${CHANNEL_CHOICES}`,
    );
  }
  const card = cardFromName(options.card);
  if (card === undefined) {
    throw new CliError(
      `--card “${options.card}”无效，可选：${CARD_CHOICES}`,
      `--card "${options.card}" is not one of ${CARD_CHOICES}`,
    );
  }
  const date = checkDate(options.date ?? todayInShanghai());
  if (!date.ok) throw new CliError(`--date：${date.zh}`, `--date: ${date.en}`);

  const loaded = await loadOrReport(ctx, file, 'table');
  if (loaded === undefined) return;
  const { quoteFee } = await import('../../plans/expected-fee.js');
  const { describeRule, roundingName } = await import('../../plans/describe-plan.js');
  const plan = loaded.plan;
  const quote = quoteFee(plan, { amountFen: amount.value, channel, card, date: date.value });
  if (!quote.ok) {
    const { channelCardWords } = await import('../../records/vocabulary.js');
    // The sale in words (银联二维码贷记卡 / UnionPay QR (credit card)), never the plan's codes; a card stated as
    // unknown is said so, not left out.
    const words = channelCardWords(channel, card);
    const unknownCard = card === 'unknown' && channel !== 'unknown';
    const whatZh = `${words.zh}${unknownCard ? '（未知卡种）' : ''} ${formatFen(amount.value)}`;
    const whatEn = `${words.en}${unknownCard ? ' (unknown card)' : ''} ${formatFen(amount.value)}`;
    if (quote.reason === 'no_period') {
      // Which days the plan does price, so the date to pass with --date is at hand.
      const spans = plan.periods.map((p) => ({
        zh: `${p.from} 至 ${p.until ?? '今后'}`,
        en: `${p.from} to ${p.until ?? 'open-ended'}`,
      }));
      throw new CliError(
        `${file} 中没有在 ${date.value} 生效的费率期间（方案的期间：${spans.map((x) => x.zh).join('、')}），可用 --date 指定交易日期`,
        `no period of ${file} is in force on ${date.value} (the plan's periods: ${spans.map((x) => x.en).join(', ')}); pass the sale's date with --date`,
        EXIT_FINDINGS,
      );
    }
    throw new CliError(
      `${file} 在 ${date.value} 生效的期间里没有规则适用于 ${whatZh}`,
      `no rule of the period in force on ${date.value} in ${file} prices ${whatEn}`,
      EXIT_FINDINGS,
    );
  }
  const { rule, period, deferred } = quote;
  const path = `periods[${period.index}].rates[${rule.index}]`;
  // A raise the plan dates on or before the sale but told with less than the contract's notice does not bind yet
  // (quoteFee): the earlier rule priced the sale, and the output says which raise waits, told when, binding when —
  // else the old fee on a date past the old period's end reads as a mistake.
  const later =
    deferred === undefined
      ? undefined
      : {
          ...deferred,
          path: `periods[${deferred.period.index}].rates[${deferred.rule.index}]`,
          rate: formatRate(deferred.rule.ratePpm),
        };
  if (options.format === 'json') {
    const json = {
      feeFen: quote.feeFen,
      fee: formatFen(quote.feeFen).replace('¥', ''),
      amountFen: amount.value,
      channel,
      card,
      date: date.value,
      rounding: plan.rounding,
      percentageFen: quote.percentageFen,
      capApplied: quote.capApplied,
      rule: {
        path,
        period: { from: period.from, until: period.until ?? null },
        rate: formatRate(rule.ratePpm),
        ...rule,
      },
      line: rule.line,
      // null when no raise waits on its notice.
      deferred:
        later === undefined
          ? null
          : {
              feeFen: later.feeFen,
              fee: formatFen(later.feeFen).replace('¥', ''),
              rate: later.rate,
              path: later.path,
              line: later.rule.line,
              period: { from: later.period.from, until: later.period.until ?? null },
              noticed: later.noticed,
              noticeDays: later.noticeDays,
              effective: later.effective,
            },
    };
    ctx.stdout(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  const en = ctx.lang === 'en';
  const raw = formatFen(percentageFee(amount.value, rule.ratePpm, plan.rounding));
  let working = `${formatFen(amount.value)} × ${formatRate(rule.ratePpm)} = ${raw}`;
  if (quote.capApplied) working += `${en ? ', capped at' : '，封顶'} ${formatFen(quote.percentageFen)}`;
  if (rule.fixedFen !== 0) working += ` + ${formatFen(rule.fixedFen)}`;
  if (
    rule.minFen !== undefined &&
    quote.feeFen === rule.minFen &&
    quote.percentageFen + rule.fixedFen < rule.minFen
  ) {
    working += en
      ? `, raised to the minimum ${formatFen(rule.minFen)}`
      : `，按最低 ${formatFen(rule.minFen)}`;
  }
  // A period written to end before the sale runs on while the raise after it waits: said, not left to puzzle.
  const runsOn =
    later !== undefined && period.until !== undefined && period.until < date.value
      ? addDays(later.effective, -1)
      : undefined;
  const until =
    (period.until ?? (en ? 'open-ended' : '长期')) +
    (runsOn === undefined
      ? ''
      : en
        ? ` (runs on to ${runsOn} while the raise after it is deferred)`
        : `（调价暂缓，延用至 ${runsOn}）`);
  ctx.stdout(
    en
      ? `Expected fee: ${formatFen(quote.feeFen)}\nRule: ${file}:${rule.line} ${path}: ${describeRule(rule, 'en')}\nPeriod: ${period.from} to ${until}\nWorking: ${working} (${plan.rounding})\n`
      : `应收手续费: ${formatFen(quote.feeFen)}\n规则: ${file}:${rule.line} ${path}: ${describeRule(rule, 'zh')}\n期间: ${period.from} 至 ${until}\n计算: ${working}（${roundingName(plan.rounding, 'zh')}）\n`,
  );
  if (later !== undefined) {
    const where = `${file}:${later.rule.line} ${later.path}`;
    ctx.stdout(
      en
        ? `Deferred raise: ${where}: ${describeRule(later.rule, 'en')} from ${later.period.from} (${formatFen(later.feeFen)} on this sale) was noticed only on ${later.noticed}, less than the ${later.noticeDays} days’ notice the contract requires, so it binds from ${later.effective}; until then the rule above applies\n`
        : `暂缓的调价: ${where}: ${later.period.from} 起 ${describeRule(later.rule, 'zh')}（这笔交易按此为 ${formatFen(later.feeFen)}）于 ${later.noticed} 才通知，不足合同要求的 ${later.noticeDays} 天，${later.effective} 起才生效；此前仍按上面的规则计\n`,
    );
  }
}
