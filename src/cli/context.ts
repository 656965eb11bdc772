import type { Lang } from './lang.js';

/** What every command needs from the process, passed in so commands stay testable in-process. */
export interface CliContext {
  readonly lang: Lang;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal: progress bars only then, silence in a pipe. */
  readonly interactive: boolean;
  readonly cwd: string;
  /** The environment (RunOptions.env in tests, else process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Set by a command to report its outcome; the entry point exits with it. */
  exitCode: number;
}
