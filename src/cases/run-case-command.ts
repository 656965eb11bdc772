import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { CliContext } from '../cli/context.js';
import { CliError } from '../cli/errors.js';
import { pick } from '../cli/lang.js';
import { formatFen, parseAmount } from '../money/index.js';
import { auditFromInput, merchantAuditInput } from '../server/merchant-audit.js';
import { AccessDenied } from '../storage/access.js';
import {
  addCaseAttachment,
  addCaseNote,
  type CaseDetail,
  type CaseSummary,
  createCase,
  getCase,
  listCases,
  updateCase,
} from '../storage/cases-repo.js';
import { CaseError } from './case-error.js';
import { isoToEpochMs, wallTimeAtEpochMs, wallTimeToIso } from '../time/shanghai.js';
import {
  CASE_STATE_NAMES_ZH,
  type CaseState,
  canMove,
  caseStateChoices,
  DEFAULT_IDLE_DAYS,
  MAX_ATTACHMENT_BYTES,
  nextStates,
  parseCaseState,
} from './case-states.js';
import { openCliSession } from './cli-session.js';

function yuanFlag(text: unknown, flag: string): number {
  const parsed = parseAmount(String(text), 'yuan');
  if (!parsed.ok || parsed.value < 0)
    throw new CliError(`${flag} 应为金额（元），如 312.50`, `${flag} must be an amount in 元, e.g. 312.50`);
  return parsed.value;
}

function caseId(text: string | undefined): number {
  if (text === undefined || !/^[1-9]\d{0,9}$/.test(text))
    throw new CliError(`案件编号无效：${text ?? ''}`, `invalid case id: ${text ?? ''}`);
  return Number(text);
}

/** A state typed on the command line (code or Chinese name); an unknown one lists every valid spelling. */
function stateArg(text: string): CaseState {
  const state = parseCaseState(text);
  if (state === undefined) {
    throw new CliError(
      `未知状态：${text}（可用：${caseStateChoices('zh')}）`,
      `unknown state: ${text} (valid: ${caseStateChoices('en')})`,
    );
  }
  return state;
}

/** A state as the text output shows it: its Chinese name in zh, its code in en. */
function stateName(state: CaseState, lang: 'zh' | 'en'): string {
  return lang === 'en' ? state : CASE_STATE_NAMES_ZH[state];
}

/** A stored time (ISO, any offset) as Asia/Shanghai wall time, `2026-10-14 15:03:09`, whatever the machine's zone. */
function shanghaiTime(iso: string): string {
  try {
    return wallTimeToIso(wallTimeAtEpochMs(isoToEpochMs(iso)))
      .slice(0, 19)
      .replace('T', ' ');
  } catch {
    return iso;
  }
}

function summaryLine(c: CaseSummary, lang: 'zh' | 'en'): string {
  const state = stateName(c.state, lang);
  return `#${c.id}  ${state}  ${formatFen(c.amountRecoveredFen)} / ${formatFen(c.amountClaimedFen)}  ${c.title}${c.provider === null ? '' : `  (${c.provider})`}  ${pick(lang, `${c.idleDays} 天无进展`, `idle ${c.idleDays}d`)}`;
}

function detailText(c: CaseDetail, lang: 'zh' | 'en'): string {
  const t = (zh: string, en: string): string => pick(lang, zh, en);
  const lines = [
    summaryLine(c, lang),
    `${t('下一步可改为', 'may move to')}: ${c.nextStates.map((s) => stateName(s, lang)).join(t('、', ', ')) || '-'}`,
  ];
  if (c.findingIds.length > 0) lines.push(`${t('关联发现', 'findings')}: ${c.findingIds.join(', ')}`);
  for (const n of c.notes) {
    const move =
      n.toState === null
        ? ''
        : ` [${n.fromState === null ? '' : stateName(n.fromState, lang)}→${stateName(n.toState, lang)}]`;
    lines.push(`  ${shanghaiTime(n.at)}${move} ${n.text}`);
  }
  for (const a of c.attachments) lines.push(`  📎 #${a.id} ${a.name} ${a.size} B sha256 ${a.sha256}`);
  return `${lines.join('\n')}\n`;
}

/** Runs one `posguard case` sub-command on the database. */
export async function runCaseCommand(
  ctx: CliContext,
  action: string,
  args: string[],
  flags: Record<string, unknown>,
): Promise<void> {
  const str = (k: string): string | undefined => (typeof flags[k] === 'string' ? flags[k] : undefined);
  const session = await openCliSession(ctx, {
    ...(str('db') === undefined ? {} : { db: str('db') as string }),
    ...(str('merchant') === undefined ? {} : { merchant: str('merchant') as string }),
    ...(str('user') === undefined ? {} : { user: str('user') as string }),
  });
  const { storage, userId, merchantId } = session;
  const db = storage.db;
  const now = new Date();
  const actor = { userId, at: now.toISOString(), address: 'cli' };
  const json = str('format') === 'json';
  const print = (value: CaseDetail): void =>
    ctx.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : detailText(value, ctx.lang));
  try {
    if (action === 'list') {
      const typed = str('state');
      const state = typed === undefined ? undefined : stateArg(typed);
      const days = str('days');
      if (days !== undefined && !/^\d{1,4}$/.test(days))
        throw new CliError('--days 应为整数', '--days must be a whole number');
      const idle = flags['idle'] === true || days !== undefined;
      const list = await listCases(db, userId, merchantId, {
        now,
        ...(state === undefined ? {} : { state }),
        ...(idle ? { idleDays: days === undefined ? DEFAULT_IDLE_DAYS : Number(days) } : {}),
      });
      if (json) ctx.stdout(`${JSON.stringify({ cases: list }, null, 2)}\n`);
      else if (list.length === 0) ctx.stdout(pick(ctx.lang, '没有案件\n', 'no cases\n'));
      else ctx.stdout(`${list.map((c) => summaryLine(c, ctx.lang)).join('\n')}\n`);
      // Idle cases are something to act on.
      if (idle && list.length > 0) ctx.exitCode = 1;
    } else if (action === 'open') {
      const finding = flags['finding'];
      const findingIds = Array.isArray(finding) ? (finding as string[]) : undefined;
      const claimed = str('claimed');
      let amountClaimedFen = claimed === undefined ? 0 : yuanFlag(claimed, '--claimed');
      if (findingIds !== undefined && findingIds.length > 0) {
        // The findings a case cites must be the merchant's own (a typo or a stale id would claim nothing), and
        // without --claimed the claim is the money they lost (lossFen, the report's 合计损失), to the fen.
        const report = auditFromInput(await merchantAuditInput(db, userId, merchantId, ctx.lang), {});
        const byId = new Map(report.findings.map((f) => [f.id, f]));
        const unknown = findingIds.filter((f) => !byId.has(f));
        if (unknown.length > 0) {
          throw new CliError(
            `商户 ${merchantId} 的核对结果中没有这些发现：${unknown.join('、')}（用 posguard audit 或看板查看发现编号）`,
            `merchant ${merchantId} has no such finding: ${unknown.join(', ')} (see posguard audit or the dashboard for finding ids)`,
          );
        }
        if (claimed === undefined) {
          for (const f of new Set(findingIds)) {
            const finding = byId.get(f);
            if (finding !== undefined) amountClaimedFen += finding.lossFen;
          }
        }
      }
      // One dispute per overcharge: a second case citing the same finding would claim the money twice.
      if (findingIds !== undefined && findingIds.length > 0) {
        const wanted = new Set(findingIds);
        for (const c of await listCases(db, userId, merchantId, { now })) {
          const shared = c.findingIds.filter((f) => wanted.has(f));
          if (c.state === 'closed' || shared.length === 0) continue;
          throw new CliError(
            `案件 #${c.id}（${CASE_STATE_NAMES_ZH[c.state]}）已关联发现 ${shared.join('、')}，请在该案件上继续跟进`,
            `case #${c.id} (${c.state}) already cites finding ${shared.join(', ')}; carry on with that case`,
          );
        }
      }
      print(
        await createCase(db, actor, merchantId, {
          title: str('title') ?? '',
          amountClaimedFen,
          provider: str('provider'),
          findingIds,
          note: str('note'),
        }),
      );
    } else if (action === 'note') {
      print(await addCaseNote(db, actor, merchantId, caseId(args[0]), args[1] ?? ''));
    } else if (action === 'move') {
      const state = stateArg(args[1] ?? '');
      const id = caseId(args[0]);
      const recovered = str('recovered');
      const added = str('addRecovered');
      if (recovered !== undefined && added !== undefined) {
        throw new CliError(
          '--recovered（累计已追回）与 --add-recovered（本次追回）只能用一个',
          'give either --recovered (the total recovered) or --add-recovered (this payment), not both',
        );
      }
      const current = await getCase(db, userId, merchantId, id, now);
      // A move the life cycle forbids is the first thing to say: asking for --recovered on it would mislead.
      if (state !== current.state && !canMove(current.state, state)) {
        const allowed = nextStates(current.state);
        throw new CliError(
          `案件不能从“${CASE_STATE_NAMES_ZH[current.state]}”改为“${CASE_STATE_NAMES_ZH[state]}”（可改为：${allowed.map((s) => CASE_STATE_NAMES_ZH[s]).join('、') || '无'}）`,
          `a case cannot move from ${current.state} to ${state} (allowed: ${allowed.join(', ') || 'none'})`,
        );
      }
      // A partial refund adds to what came back before; --recovered states the total.
      const recoveredFen =
        recovered !== undefined
          ? yuanFlag(recovered, '--recovered')
          : added !== undefined
            ? current.amountRecoveredFen + yuanFlag(added, '--add-recovered')
            : undefined;
      if (state === 'refunded' && (recoveredFen ?? current.amountRecoveredFen) === 0) {
        throw new CliError(
          '改为“已退款”时请用 --recovered 写明追回的金额（元）',
          'moving to refunded needs the amount that came back: --recovered YUAN',
        );
      }
      print(
        await updateCase(db, actor, merchantId, id, {
          state,
          note: str('note'),
          ...(recoveredFen === undefined ? {} : { amountRecoveredFen: recoveredFen }),
        }),
      );
    } else if (action === 'attach') {
      const path = resolve(ctx.cwd, args[1] ?? '');
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch {
        throw new CliError(`无法读取文件：${args[1] ?? ''}`, `cannot read ${args[1] ?? ''}`);
      }
      if (bytes.length > MAX_ATTACHMENT_BYTES)
        throw new CliError('附件超过 50 MiB', 'the attachment is larger than 50 MiB');
      const id = caseId(args[0]);
      await addCaseAttachment(db, actor, merchantId, id, { name: basename(path), bytes });
      print(await getCase(db, userId, merchantId, id, now));
    } else if (action === 'show') {
      print(await getCase(db, userId, merchantId, caseId(args[0]), now));
    }
  } catch (error) {
    if (error instanceof CaseError) throw new CliError(error.zh, error.message);
    if (error instanceof AccessDenied) {
      throw new CliError(
        error.code === 'forbidden'
          ? `用户 ${session.email} 对商户 ${merchantId} 只有只读权限`
          : `商户 ${merchantId} 不存在`,
        error.message,
      );
    }
    throw error;
  } finally {
    await storage.close();
  }
}
