/** An expected refusal on a case: unknown case or attachment, a transition the life cycle forbids, bad input. */
export class CaseError extends Error {
  readonly code: 'case_not_found' | 'invalid_transition' | 'invalid' | 'too_large';
  readonly zh: string;
  constructor(code: CaseError['code'], zh: string, en: string) {
    super(en);
    this.name = 'CaseError';
    this.code = code;
    this.zh = zh;
  }
}
