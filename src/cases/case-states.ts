/** The life of a dispute: open → contacted → promised → refunded | rejected → closed. */
export const CASE_STATES = ['open', 'contacted', 'promised', 'refunded', 'rejected', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATE_NAMES_ZH: Record<CaseState, string> = {
  open: '待处理',
  contacted: '已联系服务商',
  promised: '已承诺退款',
  refunded: '已退款',
  rejected: '被拒绝',
  closed: '已结案',
};

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
