import { formatFen } from '../money/fen.js';
import type { Cause, Confidence, Diagnosis } from './diagnosis-types.js';

type Lang = 'zh' | 'en';

/** Names of the causes, for tables and letters. */
export const CAUSE_NAMES: Record<Cause, { zh: string; en: string }> = {
  provider_rate_change: { zh: '收单机构/代理商调价', en: 'provider or agent rate change' },
  promo_expiry: { zh: '优惠费率到期', en: 'promotional rate expired' },
  unagreed_charge: { zh: '未约定的收费', en: 'charge never agreed' },
  money_frozen: { zh: '资金冻结（风控）', en: 'money frozen (risk control)' },
  settlement_mode_change: { zh: '结算方式变更（D0/秒到）', en: 'settlement mode changed (D0/instant)' },
  terminal_setting_error: { zh: '终端/商户费率设置错误', en: 'terminal or merchant fee setting error' },
  network_resubmission: { zh: '网络超时重发', en: 'network resubmission' },
  device_fault: { zh: '终端设备故障', en: 'device fault' },
  provider_backend_error: { zh: '收单机构后台差错', en: 'provider back-end error' },
  cancelled_fee_kept: { zh: '撤销/冲正后手续费未退回', en: 'fee kept on a voided or reversed sale' },
  bank_limit_change: { zh: '发卡行限额调整', en: 'bank limit change' },
  software_update: { zh: '终端软件升级', en: 'terminal software update' },
  unexplained: { zh: '原因待查', en: 'unexplained' },
};

/** The tag a diagnosis is shown with: its own (Diagnosis.tag) when it has one, else its cause's name. */
export function causeTag(d: Pick<Diagnosis, 'cause' | 'tag'>, lang: Lang): string {
  const name = d.tag ?? CAUSE_NAMES[d.cause];
  return pick(lang, name.zh, name.en);
}

const CONFIDENCE: Record<Confidence, { zh: string; en: string }> = {
  high: { zh: '把握大', en: 'high confidence' },
  medium: { zh: '较可能', en: 'medium confidence' },
  low: { zh: '待核实', en: 'low confidence' },
};

const pick = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh);

/**
 * What a diagnosis's money is, as a word before the amount: 损失 (loss), or 冻结 (held) for money frozen, which
 * stays the merchant's and is paid once released, so it is not called lost.
 */
export function moneyWord(d: Pick<Diagnosis, 'cause'>, lang: Lang): string {
  return d.cause === 'money_frozen' ? pick(lang, '冻结', 'held') : pick(lang, '损失', 'loss');
}

/** The section title shown in every output. */
export function diagnosesHeading(lang: Lang): string {
  return pick(lang, '可能原因与处理建议', 'Likely causes and what to do');
}

/**
 * The diagnosis's title; prefixed with its merchant when the diagnoses cover several merchants (an agent's
 * report), since the same cause at two merchants otherwise reads as one problem stated twice.
 */
export function diagnosisTitle(d: Diagnosis, all: readonly Diagnosis[], lang: Lang): string {
  const title = pick(lang, d.title, d.titleEn);
  const merchants = new Set(all.map((x) => x.merchantId ?? ''));
  if (merchants.size <= 1 || d.merchantId === undefined || d.merchantId === '') return title;
  return pick(lang, `商户 ${d.merchantId}：${title}`, `merchant ${d.merchantId}: ${title}`);
}

/** The diagnoses as plain-text lines for the terminal table (heading included). */
export function diagnosisLines(diagnoses: readonly Diagnosis[], lang: Lang): string[] {
  const out = [diagnosesHeading(lang)];
  diagnoses.forEach((d, i) => {
    out.push(
      `  ${i + 1}. ${diagnosisTitle(d, diagnoses, lang)}  [${causeTag(d, lang)} · ${pick(lang, CONFIDENCE[d.confidence].zh, CONFIDENCE[d.confidence].en)}]` +
        (d.lossFen > 0 ? `  ${moneyWord(d, lang)} ${formatFen(d.lossFen)}` : ''),
    );
    for (const e of lang === 'en' ? d.evidenceEn : d.evidence) out.push(`     · ${e}`);
    out.push(`     ${pick(lang, '处理建议：', 'What to do:')}`);
    for (const [k, step] of (lang === 'en' ? d.stepsEn : d.steps).entries())
      out.push(`       ${k + 1}) ${step}`);
  });
  return out;
}

const esc = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The diagnoses as an HTML section (inline, no external request). */
export function diagnosisHtml(diagnoses: readonly Diagnosis[], lang: Lang): string {
  const parts = [`<section class="diagnoses"><h2>${esc(diagnosesHeading(lang))}</h2>`];
  diagnoses.forEach((d, i) => {
    parts.push(
      `<div class="diagnosis" id="${esc(d.id)}"><h3>${i + 1}. ${esc(diagnosisTitle(d, diagnoses, lang))}</h3>`,
      `<p class="muted">${esc(causeTag(d, lang))} · ${esc(pick(lang, CONFIDENCE[d.confidence].zh, CONFIDENCE[d.confidence].en))}` +
        `${d.lossFen > 0 ? ` · ${esc(moneyWord(d, lang))} ${esc(formatFen(d.lossFen))}` : ''}` +
        ` · ${esc(pick(lang, `${d.findingIds.length} 项问题`, `${d.findingIds.length} finding(s)`))}</p>`,
      `<ul>${(lang === 'en' ? d.evidenceEn : d.evidence).map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`,
      `<p><strong>${esc(pick(lang, '处理建议', 'What to do'))}</strong></p>`,
      `<ol>${(lang === 'en' ? d.stepsEn : d.steps).map((s) => `<li>${esc(s)}</li>`).join('')}</ol></div>`,
    );
  });
  parts.push('</section>');
  return parts.join('\n');
}
