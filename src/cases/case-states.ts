/** The life of a dispute: open → contacted → promised → refunded | rejected → closed. */
export const CASE_STATES = ['open', 'contacted', 'promised', 'refunded', 'rejected', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** The names `posguard case --help` shows (待处理 → 已联系 → 已承诺 → 已退款 | 被拒绝 → 已结案). */
export const CASE_STATE_NAMES_ZH: Record<CaseState, string> = {
  open: '待处理',
  contacted: '已联系',
  promised: '已承诺',
  refunded: '已退款',
  rejected: '被拒绝',
  closed: '已结案',
};

// The longer names earlier versions printed, still understood when typed.
const LONGER_NAMES_ZH: Readonly<Record<string, CaseState>> = {
  已联系服务商: 'contacted',
  已承诺退款: 'promised',
};

/**
 * The state a user typed: a code (`contacted`, any case) or its Chinese name (已联系, or the longer 已联系服务商);
 * undefined when it names none.
 */
export function parseCaseState(text: string): CaseState | undefined {
  const typed = text.trim();
  const code = typed.toLowerCase();
  if (isCaseState(code)) return code;
  const byName = CASE_STATES.find((s) => CASE_STATE_NAMES_ZH[s] === typed);
  return byName ?? LONGER_NAMES_ZH[typed];
}

/** Every state as the user may type it, code and name: `open（待处理）、contacted（已联系）…`. */
export function caseStateChoices(lang: 'zh' | 'en'): string {
  return lang === 'en'
    ? CASE_STATES.map((s) => `${s} (${CASE_STATE_NAMES_ZH[s]})`).join(', ')
    : CASE_STATES.map((s) => `${s}（${CASE_STATE_NAMES_ZH[s]}）`).join('、');
}

// A case may be dropped (closed) before the provider answers; a rejection may be reopened to try again
// (e.g. with the 12363 complaint); once refunded it only closes.
const NEXT: Record<CaseState, readonly CaseState[]> = {
  open: ['contacted', 'rejected', 'closed'],
  contacted: ['promised', 'refunded', 'rejected', 'closed'],
  promised: ['refunded', 'rejected', 'closed'],
  refunded: ['closed'],
  rejected: ['open', 'closed'],
  closed: [],
};

/** Whether a case may move from one state to another. */
export function canMove(from: CaseState, to: CaseState): boolean {
  return NEXT[from].includes(to);
}

/** The states a case may move to next. */
export function nextStates(from: CaseState): readonly CaseState[] {
  return NEXT[from];
}

/** Whether a text names a case state. */
export function isCaseState(text: string): text is CaseState {
  return (CASE_STATES as readonly string[]).includes(text);
}

/** Days without any change after which an open case is reported as idle. */
export const DEFAULT_IDLE_DAYS = 7;

/** The biggest attachment a case keeps (the evidence pack zip fits easily). */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;
