/** Exit codes every command shares: 0 nothing to report, 1 something found or rejected, 2 cannot proceed. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * A failure the user must act on (bad flag, unreadable file, invalid plan): printed as one line in the user's
 * language, never with a stack trace.
 */
export class CliError extends Error {
  readonly zh: string;
  readonly exitCode: number;
  constructor(zh: string, en: string, exitCode = EXIT_USAGE) {
    super(en);
    this.name = 'CliError';
    this.zh = zh;
    this.exitCode = exitCode;
  }
}
